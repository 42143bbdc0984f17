import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CDK_CONTEXT, tempOutdir } from './harness';

// Runs bin/app.ts as `cdk synth` does (context passed by environment).
// CloudFormation's built-in schema validation (3 s a process) and Lambda
// bundling are left to `cdk synth`, which .ci/run runs for both stages, pinned
// and not; test/package.test.ts bundles every handler.
function synthApp(context: Record<string, unknown>, env: Record<string, string> = {}) {
  const outdir = tempOutdir();
  const result = spawnSync(process.execPath, ['-r', 'sucrase/register', 'bin/app.ts'], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, CDK_VALIDATION: 'false', CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context }), ...env },
    encoding: 'utf8',
  });
  return { ...result, outdir };
}

function readJson(file: string) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('the app', () => {
  test('synthesizes the Sandbox stage with no findings and no AWS credentials', () => {
    const { status, stderr, outdir } = synthApp({});
    expect(stderr).not.toMatch(/finding|Error/);
    expect(status).toBe(0);
    const manifest = readJson(path.join(outdir, 'assembly-Sandbox', 'manifest.json'));
    const stacks = Object.values(manifest.artifacts as Record<string, { type: string; properties?: { stackName?: string } }>)
      .filter((a) => a.type === 'aws:cloudformation:stack').map((a) => a.properties?.stackName);
    expect(stacks).toEqual(['Sandbox-Network', 'Sandbox-WebTier', 'Sandbox-StaticSite', 'Sandbox-FanOut', 'Sandbox-ServerlessApi', 'Sandbox-DataTier', 'Sandbox-SecurityBaseline']);
  });

  test('fails on bad stage config with its problems alone, once, and no stack trace', () => {
    const { status, stderr } = synthApp({ stage: 'Prod', account: '12' });
    expect(status).toBe(1);
    expect(stderr).toBe([
      'Invalid stage config:',
      '  - stage: got "Prod"; expected one of "Sandbox", "Production"',
      '  - account: got "12"; expected a 12-digit AWS account id',
      '',
    ].join('\n'));
  });
});
