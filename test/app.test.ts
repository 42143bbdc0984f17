import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { synthesizeApp } from '../lib/app/app-synthesis';
import { CDK_CONTEXT, synthesizedStage, tempOutdir, testApp } from './harness';

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
    expect(sandbox.manifestStacks).toEqual(['Sandbox-Network', 'Sandbox-WebTier', 'Sandbox-StaticSite', 'Sandbox-FanOut', 'Sandbox-ServerlessApi', 'Sandbox-DataTier', 'Sandbox-SecurityBaseline', 'Sandbox-Streaming', 'Sandbox-DisasterRecovery']);
  });

  // bin/app.ts as `cdk synth` runs it (context passed by environment): what the process prints and its exit code.
  test('fails on bad stage config with its problems alone, once, and no stack trace', () => {
    const root = path.join(__dirname, '..');
    // cdk.json's app command: `node -r ./bin/load-typescript.js bin/app.ts`.
    const [node, ...args] = (JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')).app as string).split(' ');
    expect(node).toBe('node');
    const { status, stderr } = spawnSync(process.execPath, args, {
      cwd: root,
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

  describe('Production serves HTTPS or does not synthesize', () => {
    const run = (context: Record<string, unknown>, env: Record<string, string> = {}) => {
      let output = '';
      const exitCode = synthesizeApp(testApp(context), (text) => { output += text; }, env);
      return { exitCode, output };
    };
    const refusal = 'Invalid stage config:\n  - stage: got "Production"; it serves HTTPS or does not synthesize: put its endpoints on your domain '
      + '(-c domainName=example.com -c hostedZoneId=Z... -c region=..., or DOMAIN_NAME, HOSTED_ZONE_ID), or give the web tier an existing certificate '
      + '(-c certificateArn=arn:aws:acm:..., or CERTIFICATE_ARN); -c allowPlainHttp=true synthesizes it over plain HTTP, only to try it out\n';

    test('without a domain or a certificate it fails, naming both ways and the way out, before building anything', () => {
      expect(run({ stage: 'Production', alarmEmail: 'ops@example.com' })).toEqual({ exitCode: 1, output: refusal });
    });

    test('a bare Production is refused with every problem at once: the alarm destination and HTTPS', () => {
      const { exitCode, output } = run({ stage: 'Production' });
      expect(exitCode).toBe(1);
      expect(output.split('\n').filter((line) => line.startsWith('  - ')).map((line) => line.slice(4, 50))).toEqual([
        'alarmEmail: got undefined; the Production stag',
        'stage: got "Production"; it serves HTTPS or do',
      ]);
    });

    test('-c allowPlainHttp=true lets it synthesize (the run\'s agnostic Production variant), still saying it serves plain HTTP', () => {
      const production = synthesizedStage('Production');
      expect(production.exitCode).toBe(0);
      expect(production.appOutput).toMatch(/^warning: Production\/WebTier\/WebTier serves plain HTTP/m);
    });

    test('with a domain (the run\'s pinned Production variant) it synthesizes, the Domain stack first', () => {
      const production = synthesizedStage('Production pinned');
      expect(production.exitCode).toBe(0);
      expect(production.manifestStacks[0]).toBe('Production-Domain');
    });

    test('a domain without the stage\'s region fails, naming the fix', () => {
      expect(run({ stage: 'Production', alarmEmail: 'ops@example.com' }, { DOMAIN_NAME: 'example.com', HOSTED_ZONE_ID: 'Z0123456789ABCDEFGHIJ' }).output).toMatch(
        /domainName: got "example.com"; the site's CloudFront certificate is made in us-east-1 .* add -c region=<region> \(or CDK_DEPLOY_REGION\)/);
    });

    test('a malformed allowPlainHttp fails', () => {
      expect(run({ stage: 'Production', alarmEmail: 'ops@example.com', allowPlainHttp: 'yes' }).output).toBe('Invalid stage config:\n  - allowPlainHttp: got "yes"; expected "true" or "false"\n');
    });
  });
});
