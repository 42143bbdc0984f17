import { RemovalPolicy, Token } from 'aws-cdk-lib';
import { Validator } from '../shared/validation';
import { COUNTRY_CODES } from './country-codes';

/**
 * How CloudFront reads the private bucket:
 * - `oai`: an Origin Access Identity, as the notes describe (SSE-S3 buckets only).
 * - `oac`: Origin Access Control, what AWS recommends now (SSE-KMS, every region, writes).
 */
export type OriginAccess = 'oai' | 'oac';

/** CloudFront price classes: which edge locations serve the site. */
export type PriceClass = 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
export const PRICE_CLASSES: readonly PriceClass[] = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'];

/** Encryption at rest of the content bucket. */
export type ContentEncryption = 'S3_MANAGED' | 'KMS';

/** A second behaviour: a path pattern served by an HTTP origin, uncached. */
export interface DynamicContentProps {
  /** Path pattern, e.g. `/api/*`. */
  readonly pathPattern: string;
  /**
   * Domain name of the HTTPS origin, e.g. `api.example.com`; required (validated) with a path pattern.
   * @default none
   */
  readonly originDomainName?: string;
}

/** Props of the {@link StaticSite} construct. */
export interface StaticSiteProps {
  /**
   * How CloudFront reads the bucket. See {@link OriginAccess}.
   * @default 'oai'
   */
  readonly originAccess?: OriginAccess;
  /**
   * Encryption of the content bucket; `KMS` needs `originAccess: 'oac'`.
   * @default 'S3_MANAGED'
   */
  readonly encryption?: ContentEncryption;
  /**
   * Folder whose files are uploaded to the bucket on every deploy (then the cache is invalidated).
   * @default the sample site in `lib/static-site/site`
   */
  readonly contentPath?: string;
  /**
   * Single-page-app mode: 403 and 404 are answered with `/index.html` and status 200.
   * @default false
   */
  readonly spa?: boolean;
  /**
   * The Content-Security-Policy header.
   * @default self-hosted scripts, inline styles, images and fonts from self/data/https, fetches to https
   */
  readonly contentSecurityPolicy?: string;
  /**
   * Edge locations that serve the site.
   * @default 'PriceClass_100' (North America and Europe, the cheapest)
   */
  readonly priceClass?: PriceClass;
  /**
   * Custom domain names; need `certificateArn`.
   * @default none: the distribution's cloudfront.net name
   */
  readonly domainNames?: string[];
  /**
   * ACM certificate for `domainNames`; must be in us-east-1.
   * @default none
   */
  readonly certificateArn?: string;
  /**
   * Serve only these countries (ISO 3166-1 alpha-2 codes).
   * @default every country
   */
  readonly allowCountries?: string[];
  /**
   * Refuse these countries (ISO 3166-1 alpha-2 codes); not with `allowCountries`.
   * @default none
   */
  readonly denyCountries?: string[];
  /**
   * ARN of a WAF web ACL of CLOUDFRONT scope (created in us-east-1).
   * @default none
   */
  readonly webAclArn?: string;
  /**
   * A second, uncached behaviour routed to an HTTPS origin (the notes' static/dynamic split).
   * @default none
   */
  readonly dynamicContent?: DynamicContentProps;
  /**
   * Days a noncurrent object version is kept before it expires.
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
  /**
   * What happens to the buckets on stack deletion; DESTROY empties them first.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const GLOBAL_WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[A-Za-z0-9_-]+\/[0-9a-f-]{36}$/;
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.*$/~"'@:+?&=]*$/;

/** Checks every rule, throwing one ConfigError listing all problems. */
export function validateStaticSiteProps(props: StaticSiteProps): void {
  const v = new Validator('StaticSite props');
  const access = props.originAccess ?? 'oai';
  v.oneOf('originAccess', access, ['oai', 'oac']);
  v.oneOf('encryption', props.encryption, ['S3_MANAGED', 'KMS']);
  v.check(!(access === 'oai' && props.encryption === 'KMS'), 'encryption', 'KMS',
    'an Origin Access Identity cannot read SSE-KMS objects; use originAccess: "oac" or encryption: "S3_MANAGED"');
  v.oneOf('priceClass', props.priceClass, PRICE_CLASSES);
  checkDomain(v, props);
  checkCountries(v, props);
  if (props.webAclArn !== undefined && !Token.isUnresolved(props.webAclArn)) {
    v.check(GLOBAL_WEB_ACL_ARN.test(props.webAclArn), 'webAclArn', props.webAclArn, 'expected the ARN of a WAFv2 web ACL of CLOUDFRONT scope (global, in us-east-1)');
  }
  if (props.dynamicContent) {
    const { pathPattern, originDomainName } = props.dynamicContent;
    v.check(PATH_PATTERN.test(pathPattern) && pathPattern.length <= 255 && pathPattern !== '/*', 'dynamicContent.pathPattern', pathPattern,
      'expected a path pattern such as "/api/*" (starts with "/", not the default "/*")');
    v.check(originDomainName !== undefined && DOMAIN.test(originDomainName) && !originDomainName.startsWith('*'), 'dynamicContent.originDomainName', originDomainName,
      'a dynamic path pattern needs the domain name of its HTTPS origin, e.g. "api.example.com"');
  }
  v.intRange('noncurrentVersionDays', props.noncurrentVersionDays, 1, 3650, ' days');
  if (props.contentSecurityPolicy !== undefined) {
    v.check(props.contentSecurityPolicy.trim().length > 0 && !/[\r\n]/.test(props.contentSecurityPolicy), 'contentSecurityPolicy',
      props.contentSecurityPolicy, 'expected a non-empty policy on one line');
  }
  v.throwIfInvalid();
}

function checkDomain(v: Validator, props: StaticSiteProps): void {
  const { domainNames, certificateArn } = props;
  const hasDomains = domainNames !== undefined && domainNames.length > 0;
  v.check(!(hasDomains && certificateArn === undefined), 'domainNames', domainNames, 'custom domain names need certificateArn, an ACM certificate in us-east-1');
  v.check(!(!hasDomains && certificateArn !== undefined), 'certificateArn', certificateArn, 'a certificate needs the domainNames it covers');
  domainNames?.forEach((d, i) => v.check(DOMAIN.test(d), `domainNames[${i}]`, d, 'expected a lower-case domain name such as "www.example.com"'));
  if (certificateArn !== undefined && !Token.isUnresolved(certificateArn)) {
    const match = CERTIFICATE_ARN.exec(certificateArn);
    if (!match) v.fail('certificateArn', certificateArn, 'expected an ACM certificate ARN such as "arn:aws:acm:us-east-1:123456789012:certificate/<uuid>"');
    else v.check(match[1] === 'us-east-1', 'certificateArn', certificateArn, `CloudFront uses certificates from us-east-1 only; this one is in ${match[1]}`);
  }
}

function checkCountries(v: Validator, props: StaticSiteProps): void {
  const { allowCountries: allow, denyCountries: deny } = props;
  v.check(!(allow && deny), 'denyCountries', deny, 'expected an allow list or a deny list, not both');
  for (const [prop, list] of [['allowCountries', allow], ['denyCountries', deny]] as const) {
    if (!list) continue;
    v.check(list.length > 0, prop, list, 'expected at least one country code, or leave it out');
    list.forEach((c, i) => v.check(COUNTRY_CODES.has(c), `${prop}[${i}]`, c, 'expected an ISO 3166-1 alpha-2 country code such as "DE"'));
  }
}
