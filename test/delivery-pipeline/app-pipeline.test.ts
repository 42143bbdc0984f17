import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CDK_CONTEXT, tempOutdir } from '../harness';

const PIPELINE_CONTEXT = {
  pipeline: 'true', toolsAccount: '111111111111', sandboxAccount: '222222222222', productionAccount: '333333333333',
  regions: 'eu-west-1,us-east-1', repository: 'my-org/my-app', branch: 'main',
  connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/abc-123',
};

// Runs bin/app.ts as `cdk synth -c pipeline=true ...` does, with no AWS
// credentials in the environment; Lambda bundling is skipped (templates do not depend on it).
function synthApp(context: Record<string, unknown>) {
  const outdir = tempOutdir();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_DEPLOY')));
  const result = spawnSync(process.execPath, ['-r', 'sucrase/register', 'bin/app.ts'], {
    cwd: path.join(__dirname, '..', '..'),
    env: {
      ...env, CDK_VALIDATION: 'false', CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context }),
    },
    encoding: 'utf8',
  });
  return { ...result, outdir };
}

describe('the app with -c pipeline=true', () => {
  test('synthesizes the pipeline stack and its artifact bucket stack, with no findings and no credentials', () => {
    const { status, stderr, outdir } = synthApp(PIPELINE_CONTEXT);
    expect(stderr).not.toMatch(/finding|Error/);
    expect(status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    const stacks = Object.entries(manifest.artifacts as Record<string, { type: string; environment?: string; properties?: { stackName?: string } }>)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([id, a]) => `${a.properties?.stackName ?? id} ${a.environment}`);
    expect(stacks.sort()).toEqual(['DeliveryPipeline aws://111111111111/eu-west-1', 'DeliveryPipeline-artifacts-us-east-1 aws://111111111111/us-east-1']);
  });

  test('fails with every bad value named', () => {
    const { status, stderr } = synthApp({ ...PIPELINE_CONTEXT, sandboxAccount: '2222', repository: 'my-app' });
    expect(status).not.toBe(0);
    expect(stderr).toContain('sandboxAccount: got "2222"; expected a 12-digit AWS account id');
    expect(stderr).toContain('repository: got "my-app"; expected "owner/name"');
  });

  test('fails when a stage is also selected, or pipeline is neither true nor false', () => {
    expect(synthApp({ ...PIPELINE_CONTEXT, stage: 'Production' }).stderr).toContain('stage: got "Production"; the pipeline deploys both Sandbox and Production: drop -c stage');
    expect(synthApp({ pipeline: 'yes' }).stderr).toContain('pipeline: got "yes"; expected "true" or "false"');
  });
});
