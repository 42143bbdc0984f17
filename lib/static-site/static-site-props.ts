import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { REGION, Validator } from '../shared/validation';
import { COUNTRY_CODES } from './country-codes';

/**
 * How CloudFront reads the private bucket:
 * - `oac`: Origin Access Control, what AWS recommends now (SSE-KMS, every region, writes).
 * - `oai`: an Origin Access Identity, as the notes describe; AWS calls it legacy, and it
 *   reads neither SSE-KMS objects nor buckets in regions launched after December 2022.
 */
export type OriginAccess = 'oai' | 'oac';

/** CloudFront price classes: which edge locations serve the site. */
export type PriceClass = 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
export const PRICE_CLASSES: readonly PriceClass[] = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'];

/** Encryption at rest of the content bucket. */
export type ContentEncryption = 'S3_MANAGED' | 'KMS';

/**
 * Commercial, China and GovCloud regions launched by December 2022, whose S3
 * buckets accept an Origin Access Identity; regions launched since (such as
 * ap-southeast-4, il-central-1, ca-west-1, mx-central-1) accept only OAC.
 */
export const OAI_REGIONS: ReadonlySet<string> = new Set([
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-south-1', 'ap-south-2',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3',
  'ca-central-1', 'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2',
  'eu-north-1', 'me-south-1', 'me-central-1', 'sa-east-1', 'cn-north-1', 'cn-northwest-1', 'us-gov-east-1', 'us-gov-west-1',
]);

/**
 * The origin access a site uses in `region` (undefined: agnostic): OAI where
 * asked and accepted, OAC where asked for OAI with `originAccessFallback` in
 * a region that refuses it.
 */
export function effectiveOriginAccess(props: Pick<StaticSiteProps, 'originAccess' | 'originAccessFallback'>, region?: string): OriginAccess {
  const access = props.originAccess ?? 'oac';
  const refused = region !== undefined && !Token.isUnresolved(region) && !OAI_REGIONS.has(region);
  return access === 'oai' && props.originAccessFallback && refused ? 'oac' : access;
}

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
/** Where the site's content is replicated. */
export interface SiteReplicaProps {
  /** Name of the replica bucket (a `SiteReplicaBucket`), versioned. */
  readonly bucketName: string;
  /** Its region; not the content bucket's. */
  readonly region: string;
}

/** The status codes of the content bucket on which CloudFront retries at the replica: the server's failures, not a missing object (404) or a refusal (403). */
export const FAILOVER_STATUS_CODES = [500, 502, 503, 504];

export interface StaticSiteProps {
  /**
   * How CloudFront reads the bucket. See {@link OriginAccess}. `'oai'` fails at synth
   * in a region (known at synth) launched after December 2022.
   * @default 'oac'
   */
  readonly originAccess?: OriginAccess;
  /**
   * With `originAccess: 'oai'` in a region (known at synth) whose buckets refuse an
   * Origin Access Identity: use Origin Access Control there instead, with a warning,
   * rather than fail. An environment-agnostic template refuses such a region at
   * deploy either way (a template rule), before anything is created.
   * @default false: such a region fails at synth
   */
  readonly originAccessFallback?: boolean;
  /**
   * Encryption of the content bucket; `KMS` needs `originAccess: 'oac'`. With KMS the
   * key policy lets this site's distribution decrypt, and no other distribution.
   * @default 'S3_MANAGED'
   */
  readonly encryption?: ContentEncryption;
  /**
   * Your own key for `encryption: 'KMS'`, e.g. `kms.Key.fromKeyArn(...)`. The site adds
   * a statement for its distribution to the key's policy after deploy (and removes it
   * on delete), so the key policy must let this account's IAM principals manage it.
   * @default a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Your own content bucket instead of a new one: a private bucket whose policy this app
   * can change (an `s3.Bucket` of the app, not an imported one). Encryption, versioning,
   * logging and removal are then yours; `bucketProps`, `encryption`, `encryptionKey`
   * and `noncurrentVersionDays` do not apply.
   * @default a new private, versioned, logged bucket
   */
  readonly existingBucket?: s3.IBucket;
  /**
   * Props merged over the new content bucket's defaults (not with `existingBucket`).
   * @default none
   */
  readonly bucketProps?: s3.BucketProps;
  /**
   * Folder whose files are uploaded to the bucket on every deploy (then the cache is invalidated).
   * @default the sample site in `lib/static-site/site`
   */
  readonly contentPath?: string;
  /**
   * Single-page-app mode: a path with no object is answered with `/index.html` and
   * status 200 (the app routes it); otherwise with the site's `/404.html` and 404.
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
   * A copy of the content in another region for disaster recovery: S3
   * Cross-Region Replication of every object version and delete marker to
   * that bucket (create it first, in its region, with `SiteReplicaBucket`), and
   * the bucket as the distribution's fallback origin (a CloudFront origin group
   * that retries a request there when the content bucket answers 500, 502, 503
   * or 504). Needs `originAccess: 'oac'` and SSE-S3 content (the default).
   * @default none
   */
  readonly replica?: SiteReplicaProps;
  /**
   * What happens to the buckets on stack deletion; DESTROY empties them first.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Retention of the logs of the content deployment (and of the key-policy function).
   * Every site of a stack shares CDK's deployment function, so they must agree.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const GLOBAL_WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[A-Za-z0-9_-]+\/[0-9a-f-]{36}$/;
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.*$/~"'@:+?&=]*$/;

/** True when a value is given and known at synth (not a token such as a parameter). */
const known = (value: unknown): boolean => value !== undefined && !Token.isUnresolved(value);

/**
 * Checks every rule, throwing one ConfigError listing all problems. Values
 * that are tokens (parameters, imports) are checked at deploy, not here.
 * `region` is the bucket's region, when known, for the OAI rule.
 */
export function validateStaticSiteProps(props: StaticSiteProps, region?: string): void {
  const v = new Validator('StaticSite props');
  const access = props.originAccess ?? 'oac';
  v.oneOf('originAccess', access, ['oai', 'oac']);
  v.oneOf('encryption', props.encryption, ['S3_MANAGED', 'KMS']);
  v.check(!(access === 'oai' && props.encryption === 'KMS'), 'encryption', 'KMS',
    'an Origin Access Identity cannot read SSE-KMS objects; use originAccess: "oac" or encryption: "S3_MANAGED"');
  if (access === 'oai' && !props.originAccessFallback && region !== undefined && known(region)) {
    v.check(OAI_REGIONS.has(region), 'originAccess', access,
      `S3 buckets in ${region}, a region launched after December 2022, do not accept an Origin Access Identity; use originAccess: "oac"`);
  }
  checkBucket(v, props);
  if (known(props.priceClass)) v.oneOf('priceClass', props.priceClass, PRICE_CLASSES);
  checkDomain(v, props);
  checkCountries(v, props);
  if (known(props.webAclArn)) {
    v.check(GLOBAL_WEB_ACL_ARN.test(props.webAclArn!), 'webAclArn', props.webAclArn, 'expected the ARN of a WAFv2 web ACL of CLOUDFRONT scope (global, in us-east-1)');
  }
  checkDynamicContent(v, props);
  checkReplica(v, props, region);
  v.intRange('noncurrentVersionDays', props.noncurrentVersionDays, 1, 3650, ' days');
  if (known(props.contentSecurityPolicy)) {
    v.check(props.contentSecurityPolicy!.trim().length > 0 && !/[\r\n]/.test(props.contentSecurityPolicy!), 'contentSecurityPolicy',
      props.contentSecurityPolicy, 'expected a non-empty policy on one line');
  }
  v.throwIfInvalid();
}

function checkBucket(v: Validator, props: StaticSiteProps): void {
  const { existingBucket, bucketProps, encryption, encryptionKey, noncurrentVersionDays } = props;
  if (existingBucket) {
    const ignored = Object.entries({ bucketProps, encryption, encryptionKey, noncurrentVersionDays }).filter(([, value]) => value !== undefined).map(([name]) => name);
    v.check(ignored.length === 0, 'existingBucket', existingBucket.node.path,
      `${ignored.join(', ')} configure a new bucket; set them on your own bucket instead, or leave existingBucket out`);
    v.check(!(existingBucket.encryptionKey && props.originAccess === 'oai'), 'existingBucket', existingBucket.node.path,
      'the bucket is SSE-KMS encrypted, which an Origin Access Identity cannot read; use originAccess: "oac"');
  }
  v.check(!(encryptionKey && encryption !== 'KMS'), 'encryptionKey', encryptionKey?.node.path, 'a key is used with encryption: "KMS" only');
  if (bucketProps) {
    const owned = ['encryption', 'encryptionKey', 'blockPublicAccess', 'enforceSSL', 'publicReadAccess', 'websiteIndexDocument'] as const;
    const overridden = owned.filter((name) => bucketProps[name] !== undefined);
    v.check(overridden.length === 0, 'bucketProps', overridden,
      'the site keeps its bucket private, TLS-only and encrypted as encryption/encryptionKey say; set the other bucket props here');
  }
}

const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** A replica: of a bucket the site creates, SSE-S3, read with OAC, named, in another region. */
function checkReplica(v: Validator, props: StaticSiteProps, region: string | undefined): void {
  const replica = props.replica;
  if (!replica) return;
  v.check(effectiveOriginAccess(props, region) === 'oac', 'replica', replica.region,
    'the replica is read through Origin Access Control; an Origin Access Identity of this stack cannot be named in the replica\'s bucket policy in another region: use originAccess: "oac"');
  v.check(props.encryption !== 'KMS', 'replica', replica.region, 'replicates SSE-S3 content; SSE-KMS content would need a replica key and KMS grants the site does not make: use encryption: "S3_MANAGED"');
  v.check(props.existingBucket === undefined, 'replica', replica.region, 'replicates a bucket the site creates; configure replication on your existingBucket yourself');
  if (known(replica.bucketName)) v.check(BUCKET_NAME.test(replica.bucketName), 'replica.bucketName', replica.bucketName, 'expected an S3 bucket name: 3 to 63 lower-case letters, digits, dots or hyphens');
  if (known(replica.region)) {
    v.check(REGION.test(replica.region), 'replica.region', replica.region, 'expected an AWS region name such as "us-west-2"');
    if (region !== undefined && known(region)) v.check(replica.region !== region, 'replica.region', replica.region, `expected a region other than the content bucket's (${region})`);
  }
}

function checkDynamicContent(v: Validator, props: StaticSiteProps): void {
  if (!props.dynamicContent) return;
  const { pathPattern, originDomainName } = props.dynamicContent;
  if (known(pathPattern)) {
    v.check(PATH_PATTERN.test(pathPattern) && pathPattern.length <= 255 && pathPattern !== '/*', 'dynamicContent.pathPattern', pathPattern,
      'expected a path pattern such as "/api/*" (starts with "/", not the default "/*")');
  }
  if (!Token.isUnresolved(originDomainName)) {
    v.check(originDomainName !== undefined && DOMAIN.test(originDomainName) && !originDomainName.startsWith('*'), 'dynamicContent.originDomainName', originDomainName,
      'a dynamic path pattern needs the domain name of its HTTPS origin, e.g. "api.example.com"');
  }
}

function checkDomain(v: Validator, props: StaticSiteProps): void {
  const { domainNames, certificateArn } = props;
  const hasDomains = domainNames !== undefined && (Token.isUnresolved(domainNames) || domainNames.length > 0);
  v.check(!(hasDomains && certificateArn === undefined), 'domainNames', domainNames, 'custom domain names need certificateArn, an ACM certificate in us-east-1');
  v.check(!(!hasDomains && certificateArn !== undefined), 'certificateArn', certificateArn, 'a certificate needs the domainNames it covers');
  if (known(domainNames)) {
    domainNames!.forEach((d, i) => { if (known(d)) v.check(DOMAIN.test(d), `domainNames[${i}]`, d, 'expected a lower-case domain name such as "www.example.com"'); });
  }
  if (known(certificateArn)) {
    const match = CERTIFICATE_ARN.exec(certificateArn!);
    if (!match) v.fail('certificateArn', certificateArn, 'expected an ACM certificate ARN such as "arn:aws:acm:us-east-1:123456789012:certificate/<uuid>"');
    else v.check(match[1] === 'us-east-1', 'certificateArn', certificateArn, `CloudFront uses certificates from us-east-1 only; this one is in ${match[1]}`);
  }
}

function checkCountries(v: Validator, props: StaticSiteProps): void {
  const { allowCountries: allow, denyCountries: deny } = props;
  v.check(!(allow && deny), 'denyCountries', deny, 'expected an allow list or a deny list, not both');
  for (const [prop, list] of [['allowCountries', allow], ['denyCountries', deny]] as const) {
    if (!known(list)) continue;
    v.check(list!.length > 0, prop, list, 'expected at least one country code, or leave it out');
    list!.forEach((c, i) => { if (known(c)) v.check(COUNTRY_CODES.has(c), `${prop}[${i}]`, c, 'expected an ISO 3166-1 alpha-2 country code such as "DE"'); });
  }
}
