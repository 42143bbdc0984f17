import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { synthesizeApp } from '../lib/stages/app-synthesis';
import { CDK_CONTEXT, tempOutdir, testApp } from './harness';

function readJson(file: string) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('the app', () => {
  // The app's synthesis, in this process: the same code bin/app.ts runs, with
  // its environment (no AWS credentials asked for). CloudFormation's built-in
  // schema validation and Lambda bundling are left to `cdk synth`, which
  // .ci/run runs for both stages, pinned and not; test/package.test.ts bundles
  // every handler.
  test('synthesizes the Sandbox stage with no findings and no AWS credentials', () => {
    const app = testApp();
    let stderr = '';
    const status = synthesizeApp(app, (text) => { stderr += text; });
    expect(stderr).not.toMatch(/finding|Error/);
    expect(status).toBe(0);
    const manifest = readJson(path.join(app.outdir, 'assembly-Sandbox', 'manifest.json'));
    const stacks = Object.values(manifest.artifacts as Record<string, { type: string; properties?: { stackName?: string } }>)
      .filter((a) => a.type === 'aws:cloudformation:stack').map((a) => a.properties?.stackName);
    expect(stacks).toEqual(['Sandbox-Network', 'Sandbox-WebTier', 'Sandbox-StaticSite', 'Sandbox-FanOut', 'Sandbox-ServerlessApi', 'Sandbox-DataTier', 'Sandbox-SecurityBaseline']);
  });

  // bin/app.ts as `cdk synth` runs it (context passed by environment): what the process prints and its exit code.
  test('fails on bad stage config with its problems alone, once, and no stack trace', () => {
    const { status, stderr } = spawnSync(process.execPath, ['-r', 'sucrase/register', 'bin/app.ts'], {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, CDK_OUTDIR: tempOutdir(), CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_CONTEXT, stage: 'Prod', account: '12' }) },
      encoding: 'utf8',
    });
    expect(status).toBe(1);
    expect(stderr).toBe([
      'Invalid stage config:',
      '  - stage: got "Prod"; expected one of "Sandbox", "Production"',
      '  - account: got "12"; expected a 12-digit AWS account id',
      '',
    ].join('\n'));
  });
});
