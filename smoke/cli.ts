// npm run smoke -- --stage Sandbox [--region eu-west-1] [--only WebTier,FanOut]
// Checks, with your AWS credentials, that each deployed stack of the stage does its job.
import { randomUUID } from 'crypto';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { stageConfig } from '../lib/stages/stage-config';
import { awsClients } from './clients';
import { httpClient } from './http';
import { ALL_CHECKS, formatResult, runSmoke, summarize } from './run';
import { sigV4Signer } from './signer';
import { SmokeContext } from './types';

const REQUEST_TIMEOUT_MS = 15_000;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const stage = stageConfig({ stage: option('stage') ?? 'Sandbox' }).name;
  const region = option('region') ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('No region: pass --region or set AWS_REGION');
  const credentials = fromNodeProviderChain();
  await credentials().catch((error: Error) => {
    throw new Error(`no AWS credentials (${error.message}); set AWS_PROFILE or the AWS_* variables of the sandbox account`);
  });
  const config = { region, credentials, maxAttempts: 3, requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: 5_000 } };
  const ctx: SmokeContext = {
    stage,
    region,
    runId: randomUUID(),
    waitMs: 30_000,
    http: httpClient(REQUEST_TIMEOUT_MS),
    s3ObjectUrl: (bucket, key) => `https://${bucket}.s3.${region}.amazonaws.com/${key}`,
    signer: (service) => sigV4Signer(credentials, region, service),
    clients: awsClients(config),
  };
  const only = option('only')?.split(',');
  const checks = ALL_CHECKS.filter((c) => !only || only.includes(c.architecture));
  console.log(`Smoke tests of stage ${stage} in ${region} (run ${ctx.runId})\n`);
  const results = await runSmoke(ctx, checks, 120_000, (r) => console.log(formatResult(r)));
  return summarize(results, (line) => console.log(line));
}

main().then((code) => { process.exitCode = code; }, (error) => {
  console.error(`smoke: ${(error as Error).message}`);
  process.exitCode = 2;
});
