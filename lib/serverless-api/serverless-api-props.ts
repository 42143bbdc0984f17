import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Validator } from '../shared/validation';

/**
 * Who may call the API:
 * - `iam`: SigV4-signed requests of IAM principals allowed `execute-api:Invoke`.
 * - `cognito`: a Cognito user pool's ID or access token in `Authorization`.
 * - `apiKey`: an API key in `x-api-key`, metered by a usage plan (third-party developers).
 * - `unauthenticated`: anyone on the internet; the one explicit opt-in to a public API.
 */
export type ApiAuthorization = 'iam' | 'cognito' | 'apiKey' | 'unauthenticated';

/** Every authorization mode. */
export const API_AUTHORIZATIONS: readonly ApiAuthorization[] = ['iam', 'cognito', 'apiKey', 'unauthenticated'];

/** The Cognito user pool of `authorization: 'cognito'`. */
export interface CognitoAuthProps {
  /**
   * ARN of an existing user pool.
   * @default none: set this or `createUserPool`
   */
  readonly userPoolArn?: string;
  /**
   * Create a user pool (admin-created users, strong passwords, TOTP MFA).
   * @default false
   */
  readonly createUserPool?: boolean;
}

/** Throttling, in requests per second (rate) and concurrent burst. */
export interface ThrottleProps {
  /** Steady-state requests per second. @default 50 (stage), 10 (API key) */
  readonly rateLimit?: number;
  /** Burst capacity; at least the rate. @default 100 (stage), 20 (API key) */
  readonly burstLimit?: number;
}

/** The usage plan of `authorization: 'apiKey'`. */
export interface UsagePlanProps extends ThrottleProps {
  /**
   * Requests each key may make per period.
   * @default 10000 a day
   */
  readonly quota?: { readonly limit: number; readonly period: 'DAY' | 'WEEK' | 'MONTH' };
}

/** Props of the {@link ServerlessApi} construct. */
export interface ServerlessApiProps {
  /**
   * Who may call the API. See {@link ApiAuthorization}.
   * @default 'iam'
   */
  readonly authorization?: ApiAuthorization;
  /**
   * The user pool when `authorization` is `'cognito'`.
   * @default none
   */
  readonly cognito?: CognitoAuthProps;
  /**
   * Per-key quota and throttling when `authorization` is `'apiKey'`.
   * @default 10000 requests a day, 10 per second, bursts of 20
   */
  readonly usagePlan?: UsagePlanProps;
  /**
   * Stage-wide throttling.
   * @default 50 requests per second, bursts of 100
   */
  readonly throttling?: ThrottleProps;
  /**
   * Function memory in MB, 128 to 10240 (CPU scales with it).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Function timeout, 1 to 28 s: API Gateway gives up on an integration after 29 s.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency of the function (also its ceiling).
   * @default 10
   */
  readonly reservedConcurrency?: number;
  /**
   * Provisioned concurrency (pre-warmed instances, no cold starts), through a `live` alias.
   * @default none
   */
  readonly provisionedConcurrency?: number;
  /**
   * Origins allowed by CORS, e.g. `['https://app.example.com']`, or `['*']`.
   * @default none: no CORS headers, no preflight
   */
  readonly corsOrigins?: string[];
  /**
   * Cache GET responses (encrypted) for this long, 1 s to 3600 s. Costs from $14 a month.
   * @default no cache
   */
  readonly cacheTtl?: Duration;
  /**
   * Protect the API with a new regional WAF web ACL (AWS managed common,
   * known-bad-inputs and IP-reputation rules, a per-IP rate limit); about $9 a month.
   * @default false
   */
  readonly webAcl?: boolean;
  /**
   * ARN of an existing regional WAF web ACL to associate instead.
   * @default none
   */
  readonly webAclArn?: string;
  /**
   * E-mail address subscribed to the alarm topic (5xx answers, handler errors).
   * @default none
   */
  readonly alarmEmail?: string;
  /**
   * Deletion protection on the table.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Retention of the function and access logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the table, logs and key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const USER_POOL_ARN = /^arn:aws[a-z-]*:cognito-idp:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:userpool\/[a-z]{2}(-[a-z]+)+-\d+_[A-Za-z0-9]+$/;
const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:regional\/webacl\/[A-Za-z0-9_-]+\/[0-9a-f-]{36}$/;
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
/** API Gateway's hard integration timeout. */
export const INTEGRATION_TIMEOUT_S = 29;

/** Checks every rule, throwing one ConfigError listing all problems. */
export function validateServerlessApiProps(props: ServerlessApiProps): void {
  const v = new Validator('ServerlessApi props');
  const auth = props.authorization ?? 'iam';
  v.oneOf('authorization', auth, API_AUTHORIZATIONS);
  v.intRange('memorySize', props.memorySize, 128, 10240, ' MB');
  v.intRange('timeout', props.timeout?.toSeconds(), 1, INTEGRATION_TIMEOUT_S - 1,
    ` seconds (API Gateway ends every integration at ${INTEGRATION_TIMEOUT_S} s)`);
  v.intRange('reservedConcurrency', props.reservedConcurrency, 1, 1000);
  v.intRange('provisionedConcurrency', props.provisionedConcurrency, 1, 1000);
  if (props.provisionedConcurrency !== undefined && props.reservedConcurrency !== undefined) {
    v.check(props.provisionedConcurrency <= props.reservedConcurrency, 'provisionedConcurrency', props.provisionedConcurrency,
      `expected at most reservedConcurrency (${props.reservedConcurrency})`);
  }
  checkThrottle(v, 'throttling', props.throttling);
  checkCognito(v, auth, props.cognito);
  checkUsagePlan(v, auth, props.usagePlan);
  props.corsOrigins?.forEach((o, i) => v.check(o === '*' || ORIGIN.test(o), `corsOrigins[${i}]`, o,
    'expected "*" or an origin such as "https://app.example.com" (scheme, host, optional port, no path)'));
  v.check(!(props.corsOrigins?.includes('*') && props.corsOrigins.length > 1), 'corsOrigins', props.corsOrigins, 'expected "*" alone or a list of origins');
  v.intRange('cacheTtl', props.cacheTtl?.toSeconds(), 1, 3600, ' seconds');
  v.check(!(props.webAcl && props.webAclArn), 'webAclArn', props.webAclArn, 'expected webAcl: true or webAclArn, not both');
  if (props.webAclArn !== undefined && !Token.isUnresolved(props.webAclArn)) {
    v.check(WEB_ACL_ARN.test(props.webAclArn), 'webAclArn', props.webAclArn, 'expected the ARN of a regional WAFv2 web ACL');
  }
  v.throwIfInvalid();
}

function checkThrottle(v: Validator, prop: string, t: ThrottleProps | undefined): void {
  if (!t) return;
  v.intRange(`${prop}.rateLimit`, t.rateLimit, 0, 10000);
  v.intRange(`${prop}.burstLimit`, t.burstLimit, 0, 5000);
  if (t.rateLimit !== undefined && t.burstLimit !== undefined) {
    v.check(t.burstLimit >= t.rateLimit, `${prop}.burstLimit`, t.burstLimit, `expected at least the rateLimit (${t.rateLimit})`);
  }
}

function checkCognito(v: Validator, auth: ApiAuthorization, cognito: CognitoAuthProps | undefined): void {
  if (auth !== 'cognito') {
    v.check(cognito === undefined, 'cognito', cognito, 'applies only to authorization "cognito"');
    return;
  }
  const arn = cognito?.userPoolArn;
  v.check(arn !== undefined || cognito?.createUserPool === true, 'cognito', cognito,
    'authorization "cognito" needs a user pool: set cognito.userPoolArn or cognito.createUserPool: true');
  v.check(!(arn !== undefined && cognito?.createUserPool), 'cognito', cognito, 'expected userPoolArn or createUserPool, not both');
  if (arn !== undefined && !Token.isUnresolved(arn)) {
    v.check(USER_POOL_ARN.test(arn), 'cognito.userPoolArn', arn,
      'expected a user pool ARN such as "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"');
  }
}

function checkUsagePlan(v: Validator, auth: ApiAuthorization, plan: UsagePlanProps | undefined): void {
  if (!plan) return;
  v.check(auth === 'apiKey', 'usagePlan', plan, `a usage plan meters API keys; it needs authorization "apiKey", not "${auth}"`);
  checkThrottle(v, 'usagePlan', plan);
  if (plan.quota) {
    v.intRange('usagePlan.quota.limit', plan.quota.limit, 1, 1e9);
    v.oneOf('usagePlan.quota.period', plan.quota.period, ['DAY', 'WEEK', 'MONTH']);
  }
}
