import * as fs from 'fs';
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { checkRegionalReplicas, EMAIL, Validator } from '../shared/validation';

/**
 * Who may call the API:
 * - `iam`: SigV4-signed requests of IAM principals allowed `execute-api:Invoke`.
 * - `cognito`: a Cognito user pool's ID token in `Authorization` (the methods have no OAuth scopes, so access tokens are refused).
 * - `apiKey`: an API key in `x-api-key`, metered by a usage plan (third-party developers).
 * - `unauthenticated`: anyone on the internet; the one explicit opt-in to a public API.
 */
export type ApiAuthorization = 'iam' | 'cognito' | 'apiKey' | 'unauthenticated';

/** Every authorization mode. */
export const API_AUTHORIZATIONS: readonly ApiAuthorization[] = ['iam', 'cognito', 'apiKey', 'unauthenticated'];

/**
 * The Cognito user pool of `authorization: 'cognito'`: exactly one of
 * `userPool`, `userPoolArn` and `createUserPool`. Callers send the pool's ID
 * token in `Authorization`: the methods have no OAuth scopes, and API Gateway
 * accepts an access token only on a method with scopes.
 */
export interface CognitoAuthProps {
  /**
   * An existing user pool (for instance `cognito.UserPool.fromUserPoolId(...)`).
   * @default none: set this, `userPoolArn` or `createUserPool`
   */
  readonly userPool?: cognito.IUserPool;
  /**
   * ARN of an existing user pool.
   * @default none: set this, `userPool` or `createUserPool`
   */
  readonly userPoolArn?: string;
  /**
   * Create a user pool (admin-created users, strong passwords, TOTP MFA) and
   * an app client for it: SRP sign-in, no client secret, no OAuth flows.
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
   * Your own function behind the API instead of the items example: the API
   * routes `ANY /` and `ANY /{proxy+}` to it (Lambda proxy integration) with
   * the same authorization, throttling, logs and WAF. Configure its memory,
   * timeout (under 29 s) and concurrency on the function itself.
   * @default the items handler
   */
  readonly existingFunction?: lambda.IFunction;
  /**
   * Path of your own TypeScript handler file (exporting `handler`), bundled and
   * hardened like the items handler (arm64, X-Ray, JSON logs to an encrypted log
   * group, encrypted environment), routed like `existingFunction`.
   * @default the items handler
   */
  readonly handlerEntry?: string;
  /**
   * Environment variables of the function the construct creates (`TABLE_NAME`
   * and `ALLOWED_ORIGINS` are set by the construct).
   * @default none
   */
  readonly environment?: Record<string, string>;
  /**
   * Create the DynamoDB table. With the items handler the table is required;
   * with `handlerEntry` the handler gets read/write on it and its name in
   * `TABLE_NAME`; with `existingFunction` the function gets read/write on it.
   * @default true with the items handler, false with your own function or code
   */
  readonly createTable?: boolean;
  /**
   * The table's replicas in other regions: the table becomes a DynamoDB global
   * table (`AWS::DynamoDB::GlobalTable`, version 2019.11.21), every write
   * replicated to each replica region (typically within a second), each
   * replica encrypted with the key given for its region, with the table's
   * deletion protection and point-in-time recovery. Needs a stack with a
   * region. A replica has the table's name: another region's stack reads it
   * (e.g. by a weak reference, Fn::GetStackOutput) or you give `tableName`.
   *
   * CloudFormation cannot turn a deployed `AWS::DynamoDB::Table` into a
   * global table (AWS warns that changing the type may delete the table), so
   * the global table is a new resource with a logical id of its own, and the
   * regional table leaves the template: retained where `removalPolicy` was
   * RETAIN (the Production profile), deleted otherwise. Synth warns. To keep
   * the items, follow AWS's retain-and-import path (the DisasterRecovery page):
   * convert the retained table to a global table, then `cdk import` it.
   * @default none: a regional table, unchanged
   */
  readonly tableReplicas?: TableReplicaProps[];
  /**
   * Name of the table. A fixed name collides with a retained table of an
   * earlier deployment; changing the name of a deployed table replaces it.
   * @default a name CloudFormation generates
   */
  readonly tableName?: string;
  /**
   * A table of yours instead of one the construct creates, e.g. the standby
   * region's replica of a global table: the items handler (or your code) gets
   * read/write on it and its name in `TABLE_NAME`. Give it with its key
   * (`TableV2.fromTableAttributes({ tableName, encryptionKey })`) so that
   * the grant covers the key.
   * @default none
   */
  readonly existingTable?: dynamodb.ITable;
  /**
   * Key encrypting the table, logs, alarm topic and environment. An imported key
   * must already let CloudWatch Logs (`logs.<region>.amazonaws.com`) and
   * CloudWatch alarms (`cloudwatch.amazonaws.com`) use it.
   * @default a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Set API Gateway's CloudWatch Logs role for this account and region
   * (`AWS::ApiGateway::Account`), which execution logging needs. Created once
   * per stage and environment (shared by every ServerlessApi there) and
   * retained on destroy, because every REST API of the account and region logs
   * through it. Set `false` when the account already has the role set (for
   * instance by a baseline stack); a stage then fails to deploy if it has not.
   * @default true
   */
  readonly accountLoggingRole?: boolean;
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
   * Reserved concurrency of the function (also its ceiling). Lambda refuses a
   * reservation that leaves less than 10 unreserved executions in the account,
   * and a new account has 10 in all: stage throttling caps the load instead.
   * @default none: the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrency?: number;
  /**
   * Provisioned concurrency (pre-warmed instances, no cold starts), through a
   * `live` alias; at most `reservedConcurrency` when that is set (without it,
   * Lambda allows up to the account's unreserved concurrency minus 100).
   * @default none
   */
  readonly provisionedConcurrency?: number;
  /**
   * Origins allowed by CORS, e.g. `['https://app.example.com']`, or `['*']`:
   * preflight answers, the handler's responses (the request's `Origin` echoed
   * when allowed) and API Gateway's own 4XX/5XX answers carry the headers.
   * Each origin may be a token (e.g. a CfnParameter's value); the list itself
   * may not, because the preflight needs to know how many there are.
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
  /**
   * A regional custom domain name for the API (TLS 1.2 minimum), its base path mapped
   * to the API's stage: `https://api.example.com/items`. Point a DNS alias at
   * `ServerlessApi.customDomain` (the `Domain` construct's `publish` does).
   * @default none: the execute-api URL only
   */
  readonly customDomain?: ApiCustomDomainProps;
  /**
   * Switches the default `execute-api` endpoint off, so that clients reach the API through
   * `customDomain` only (required with it).
   * @default false
   */
  readonly disableExecuteApiEndpoint?: boolean;
}

/** A replica of the items table. */
export interface TableReplicaProps {
  /** The replica's region; not the stack's own. */
  readonly region: string;
  /** ARN of the KMS key (or an alias ARN) in that region that encrypts the replica. */
  readonly keyArn: string;
}

/** A custom domain name of the API. */
export interface ApiCustomDomainProps {
  /** The name, e.g. `api.example.com`. */
  readonly domainName: string;
  /** An ACM certificate covering it, in the API's region. */
  readonly certificate: acm.ICertificate;
}

const DOMAIN_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const USER_POOL_ARN = /^arn:aws[a-z-]*:cognito-idp:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:userpool\/[a-z]{2}(-[a-z]+)+-\d+_[A-Za-z0-9]+$/;
const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:regional\/webacl\/[A-Za-z0-9_-]+\/[0-9a-f-]{36}$/;
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
/** Environment variables the construct sets on the function it creates. */
export const RESERVED_ENVIRONMENT = ['TABLE_NAME', 'ALLOWED_ORIGINS'];
/** API Gateway's hard integration timeout. */
export const INTEGRATION_TIMEOUT_S = 29;

/** A value known at synth: neither undefined nor a token. */
const known = <T>(value: T | undefined): value is T => value !== undefined && !Token.isUnresolved(value);

/** Checks every rule, throwing one ConfigError listing all problems. */
export function validateServerlessApiProps(props: ServerlessApiProps): void {
  const v = new Validator('ServerlessApi props');
  const auth = props.authorization ?? 'iam';
  v.oneOf('authorization', auth, API_AUTHORIZATIONS);
  checkFunctionSource(v, props);
  checkFunctionSettings(v, props);
  checkThrottle(v, 'throttling', props.throttling);
  checkCognito(v, auth, props.cognito);
  checkUsagePlan(v, auth, props.usagePlan);
  checkCors(v, props.corsOrigins);
  v.intRange('cacheTtl', props.cacheTtl?.toSeconds(), 1, 3600, ' seconds');
  v.check(!(props.webAcl && props.webAclArn), 'webAclArn', props.webAclArn, 'expected webAcl: true or webAclArn, not both');
  if (known(props.webAclArn)) {
    v.check(WEB_ACL_ARN.test(props.webAclArn), 'webAclArn', props.webAclArn, 'expected the ARN of a regional WAFv2 web ACL');
  }
  if (known(props.alarmEmail)) v.check(EMAIL.test(props.alarmEmail), 'alarmEmail', props.alarmEmail, 'expected an e-mail address');
  if (known(props.customDomain?.domainName)) {
    v.check(DOMAIN_NAME.test(props.customDomain.domainName), 'customDomain.domainName', props.customDomain.domainName, 'expected a lower-case DNS name such as "api.example.com"');
  }
  v.check(!(props.disableExecuteApiEndpoint && !props.customDomain), 'disableExecuteApiEndpoint', true, 'the API would be unreachable: give it a customDomain, or keep the execute-api endpoint');
  v.throwIfInvalid();
}

/** The items handler, your code, or your function: one at a time, and the items handler needs its table. */
function checkFunctionSource(v: Validator, props: ServerlessApiProps): void {
  v.check(!(props.existingFunction && props.handlerEntry), 'handlerEntry', props.handlerEntry, 'expected existingFunction or handlerEntry, not both');
  if (known(props.handlerEntry)) {
    v.check(fs.existsSync(props.handlerEntry) && fs.statSync(props.handlerEntry).isFile(), 'handlerEntry', props.handlerEntry,
      'expected the path of an existing TypeScript handler file');
  }
  const ownCode = props.existingFunction !== undefined || props.handlerEntry !== undefined;
  v.check(ownCode || props.createTable !== false || props.existingTable !== undefined, 'createTable', props.createTable,
    'the items handler needs its table; set existingFunction or handlerEntry to go without, or give existingTable');
  v.check(!(props.existingTable && props.createTable), 'createTable', props.createTable, 'expected createTable or existingTable, not both');
  checkTableReplicas(v, props);
}

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** Replicas: of a table the construct creates, named, each region once, each key in its region. */
function checkTableReplicas(v: Validator, props: ServerlessApiProps): void {
  if (known(props.tableName)) v.check(TABLE_NAME.test(props.tableName), 'tableName', props.tableName, 'expected 3 to 255 letters, digits, underscores, hyphens or dots');
  const replicas = props.tableReplicas;
  if (!replicas) return;
  v.check(props.existingTable === undefined, 'tableReplicas', replicas.map((r) => r.region), 'replicates a table the construct creates; replicate your existingTable where it is defined');
  checkRegionalReplicas(v, 'tableReplicas', replicas, { alias: 'items-replica', replica: 'a replica' });
}

/** Settings of the function the construct creates; an existing function is configured by its owner. */
function checkFunctionSettings(v: Validator, props: ServerlessApiProps): void {
  if (props.existingFunction) {
    const timeout = props.timeout && (Token.isUnresolved(props.timeout.toSeconds()) ? '<token>' : props.timeout.toHumanString());
    const settings = { memorySize: props.memorySize, timeout, reservedConcurrency: props.reservedConcurrency,
      provisionedConcurrency: props.provisionedConcurrency, environment: props.environment };
    for (const [prop, value] of Object.entries(settings)) {
      v.check(value === undefined, prop, value, 'applies to the function the construct creates; configure existingFunction itself');
    }
  }
  v.intRange('memorySize', props.memorySize, 128, 10240, ' MB');
  v.intRange('timeout', props.timeout?.toSeconds(), 1, INTEGRATION_TIMEOUT_S - 1,
    ` seconds (API Gateway ends every integration at ${INTEGRATION_TIMEOUT_S} s)`);
  v.intRange('reservedConcurrency', props.reservedConcurrency, 1, 1000);
  v.intRange('provisionedConcurrency', props.provisionedConcurrency, 1, 1000);
  // Checked against the reservation the function will really have: none unless one is set.
  if (known(props.provisionedConcurrency) && known(props.reservedConcurrency)) {
    v.check(props.provisionedConcurrency <= props.reservedConcurrency, 'provisionedConcurrency', props.provisionedConcurrency,
      `expected at most reservedConcurrency (${props.reservedConcurrency})`);
  }
  for (const name of Object.keys(props.environment ?? {}).filter((n) => RESERVED_ENVIRONMENT.includes(n))) {
    v.fail(`environment.${name}`, props.environment![name], 'is set by the construct');
  }
}

function checkCors(v: Validator, origins: string[] | undefined): void {
  if (origins === undefined) return;
  if (Token.isUnresolved(origins)) {
    v.fail('corsOrigins', '<list token>', 'expected a list of origins, each of which may be a token: the preflight needs to know how many there are');
    return;
  }
  v.check(origins.length > 0, 'corsOrigins', origins, 'expected at least one origin; leave corsOrigins out for no CORS');
  origins.forEach((o, i) => {
    if (known(o)) {
      v.check(o === '*' || ORIGIN.test(o), `corsOrigins[${i}]`, o,
        'expected "*" or an origin such as "https://app.example.com" (scheme, host, optional port, no path)');
    }
  });
  v.check(!(origins.includes('*') && origins.length > 1), 'corsOrigins', origins, 'expected "*" alone or a list of origins');
}

function checkThrottle(v: Validator, prop: string, t: ThrottleProps | undefined): void {
  if (!t) return;
  v.intRange(`${prop}.rateLimit`, t.rateLimit, 0, 10000);
  v.intRange(`${prop}.burstLimit`, t.burstLimit, 0, 5000);
  if (known(t.rateLimit) && known(t.burstLimit)) {
    v.check(t.burstLimit >= t.rateLimit, `${prop}.burstLimit`, t.burstLimit, `expected at least the rateLimit (${t.rateLimit})`);
  }
}

function checkCognito(v: Validator, auth: ApiAuthorization, cognito: CognitoAuthProps | undefined): void {
  if (auth !== 'cognito') {
    v.check(cognito === undefined, 'cognito', describeCognito(cognito), 'applies only to authorization "cognito"');
    return;
  }
  const ways = [cognito?.userPool !== undefined, cognito?.userPoolArn !== undefined, cognito?.createUserPool === true].filter(Boolean).length;
  v.check(ways > 0, 'cognito', describeCognito(cognito),
    'authorization "cognito" needs a user pool: set cognito.userPool, cognito.userPoolArn or cognito.createUserPool: true');
  v.check(ways <= 1, 'cognito', describeCognito(cognito), 'expected one of userPool, userPoolArn and createUserPool');
  const arn = cognito?.userPoolArn;
  if (known(arn)) {
    v.check(USER_POOL_ARN.test(arn), 'cognito.userPoolArn', arn,
      'expected a user pool ARN such as "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"');
  }
}

/** The Cognito props without the pool construct (which does not serialize). */
function describeCognito(cognito: CognitoAuthProps | undefined): unknown {
  return cognito && { ...cognito, userPool: cognito.userPool ? '<user pool>' : undefined };
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
