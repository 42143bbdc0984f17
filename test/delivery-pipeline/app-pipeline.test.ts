import { buildPipelineApp, pipelineRequested } from '../../lib/delivery-pipeline/delivery-pipeline-stack';
import { ConfigError } from '../../lib/shared/validation';
import { testApp } from '../harness';

// What bin/app.ts does with -c pipeline=...: the choice and the validation,
// in-process. The whole pipeline app is synthesized, without credentials, by
// `cdk synth -c pipeline=true ...` in .ci/run; delivery-pipeline.suite.ts
// synthesizes the same stack in-process and runs the five packs on it.
const PIPELINE_CONTEXT = {
  pipeline: 'true', toolsAccount: '111111111111', sandboxAccount: '222222222222', productionAccount: '333333333333',
  regions: 'eu-west-1,us-east-1', repository: 'my-org/my-app', branch: 'main', alarmEmail: 'ops@example.com', allowPlainHttp: 'true',
  connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/abc-123',
};

function problemsBuilding(context: Record<string, unknown>): string[] {
  try {
    buildPipelineApp(testApp(context));
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}

describe('the app with -c pipeline=...', () => {
  test('builds the pipeline only when asked: true (or "true"); absent or false keeps the stage', () => {
    expect(pipelineRequested(testApp({ pipeline: 'true' }))).toBe(true);
    expect(pipelineRequested(testApp({ pipeline: true }))).toBe(true);
    expect(pipelineRequested(testApp({ pipeline: 'false' }))).toBe(false);
    expect(pipelineRequested(testApp({}))).toBe(false);
  });

  test('fails when pipeline is neither true nor false', () => {
    expect(() => pipelineRequested(testApp({ pipeline: 'yes' }))).toThrow('pipeline: got "yes"; expected "true" or "false"');
  });

  test('fails when Production would serve plain HTTP: no domain, and allowPlainHttp not said', () => {
    const { allowPlainHttp: _omitted, ...https } = PIPELINE_CONTEXT;
    const app = testApp(https);
    expect(() => buildPipelineApp(app)).toThrow(/^Invalid stage config:\n  - stage: got "Production"; it serves HTTPS or does not synthesize: put its endpoints on your domain/);
    expect(app.node.children).toEqual([]); // before building anything, the Sandbox stage included
  });

  test('fails with every bad value named, all at once', () => {
    expect(problemsBuilding({ ...PIPELINE_CONTEXT, sandboxAccount: '2222', repository: 'my-app' })).toEqual(expect.arrayContaining([
      expect.stringContaining('sandboxAccount: got "2222"; expected a 12-digit AWS account id'),
      expect.stringContaining('repository: got "my-app"; expected "owner/name"'),
    ]));
  });

  test('fails when a stage is also selected', () => {
    expect(problemsBuilding({ ...PIPELINE_CONTEXT, stage: 'Production' }))
      .toEqual(['stage: got "Production"; the pipeline deploys both Sandbox and Production: drop -c stage']);
  });
});
