import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Validator } from '../shared/validation';

/** A Route 53 health check on one public endpoint, alarmed when it fails. */
export interface EndpointHealthCheckProps {
  /** The endpoint's host name, e.g. `app.example.com` or a load balancer's DNS name. */
  readonly fqdn: string;
  /**
   * `HTTPS` requests `path` and expects 2xx or 3xx; `TCP` only opens a connection to port 443
   * (for an endpoint that answers nothing unauthenticated, such as an IAM-authorized API).
   * @default 'HTTPS'
   */
  readonly protocol?: 'HTTPS' | 'TCP';
  /**
   * Path requested over HTTPS.
   * @default '/'
   */
  readonly path?: string;
}

/** Props of the {@link Domain} construct. */
export interface DomainProps {
  /** The zone's domain name, e.g. `example.com`; the endpoints' names sit under it. */
  readonly domainName: string;
  /**
   * Id of an existing public hosted zone for `domainName` (`Z...`), imported without a
   * context lookup (synth stays offline and environment-agnostic).
   * @default a new public hosted zone: delegate to its name servers at your registrar
   */
  readonly hostedZoneId?: string;
  /**
   * CAA records (issue and issuewild) allowing only Amazon's certificate authority
   * (amazon.com, amazontrust.com, awstrust.com, amazonaws.com), which ACM uses.
   * @default true
   */
  readonly caa?: boolean;
  /**
   * DNSSEC signing: an asymmetric KMS key (ECC_NIST_P256, in us-east-1 as Route 53
   * requires) and a key-signing key. Add the DS record it shows to the parent zone.
   * Needs the construct's stack in us-east-1.
   * @default false
   */
  readonly dnssec?: boolean;
  /**
   * DNS query logging to a CloudWatch Logs group in us-east-1 (`/aws/route53/<domain>`).
   * CloudFormation configures it on a zone it creates only, so not with `hostedZoneId`.
   * Needs the construct's stack in us-east-1.
   * @default false
   */
  readonly queryLogging?: boolean;
  /**
   * Health checks by name (`app`), each with an alarm on its status. Route 53
   * publishes their metrics in us-east-1: needs the construct's stack there.
   * @default none
   */
  readonly healthChecks?: Record<string, EndpointHealthCheckProps>;
  /**
   * An alarm topic even without `healthChecks`, for alarms on health checks made
   * elsewhere (`alarmOnHealthCheck`, as the stages do for their endpoints).
   * @default false: a topic only with healthChecks
   */
  readonly alarms?: boolean;
  /**
   * Key of the alarm topic.
   * @default a new key with rotation, when there are health checks
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * E-mail address subscribed to the health-check alarms.
   * @default none
   */
  readonly alarmEmail?: string;
  /**
   * Retention of the query logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to a created zone, the DNSSEC key and the query logs on stack deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A DNS name: labels of letters, digits and hyphens, lower case, a top-level domain of letters. */
export const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** A Route 53 hosted zone id. */
export const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const HEALTH_CHECK_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

const known = (value: unknown): boolean => value !== undefined && !Token.isUnresolved(value);

/** Checks every rule, throwing one ConfigError listing all problems; tokens are left to CloudFormation. */
export function validateDomainProps(props: DomainProps, region?: string): void {
  const v = new Validator('Domain props');
  if (known(props.domainName)) v.check(DOMAIN_NAME.test(props.domainName), 'domainName', props.domainName, 'expected a lower-case DNS name such as "example.com"');
  if (known(props.hostedZoneId)) v.check(HOSTED_ZONE_ID.test(props.hostedZoneId!), 'hostedZoneId', props.hostedZoneId, 'expected a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"');
  v.check(!(props.queryLogging && props.hostedZoneId !== undefined), 'queryLogging', true,
    'CloudFormation configures query logging only on a zone it creates; leave hostedZoneId out, or configure logging on your zone (aws route53 create-query-logging-config)');
  const needsUsEast1 = usEast1Features(props);
  if (needsUsEast1.length > 0 && region !== undefined && known(region)) {
    v.check(region === 'us-east-1', 'region', region, `${needsUsEast1.join(', ')} need the Domain's stack in us-east-1 (where Route 53 reads DNSSEC keys, writes query logs and publishes health-check metrics)`);
  }
  if (known(props.alarmEmail)) v.check(/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alarmEmail!), 'alarmEmail', props.alarmEmail, 'expected an e-mail address');
  for (const [name, check] of Object.entries(props.healthChecks ?? {})) {
    v.check(HEALTH_CHECK_NAME.test(name), `healthChecks.${name}`, name, 'expected a name of letters and digits, starting with a letter');
    if (known(check.fqdn)) v.check(DOMAIN_NAME.test(check.fqdn), `healthChecks.${name}.fqdn`, check.fqdn, 'expected a lower-case DNS name');
    v.oneOf(`healthChecks.${name}.protocol`, check.protocol, ['HTTPS', 'TCP']);
    if (check.path !== undefined) {
      v.check(check.protocol !== 'TCP', `healthChecks.${name}.path`, check.path, 'a TCP check requests no path');
      v.check(/^\/\S{0,254}$/.test(check.path), `healthChecks.${name}.path`, check.path, 'expected a path starting with "/"');
    }
  }
  v.throwIfInvalid();
}

/** The features given that Route 53 serves from us-east-1 only. */
export function usEast1Features(props: DomainProps): string[] {
  return [
    ...props.dnssec ? ['dnssec'] : [],
    ...props.queryLogging ? ['queryLogging'] : [],
    ...Object.keys(props.healthChecks ?? {}).length > 0 || props.alarms ? ['health-check alarms'] : [],
  ];
}
