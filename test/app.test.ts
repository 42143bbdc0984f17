import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CDK_CONTEXT } from './harness';

// Runs bin/app.ts as `cdk synth` does (context passed by environment), with
// CloudFormation's built-in schema validation on: the one place tests pay for it.
function synthApp(context: Record<string, unknown>) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
  const result = spawnSync(process.execPath, ['-r', 'sucrase/register', 'bin/app.ts'], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_CONTEXT, ...context }) },
    encoding: 'utf8',
  });
  return { ...result, outdir };
}

describe('the app', () => {
  test('synthesizes the Sandbox stage with no findings and no AWS credentials', () => {
    const { status, stderr, outdir } = synthApp({});
    expect(stderr).not.toMatch(/finding|Error/);
    expect(status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'assembly-Sandbox', 'manifest.json'), 'utf8'));
    const stacks = Object.values(manifest.artifacts as Record<string, { type: string; properties?: { stackName?: string } }>)
      .filter((a) => a.type === 'aws:cloudformation:stack').map((a) => a.properties?.stackName);
    expect(stacks).toEqual(['Sandbox-Network', 'Sandbox-FanOut', 'Sandbox-ServerlessApi']);
  });

  test('fails clearly on an unknown stage', () => {
    const { status, stderr } = synthApp({ stage: 'Prod' });
    expect(status).not.toBe(0);
    expect(stderr).toContain('stage: got "Prod"; expected one of "Sandbox", "Production"');
  });
});
