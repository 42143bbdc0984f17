import { spawnSync } from 'child_process';
import * as path from 'path';
import { CDK_CONTEXT, synthesizedStage, tempOutdir } from './harness';

describe('the app', () => {
  // The run's synthesis of the Sandbox stage (test/synth/synthesize.ts) is the
  // app's own, synthesizeApp as bin/app.ts runs it, with no environment
  // variables and no AWS credentials. CloudFormation's built-in schema
  // validation and Lambda bundling are left to `cdk synth`, which .ci/run runs
  // for both stages, pinned and not; test/package.test.ts bundles every handler.
  test('synthesizes the Sandbox stage with no findings and no AWS credentials', () => {
    const sandbox = synthesizedStage('Sandbox');
    expect(sandbox.appOutput).not.toMatch(/finding|Error/);
    expect(sandbox.exitCode).toBe(0);
    expect(sandbox.missingContext).toEqual([]);
    expect(sandbox.manifestStacks).toEqual(['Sandbox-Network', 'Sandbox-WebTier', 'Sandbox-StaticSite', 'Sandbox-FanOut', 'Sandbox-ServerlessApi', 'Sandbox-DataTier', 'Sandbox-SecurityBaseline', 'Sandbox-Streaming']);
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
