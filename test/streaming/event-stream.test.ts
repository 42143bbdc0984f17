import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { formatFindings } from '../../lib/shared/compliance';
import { EventStream } from '../../lib/streaming/event-stream';
import { nagFindings, resourcesOf, testStack } from '../harness';

describe('EventStream on its own, with its defaults', () => {
  const stack = testStack();
  const stream = new EventStream(stack, 'Events');
  const producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() });
  stream.grantPut(producer);
  const analyst = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
  stream.query.grantQuery(analyst);
  const template = Template.fromStack(stack);

  test('a key of its own, one shard, 24 hours, and an alarm topic of its own', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 1, RetentionPeriodHours: 24, StreamEncryption: { EncryptionType: 'KMS', KeyId: Match.anyValue() } });
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Alarms' });
  });

  test('retains the stream, bucket, queue, logs and key by default', () => {
    for (const type of ['AWS::Kinesis::Stream', 'AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
      for (const r of Object.values(resourcesOf(template, type))) expect([type, r.DeletionPolicy]).toEqual([type, 'Retain']);
    }
  });

  test('grantPut gives a producer PutRecord(s) on this stream and encryption with its key, and no read', () => {
    const [policy] = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes('Producer'));
    const statements: { Action: string[]; Resource: unknown }[] = policy.Properties.PolicyDocument.Statement;
    const kinesis = statements.find((s) => s.Action.includes('kinesis:PutRecord'))!;
    expect(kinesis.Action).toEqual(expect.arrayContaining(['kinesis:PutRecord', 'kinesis:PutRecords']));
    expect(kinesis.Action).not.toContain('kinesis:GetRecords');
    expect(kinesis.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EventsStream/), 'Arn'] });
    expect(statements.find((s) => s.Action.includes('kms:GenerateDataKey*'))!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EventsKey/), 'Arn'] });
  });

  test('grantQuery lets an analyst query this workgroup and table, read data/ and write results, with the key: nothing wider', () => {
    const [policy] = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes('Analyst'));
    const statements: { Action: string | string[]; Resource: unknown }[] = policy.Properties.PolicyDocument.Statement;
    const text = (r: unknown) => JSON.stringify(r);
    expect(statements.map((st) => [st.Action].flat()).flat().sort()).toEqual([
      'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:StopQueryExecution',
      'glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable', 'kms:Decrypt', 'kms:GenerateDataKey',
      's3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject',
    ]);
    const workGroup = text(statements.find((st) => [st.Action].flat().includes('athena:StartQueryExecution'))!.Resource);
    expect([workGroup.includes(':workgroup/'), workGroup.includes('"Unit-Test-events"')]).toEqual([true, true]);
    expect(text(statements.find((st) => [st.Action].flat().includes('s3:PutObject'))!.Resource)).toMatch(/\/athena-results\/\*"/);
    expect(text(statements.find((st) => text(st.Action) === '"s3:GetObject"')!.Resource)).toMatch(/\/data\/\*"/);
    const glue = text(statements.find((st) => [st.Action].flat().includes('glue:GetTable'))!.Resource);
    expect([glue.includes(':catalog"'), glue.includes(':database/'), glue.includes(':table/'), glue.includes('"unit_test_events"'), glue.includes('"/events"')]).toEqual([true, true, true, true, true]);
  });

  // The five packs check EventStream alone, with its defaults, in the packaged-library test (test/package/user-app.js).
});

describe('EventStream options', () => {
  test('on-demand capacity leaves the shard count to Kinesis', () => {
    const stack = testStack();
    new EventStream(stack, 'Events', { capacity: { mode: 'onDemand' }, retention: Duration.days(7) });
    const [stream] = Object.values(resourcesOf(Template.fromStack(stack), 'AWS::Kinesis::Stream'));
    expect(stream.Properties).toMatchObject({ StreamModeDetails: { StreamMode: 'ON_DEMAND' }, RetentionPeriodHours: 168 });
    expect(stream.Properties.ShardCount).toBeUndefined();
  });

  test('enhanced fan-out reads through a dedicated consumer, and stays at zero findings', () => {
    const stack = testStack();
    new EventStream(stack, 'Events', { consumer: { enhancedFanOut: true, batchSize: 500, parallelizationFactor: 2, retryAttempts: 5 } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Kinesis::StreamConsumer', { ConsumerName: 'lambda-consumer', StreamARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsStream'), 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsStreamConsumer'), 'ConsumerARN'] },
      BatchSize: 500, ParallelizationFactor: 2, MaximumRetryAttempts: 5, FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('alarms go to a topic passed in, and no alarm topic is created', () => {
    const stack = testStack();
    const ops = new sns.Topic(stack, 'Ops');
    new EventStream(stack, 'Events', { alarmTopic: ops });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    for (const alarm of Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Ops/) }]);
  });

  test('the Glue table takes your columns, lower-cased as Glue stores them, and the workgroup your scan limit', () => {
    const stack = testStack();
    new EventStream(stack, 'Events', { delivery: { columns: { deviceId: 'string', reading: 'double' }, bytesScannedCutoffPerQuery: 100 * 1024 ** 2 } });
    const template = Template.fromStack(stack);
    const [table] = Object.values(resourcesOf(template, 'AWS::Glue::Table'));
    expect(table.Properties.TableInput.StorageDescriptor.Columns).toEqual([{ Name: 'deviceid', Type: 'string' }, { Name: 'reading', Type: 'double' }]);
    template.hasResourceProperties('AWS::Athena::WorkGroup', { WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 104857600 }) });
  });

  test('the iterator-age alarm takes your threshold', () => {
    const stack = testStack();
    new EventStream(stack, 'Events', { consumer: { maxIteratorAge: Duration.minutes(1) } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 60000 });
  });
});
