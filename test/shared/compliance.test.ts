import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledge, findingsIn, formatFindings, nagFindingName, nagPacks } from '../../lib/shared/compliance';
import { nagFindings, testStack } from '../harness';

describe('nag packs', () => {
  test('are the five the project is held to', () => {
    expect(nagPacks().map((p) => p.readPackName)).toEqual(
      ['AwsSolutions', 'Serverless', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']);
  });

  test('find what is wrong with a careless resource, and acknowledging one rule hides only that rule', () => {
    const stack: Stack = testStack();
    const queue = new sqs.Queue(stack, 'Careless', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    const before = nagFindings(stack).map((f) => f.rule);
    expect(before).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
    acknowledge(queue, 'AwsSolutions-SQS3', 'Test acknowledgement.');
    const after = nagFindings(stack).map((f) => f.rule);
    expect(after).not.toContain('AwsSolutions-SQS3');
    expect(after).toContain('AwsSolutions-SQS4');
  });
});

describe('an acknowledgement', () => {
  const acknowledged = (context: Record<string, unknown>) => {
    const queue = new sqs.Queue(new Stack(new App({ context })), 'Queue');
    acknowledge(queue, 'AwsSolutions-SQS3', 'Test acknowledgement.');
    return queue.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules');
  };

  test('is recorded with its reason and without a stack trace where the app disables them', () => {
    const limit = Error.stackTraceLimit;
    const [entry] = acknowledged({ 'aws:cdk:disable-stack-trace': true });
    expect(entry.data).toEqual({ 'Annotation::AwsSolutions-SQS3': 'Test acknowledgement.' });
    expect(entry.trace?.join('\n') ?? '').not.toMatch(/compliance\.test\.ts/); // no frames captured
    expect(Error.stackTraceLimit).toBe(limit);
  });

  test('that is malformed fails with a stack that leads to its caller, even where the app disables stack traces', () => {
    const queue = new sqs.Queue(new Stack(new App({ context: { 'aws:cdk:disable-stack-trace': true } })), 'Queue');
    const limit = Error.stackTraceLimit;
    let error: Error | undefined;
    try {
      acknowledge(queue, 'a::b::c::d', 'Malformed.');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.stack).toMatch(/compliance\.test\.ts/);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  test('keeps the stack trace aws-cdk-lib records where the app keeps them', () => {
    const [entry] = acknowledged({});
    expect(entry.data).toEqual({ 'Annotation::AwsSolutions-SQS3': 'Test acknowledgement.' });
    expect(entry.trace?.join('\n')).toMatch(/compliance\.test\.ts/);
  });
});

describe('findings in a synthesized assembly', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));

  test('an assembly without a report has no findings', () => {
    expect(findingsIn(dir)).toEqual([]);
  });

  test('every violating construct of every plugin is a finding', () => {
    fs.writeFileSync(path.join(dir, 'validation-report.json'), JSON.stringify({
      pluginReports: [
        { violations: [{ ruleName: 'AwsSolutions-S1', severity: 'error', violatingConstructs: [{ constructPath: 'A/B' }, { constructPath: 'A/C' }] }] },
        { violations: [{ ruleName: 'HIPAA.Security-X', severity: 'warning', violatingConstructs: [{ constructPath: 'A/D' }] }] },
      ],
    }));
    const findings = findingsIn(dir);
    expect(formatFindings(findings)).toBe(
      '  ERROR AwsSolutions-S1 at A/B\n  ERROR AwsSolutions-S1 at A/C\n  WARNING HIPAA.Security-X at A/D');
  });
});

describe('nagFindingName', () => {
  test('renders resolved values as cdk-nag names them in finding ids', () => {
    expect(nagFindingName({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] })).toBe('<Bucket.Arn>/*');
    expect(nagFindingName({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::cdk-assets-', { Ref: 'AWS::AccountId' }, '/*']] }))
      .toBe('arn:<AWS::Partition>:s3:::cdk-assets-<AWS::AccountId>/*');
    expect(nagFindingName('arn:aws:s3:::cdk-hnb659fds-assets-123456789012-eu-west-1/*')).toBe('arn:aws:s3:::cdk-hnb659fds-assets-123456789012-eu-west-1/*');
    expect(nagFindingName({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::x' })).toBe('arn:<AWS::Partition>:s3:::x');
  });
});
