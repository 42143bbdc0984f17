// npm run smoke -- --stage Sandbox [--region eu-west-1] [--only WebTier,FanOut] [--allow-empty] [--read-only]
// Checks, with your AWS credentials, that each deployed stack of the stage does its job.
import { randomUUID } from 'crypto';
import { parseArgs } from 'util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { awsClients } from './clients';
import type { Clients } from './types';
import { SYSTEM_CLOCK } from './clock';
import { httpClient } from './http';
import { enabledRegions, stackLocator } from './locate';
import { architecturesOf, loadChecks } from './registry';
import { formatResult, runSmoke, summarize } from './run';
import { sigV4Signer } from './signer';
import { SmokeCheck, SmokeContext } from './types';

const REQUEST_TIMEOUT_MS = 15_000;
const CHECK_TIMEOUT_MS = 120_000;
const STAGE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;

/** What a run was asked to do. */
export interface SmokeOptions {
  readonly stage: string;
  readonly region: string;
  /** Architectures to check; undefined for all. */
  readonly only?: string[];
  readonly allowEmpty: boolean;
  /** Only the checks that change nothing. */
  readonly readOnly: boolean;
}

/** Bad arguments: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** The usage text, naming the architectures there are checks for. */
export function usage(architectures: readonly string[]): string {
  return [
    'Usage: npm run smoke -- [--stage <name>] [--region <region>] [--only <architectures>] [--allow-empty] [--read-only]',
    '',
    'Checks, with your AWS credentials, that each deployed stack of a stage does its job.',
    '',
    '  --stage <name>          stage whose stacks (<name>-Network, ...) to check (default: Sandbox)',
    '  --region <region>       region of the stacks (default: AWS_REGION, then AWS_DEFAULT_REGION)',
    `  --only <a,b>            only these architectures, of: ${architectures.join(', ')}`,
    '  --allow-empty           exit 0 even when no stack was found and nothing was checked',
    '  --read-only             only the checks that change nothing (no test message, item, alarm or command): for Production',
    '  -h, --help              print this help',
    '',
    'Exit code: 0 when every check ran passed, 1 when one failed or nothing was checked, 2 on bad arguments or no credentials.',
  ].join('\n');
}

/** Parses the arguments; `undefined` when help was asked for. Throws a UsageError on anything wrong. */
export function parseSmokeArgs(argv: string[], env: NodeJS.ProcessEnv, architectures: readonly string[]): SmokeOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        stage: { type: 'string', default: 'Sandbox' },
        region: { type: 'string' },
        only: { type: 'string' },
        'allow-empty': { type: 'boolean', default: false },
        'read-only': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const stage = values.stage!;
  if (!STAGE_NAME.test(stage)) throw new UsageError(`--stage "${stage}" is not a stage name (letters, digits and "-", starting with a letter)`);
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
  if (!REGION.test(region)) throw new UsageError(`--region "${region}" is not a region name such as eu-west-1`);
  return { stage, region, only: values.only === undefined ? undefined : onlyList(values.only, architectures), allowEmpty: values['allow-empty']!, readOnly: values['read-only']! };
}

function onlyList(only: string, architectures: readonly string[]): string[] {
  const names = only.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--only needs at least one architecture');
  const unknown = names.filter((n) => !architectures.includes(n));
  if (unknown.length > 0) throw new UsageError(`--only: no checks for ${unknown.join(', ')}; there are checks for ${architectures.join(', ')}`);
  return names;
}

/** What the CLI talks to; tests replace the AWS side. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
  /** Builds the context of a run (credentials, clients); throws when there are no credentials. */
  readonly context: (options: SmokeOptions) => Promise<SmokeContext>;
  /** @default every check of smoke/checks */
  readonly checks?: SmokeCheck[];
  /** @default 120 s */
  readonly checkTimeoutMs?: number;
}

/** Runs the CLI; resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const checks = io.checks ?? loadChecks();
  const architectures = architecturesOf(checks);
  let options: SmokeOptions | undefined;
  try {
    options = parseSmokeArgs(argv, io.env, architectures);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.printError(`smoke: ${error.message}\n\n${usage(architectures)}`);
    return 2;
  }
  if (!options) {
    io.print(usage(architectures));
    return 0;
  }
  const ctx = { ...await io.context(options), readOnly: options.readOnly };
  const selected = checks.filter((c) => !options.only || options.only.includes(c.architecture));
  io.print(`Smoke tests of stage ${ctx.stage} in ${ctx.region} (run ${ctx.runId})\n`);
  const results = await runSmoke(ctx, selected, io.checkTimeoutMs ?? CHECK_TIMEOUT_MS, (r) => io.print(formatResult(r)));
  return summarize(results, io.print, { allowEmpty: options.allowEmpty });
}

/** The context of a real run: the caller's credentials, clients with timeouts and retries. */
export async function awsContext(options: SmokeOptions): Promise<SmokeContext> {
  const { region } = options;
  // Required here, not at the top: the provider chain (SSO, STS, ini files) is only needed for a real run.
  const { fromNodeProviderChain } = require('@aws-sdk/credential-providers') as typeof import('@aws-sdk/credential-providers');
  const credentials = fromNodeProviderChain();
  await credentials().catch((error: Error) => {
    throw new Error(`no AWS credentials (${error.message}); set AWS_PROFILE or the AWS_* variables of the sandbox account`);
  });
  const config = { region, credentials, maxAttempts: 3, requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: 5_000 } };
  const clients = awsClients(config);
  const regional = new Map<string, Clients>();
  const cloudFormation = new Map<string, CloudFormationClient>();
  const cloudFormationIn = (r: string) => cloudFormation.get(r) ?? cloudFormation.set(r, new CloudFormationClient({ ...config, region: r })).get(r)!;
  return {
    stage: options.stage,
    region,
    runId: randomUUID(),
    waitMs: 30_000,
    clock: SYSTEM_CLOCK,
    http: httpClient(REQUEST_TIMEOUT_MS),
    s3ObjectUrl: (bucket, key) => `https://${bucket}.s3.${region}.amazonaws.com/${key}`,
    signer: (service) => sigV4Signer(credentials, region, service),
    clients,
    locateStack: stackLocator(region, () => enabledRegions(clients.ec2), cloudFormationIn),
    clientsIn: (r) => (r === region ? clients : regional.get(r) ?? regional.set(r, awsClients({ ...config, region: r })).get(r)!),
  };
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    env: process.env,
    print: (line) => console.log(line),
    printError: (line) => console.error(line),
    context: awsContext,
  }).then((code) => { process.exitCode = code; }, (error) => {
    console.error(`smoke: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
