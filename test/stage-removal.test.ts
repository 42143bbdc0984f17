import { CfnTemplate, refsIn, resourcesOf } from '../lib/docs/template';
import { stageTemplates, synthesizedStage } from './harness';

// `cdk destroy` of the sandbox leaves nothing billable behind; production keeps its data.
const stages = new Map([['Sandbox', stageTemplates('Sandbox')], ['Production', stageTemplates('Production')]]);
const STATEFUL = ['AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::SQS::Queue', 'AWS::Cognito::UserPool'];

function statefulOf(template: CfnTemplate) {
  return resourcesOf(template).filter(([, r]) => STATEFUL.includes(r.Type));
}

describe.each([...stages.get('Sandbox')!])('Sandbox %s is destroyed without leftovers', (_name, { template }) => {
  test('every bucket, log group, table, key and queue is deleted with the stack', () => {
    for (const [id, r] of statefulOf(template)) expect([id, r.DeletionPolicy]).toEqual([id, 'Delete']);
  });

  test('every bucket is emptied first', () => {
    const emptied = resourcesOf(template).filter(([, r]) => r.Type === 'Custom::S3AutoDeleteObjects').flatMap(([, r]) => refsIn(r.Properties?.BucketName));
    for (const [id] of resourcesOf(template).filter(([, r]) => r.Type === 'AWS::S3::Bucket')) expect(emptied).toContain(id);
  });

  test('every KMS key waits the shortest window (7 days) before deletion', () => {
    for (const [id, r] of resourcesOf(template).filter(([, x]) => x.Type === 'AWS::KMS::Key')) expect([id, r.Properties?.PendingWindowInDays]).toEqual([id, 7]);
  });

  test('no table is protected from deletion', () => {
    for (const [id, r] of resourcesOf(template).filter(([, x]) => x.Type === 'AWS::DynamoDB::Table')) expect([id, r.Properties?.DeletionProtectionEnabled]).toEqual([id, false]);
  });
});

describe.each([...stages.get('Production')!])('Production %s retains its data', (_name, { template }) => {
  test('every bucket, log group, table, key and queue is retained', () => {
    for (const [id, r] of statefulOf(template)) expect([id, r.DeletionPolicy]).toEqual([id, 'Retain']);
    expect(resourcesOf(template).filter(([, r]) => r.Type === 'Custom::S3AutoDeleteObjects')).toEqual([]);
  });
});

test('every production stack is termination-protected; no sandbox stack is', () => {
  const stacksOf = (name: 'Sandbox' | 'Production') => synthesizedStage(name).stacks;
  expect(stacksOf('Production').map((s) => [s.stackName, s.terminationProtection]).filter(([, p]) => !p)).toEqual([]);
  expect(stacksOf('Sandbox').map((s) => [s.stackName, s.terminationProtection]).filter(([, p]) => p)).toEqual([]);
});
