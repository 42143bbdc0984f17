import type { App } from 'aws-cdk-lib';
import { ConfigError, REGION, Validator } from '../shared/validation';

/**
 * What selects and places the delivery pipeline, as given on the command line
 * (`-c toolsAccount=...`): every value a string, as CDK context gives it.
 */
export interface PipelineSelection {
  /** 12-digit account that runs the pipeline. */
  readonly toolsAccount?: string;
  /** Region of the pipeline; the connection must be in it. @default the first of `regions` */
  readonly toolsRegion?: string;
  /** 12-digit account the Sandbox stage is deployed to and smoke-tested in. */
  readonly sandboxAccount?: string;
  /** Region of the Sandbox stage. @default the tools region */
  readonly sandboxRegion?: string;
  /** 12-digit account Production is deployed to. */
  readonly productionAccount?: string;
  /** Production regions, comma-separated (`eu-west-1,us-east-1`), deployed as one wave. */
  readonly regions?: string;
  /** The repository the pipeline builds, `owner/name`. */
  readonly repository?: string;
  /** The branch the pipeline builds. @default 'main' */
  readonly branch?: string;
  /** ARN of the AWS CodeConnections connection to the repository's host. */
  readonly connectionArn?: string;
  /** E-mail address for the stages' alarms, the pipeline's approval requests and failures. */
  readonly alarmEmail?: string;
  /** Domain of Production's endpoints (`example.com`), with `hostedZoneId`: HTTPS in every region, shared names by latency. @default none */
  readonly domainName?: string;
  /** Id of the domain's public hosted zone, in the production account. @default none */
  readonly hostedZoneId?: string;
  /**
   * `true` lets Production run over plain HTTP without a domain: only to try the pipeline out.
   * @default false: Production serves HTTPS or the pipeline does not synthesize
   */
  readonly allowPlainHttp?: string;
  /**
   * Reserved concurrency of the Production API's handler in each region, a
   * whole number; 0 reserves none. Reserving N needs an account quota of at
   * least N + 100 concurrent executions in the region (Lambda keeps 100 unreserved).
   * @default the Production profile's (50, so a quota of 150)
   */
  readonly apiReservedConcurrency?: string;
  /**
   * The web tier's image in each region, `region:ami-...` comma-separated, as
   * the pipeline's synth step resolves them once per run (the same Amazon
   * Linux release everywhere). Not a flag to pass by hand.
   * @default none: each stack resolves the latest Amazon Linux when it deploys
   */
  readonly webTierImages?: string;
}

/** The validated pipeline configuration. */
export interface PipelineConfig {
  /** Account that runs the pipeline. */
  readonly toolsAccount: string;
  /** Region of the pipeline and of the connection. */
  readonly toolsRegion: string;
  /** Account of the Sandbox stage. */
  readonly sandboxAccount: string;
  /** Region of the Sandbox stage. */
  readonly sandboxRegion: string;
  /** Account of the Production stages. */
  readonly productionAccount: string;
  /** One Production stage per region, deployed as a wave. */
  readonly productionRegions: readonly string[];
  /** `owner/name` of the repository. */
  readonly repository: string;
  /** Branch the pipeline builds. */
  readonly branch: string;
  /** ARN of the CodeConnections (or older CodeStar Connections) connection. */
  readonly connectionArn: string;
  /** E-mail address for the stages' alarms, the pipeline's approval requests and failures. */
  readonly alarmEmail?: string;
  /** Production's domain, when it has one. */
  readonly domain?: { readonly domainName: string; readonly hostedZoneId: string };
  /** Production may serve plain HTTP (no domain). */
  readonly allowPlainHttp: boolean;
  /** Reserved concurrency of the Production API's handler; 0 for none, undefined for the profile's. */
  readonly apiReservedConcurrency?: number;
  /** The web tier's image by region, resolved once per run by the synth step. */
  readonly webTierImages?: Readonly<Record<string, string>>;
}

/** The context keys, in the order the synth command passes them. */
export const PIPELINE_CONTEXT_KEYS = [
  'toolsAccount', 'toolsRegion', 'sandboxAccount', 'sandboxRegion', 'productionAccount',
  'regions', 'repository', 'branch', 'connectionArn', 'alarmEmail', 'apiReservedConcurrency', 'domainName', 'hostedZoneId', 'allowPlainHttp',
] as const satisfies readonly (keyof PipelineSelection)[];

/** Context the synth step computes on each run, not part of what rebuilds the pipeline. */
const PER_RUN_CONTEXT_KEYS = ['webTierImages'] as const satisfies readonly (keyof PipelineSelection)[];

const ACCOUNT = /^\d{12}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
// Git allows more, but the branch goes into a shell command: letters, digits and . _ / - only.
const BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!\/)[A-Za-z0-9._/-]+(?<![/.])$/;
const EMAIL = /^[^@\s'"`$\\]+@[^@\s'"`$\\]+\.[^@\s'"`$\\]+$/;
const CONNECTION = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):([a-z0-9-]+):(\d{12}):connection\/[A-Za-z0-9-]+$/;

/** Validates a selection and fills in the defaults; throws a ConfigError listing every problem. */
export function pipelineConfig(selection: PipelineSelection): PipelineConfig {
  const v = new Validator('delivery pipeline config');
  const account = (prop: keyof PipelineSelection) => {
    const value = selection[prop];
    v.check(value !== undefined && ACCOUNT.test(value), prop, value, 'expected a 12-digit AWS account id');
    return value ?? '';
  };
  const region = (prop: string, value: string | undefined) =>
    v.check(value !== undefined && REGION.test(value), prop, value, 'expected an AWS region name such as "eu-west-1"');

  const productionRegions = (selection.regions ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '');
  if (productionRegions.length === 0) v.fail('regions', selection.regions, 'expected one or more production regions, comma-separated, e.g. "eu-west-1,us-east-1"');
  for (const r of productionRegions) region('regions', r);
  const duplicates = productionRegions.filter((r, i) => productionRegions.indexOf(r) !== i);
  v.check(duplicates.length === 0, 'regions', selection.regions, `expected each region once; repeated: ${[...new Set(duplicates)].join(', ')}`);
  const toolsRegion = selection.toolsRegion ?? productionRegions[0];
  if (selection.toolsRegion !== undefined) region('toolsRegion', selection.toolsRegion);
  const sandboxRegion = selection.sandboxRegion ?? toolsRegion;
  if (selection.sandboxRegion !== undefined) region('sandboxRegion', selection.sandboxRegion);

  const toolsAccount = account('toolsAccount');
  const repository = selection.repository;
  v.check(repository !== undefined && REPOSITORY.test(repository), 'repository', repository, 'expected "owner/name" of the repository, e.g. "my-org/my-app"');
  const branch = selection.branch ?? 'main';
  v.check(BRANCH.test(branch), 'branch', branch, 'expected a branch name of letters, digits, ".", "_", "/" and "-"');
  if (selection.alarmEmail !== undefined) v.check(EMAIL.test(selection.alarmEmail), 'alarmEmail', selection.alarmEmail, 'expected an e-mail address');
  checkConnection(v, selection.connectionArn, toolsAccount, toolsRegion);
  const apiReservedConcurrency = selection.apiReservedConcurrency === undefined ? undefined : Number(selection.apiReservedConcurrency);
  if (apiReservedConcurrency !== undefined) {
    v.check(/^\d+$/.test(selection.apiReservedConcurrency!) && apiReservedConcurrency <= 1000, 'apiReservedConcurrency', selection.apiReservedConcurrency,
      'expected a whole number from 0 (none reserved) to 1000; reserving N needs a regional quota of N + 100 concurrent executions');
  }
  const webTierImages = imagesByRegion(v, selection.webTierImages);
  const { domainName, hostedZoneId } = selection;
  if ((domainName === undefined) !== (hostedZoneId === undefined)) {
    v.fail(domainName === undefined ? 'domainName' : 'hostedZoneId', undefined, 'expected domainName and hostedZoneId together (the hosted zone of the domain, in the production account)');
  }
  const allowPlainHttp = selection.allowPlainHttp;
  v.check(allowPlainHttp === undefined || allowPlainHttp === 'true' || allowPlainHttp === 'false', 'allowPlainHttp', allowPlainHttp, 'expected "true" or "false"');
  const config: PipelineConfig = {
    toolsAccount,
    toolsRegion: toolsRegion ?? '',
    sandboxAccount: account('sandboxAccount'),
    sandboxRegion: sandboxRegion ?? '',
    productionAccount: account('productionAccount'),
    productionRegions,
    repository: repository ?? '',
    branch,
    connectionArn: selection.connectionArn ?? '',
    alarmEmail: selection.alarmEmail,
    apiReservedConcurrency,
    webTierImages,
    domain: domainName !== undefined && hostedZoneId !== undefined ? { domainName, hostedZoneId } : undefined,
    allowPlainHttp: allowPlainHttp === 'true',
  };
  const shared = config.sandboxAccount === config.productionAccount && productionRegions.includes(config.sandboxRegion);
  v.check(!shared, 'productionAccount', config.productionAccount,
    `expected an account other than the sandbox account in ${config.sandboxRegion}: both stages there would each create the security baseline's `
    + 'GuardDuty detector, Config recorder and Security Hub, of which an account and region has one');
  v.throwIfInvalid();
  return config;
}

/** The connection: a well-formed ARN, in the account and region of the pipeline that uses it. */
function checkConnection(v: Validator, arn: string | undefined, toolsAccount: string, toolsRegion: string | undefined): void {
  const match = arn === undefined ? null : CONNECTION.exec(arn);
  v.check(match !== null, 'connectionArn', arn,
    'expected "arn:aws:codeconnections:<region>:<account>:connection/<id>" (or the older "codestar-connections"), as `aws codeconnections list-connections` shows it');
  if (!match) return;
  const [, , connectionRegion, connectionAccount] = match;
  if (ACCOUNT.test(toolsAccount)) {
    v.check(connectionAccount === toolsAccount, 'connectionArn', arn, `expected a connection of the tools account ${toolsAccount}: the pipeline's source action uses it there`);
  }
  if (toolsRegion !== undefined && REGION.test(toolsRegion)) {
    v.check(connectionRegion === toolsRegion, 'connectionArn', arn, `expected a connection in the pipeline's region ${toolsRegion} (set -c toolsRegion=${connectionRegion} to run the pipeline there)`);
  }
}

const IMAGE = /^ami-[0-9a-f]{8,17}$/;

/** `region:ami-...,region:ami-...` as a map; every entry well-formed, each region once. */
function imagesByRegion(v: Validator, images: string | undefined): Record<string, string> | undefined {
  if (images === undefined) return undefined;
  const entries = images.split(',').map((e) => e.trim().split(':'));
  const wellFormed = entries.every((e) => e.length === 2 && REGION.test(e[0]) && IMAGE.test(e[1]));
  v.check(wellFormed && entries.length > 0, 'webTierImages', images, 'expected "region:ami-id" pairs, comma-separated, e.g. "eu-west-1:ami-0123456789abcdef0"');
  const regions = entries.map((e) => e[0]);
  v.check(new Set(regions).size === regions.length, 'webTierImages', images, 'expected each region once');
  return Object.fromEntries(entries);
}

/** Reads a selection from context values (`-c key=value`). */
export function pipelineSelection(context: (key: string) => unknown): PipelineSelection {
  const entries = [...PIPELINE_CONTEXT_KEYS, ...PER_RUN_CONTEXT_KEYS].map((key) => [key, context(key)] as const).filter(([, value]) => value !== undefined);
  return Object.fromEntries(entries.map(([key, value]) => [key, String(value)]));
}

/**
 * The context flags that rebuild exactly this configuration, defaults written
 * out, so the pipeline's synth step synthesizes the app it was deployed from.
 * Every value has passed validation, which admits no shell metacharacters.
 */
export function pipelineContextArgs(config: PipelineConfig): string[] {
  const values: Partial<Record<(typeof PIPELINE_CONTEXT_KEYS)[number], string>> = {
    ...config,
    regions: config.productionRegions.join(','),
    apiReservedConcurrency: config.apiReservedConcurrency?.toString(),
    domainName: config.domain?.domainName,
    hostedZoneId: config.domain?.hostedZoneId,
    allowPlainHttp: config.allowPlainHttp ? 'true' : undefined,
  };
  return ['-c pipeline=true', ...PIPELINE_CONTEXT_KEYS
    .filter((key) => values[key] !== undefined)
    .map((key) => `-c ${key}=${values[key]}`)];
}

/** True when the app is asked for the pipeline (`-c pipeline=true`); any other value than true/false is an error. */
export function pipelineRequested(app: App): boolean {
  const value = app.node.tryGetContext('pipeline');
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new ConfigError('delivery pipeline config', [`pipeline: got ${JSON.stringify(value)}; expected "true" or "false"`]);
}
