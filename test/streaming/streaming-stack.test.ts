import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatFindings } from '../../lib/shared/compliance';
import { acknowledgedRules, normalised, resourcesOf, stackTemplate, synthesizedStack } from '../harness';

// Each stage variant is synthesized once per run (test/synth/stage-cache.ts).
const sandboxTemplate = stackTemplate('Sandbox', 'Streaming');
const productionTemplate = stackTemplate('Production', 'Streaming');

const only = (template: Template, type: string) => {
  const all = Object.values(resourcesOf(template, type));
  expect(all).toHaveLength(1);
  return all[0];
};
const idOf = (template: Template, type: string, pattern: RegExp) => Object.keys(resourcesOf(template, type)).find((id) => pattern.test(id))!;
const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^StreamingKey'), 'Arn'] };

describe.each([['Sandbox', sandboxTemplate], ['Production', productionTemplate]])('Streaming stack, %s profile', (_n, template) => {
  test('the stream is encrypted with the stack\'s customer-managed key, which rotates', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', { StreamEncryption: { EncryptionType: 'KMS', KeyId: keyArn } });
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the consumer: partial batch responses, bisect on error, bounded retries and record age, failures to the encrypted failure queue', () => {
    const mapping = only(template, 'AWS::Lambda::EventSourceMapping').Properties;
    expect(mapping).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^StreamingStream[0-9A-F]{8}$/), 'Arn'] },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^StreamingStreamFailureQueue/), 'Arn'] } } },
    });
    const failureQueue = resourcesOf(template, 'AWS::SQS::Queue')[idOf(template, 'AWS::SQS::Queue', /^StreamingStreamFailureQueue/)];
    expect(failureQueue.Properties).toMatchObject({ KmsMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^StreamingKey/), 'Arn'] }, MessageRetentionPeriod: 1209600 });
  });

  test('the consumer function: arm64, Node.js 24, traced, JSON logs to a log group encrypted with the key', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'], Runtime: 'nodejs24.x', TracingConfig: { Mode: 'Active' }, Timeout: 30, MemorySize: 256,
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^StreamingStreamConsumerLogs') } }),
      KmsKeyArn: keyArn,
    });
  });

  test('the consumer may read this stream and write the failure queue only, through a managed policy', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const policies = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy'));
    const [, consumerPolicy] = policies.find(([id]) => id.startsWith('StreamingStreamConsumerRole'))!;
    const statements: { Action: string[]; Resource: unknown }[] = consumerPolicy.Properties.PolicyDocument.Statement;
    expect(statements.find((s) => s.Action.includes('kinesis:GetRecords'))!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StreamingStream[0-9A-F]{8}$/), 'Arn'] });
    expect(statements.find((s) => s.Action.includes('sqs:SendMessage'))!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StreamingStreamFailureQueue/), 'Arn'] });
    expect(statements.flatMap((s) => s.Action).filter((a) => /^kinesis:Put/.test(a))).toEqual([]);
  });

  test('Firehose reads the stream and writes gzip, by date, to the bucket with the key; failed records under errors/', () => {
    const delivery = only(template, 'AWS::KinesisFirehose::DeliveryStream').Properties;
    expect(delivery.DeliveryStreamType).toBe('KinesisStreamAsSource');
    expect(delivery.KinesisStreamSourceConfiguration.KinesisStreamARN).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StreamingStream[0-9A-F]{8}$/), 'Arn'] });
    expect(delivery.ExtendedS3DestinationConfiguration).toMatchObject({
      CompressionFormat: 'GZIP',
      Prefix: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
      ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
      EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetAtt': [expect.stringMatching(/^StreamingKey/), 'Arn'] } } },
      CloudWatchLoggingOptions: { Enabled: true, LogGroupName: { Ref: expect.stringMatching(/^StreamingStreamDeliveryLogs/) } },
      ProcessingConfiguration: { Enabled: true, Processors: [{ Type: 'AppendDelimiterToRecord', Parameters: [{ ParameterName: 'Delimiter', ParameterValue: '\\n' }] }] },
    });
  });

  test('the Firehose role reads the stream, writes (never deletes) objects, uses the key and logs: nothing else, nothing wildcarded but the objects', () => {
    const [, policy] = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('StreamingStreamDeliveryRole'))!;
    const bucketArn = { 'Fn::GetAtt': [expect.stringMatching(/^StreamingStreamBucket/), 'Arn'] };
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['kinesis:DescribeStream', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^StreamingStream[0-9A-F]{8}$/), 'Arn'] } },
      { Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'],
        Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }] },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^StreamingKey/), 'Arn'] } },
      { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^StreamingStreamDeliveryLogs/), 'Arn'] } },
    ]);
  });

  test('the delivery stream is created after its role\'s grants, which Firehose checks on creation', () => {
    const [delivery] = Object.values(resourcesOf(template, 'AWS::KinesisFirehose::DeliveryStream'));
    expect(delivery.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^StreamingStreamDeliveryRoleGrants/)]));
  });

  test('no mapping rides along: the template has none unused (CloudFormation\'s W7001 fails cdk synth)', () => {
    expect(template.toJSON().Mappings).toBeUndefined();
  });

  test('the Firehose role is assumed by Firehose for this account only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{
        Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'firehose.amazonaws.com' },
        Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } },
      }] },
    });
  });

  test('the delivery bucket: SSE-KMS with the key, all public access blocked, TLS only, versioned, access-logged, lifecycle-managed', () => {
    const id = idOf(template, 'AWS::S3::Bucket', /^StreamingStreamBucket/);
    const bucket = resourcesOf(template, 'AWS::S3::Bucket')[id].Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
      BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^StreamingKey/), 'Arn'] } },
    });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: expect.stringMatching(/^StreamingStreamAccessLogs/) });
    const rules = bucket.LifecycleConfiguration.Rules;
    expect(rules.find((r: { Prefix?: string }) => r.Prefix === 'athena-results/').ExpirationInDays).toBe(7);
    expect(rules.find((r: { Prefix?: string }) => r.Prefix === undefined)).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 7 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('a Glue table over data/ with year/month/day partition projection, and an Athena workgroup with encrypted results and a scan limit', () => {
    const table = only(template, 'AWS::Glue::Table').Properties;
    const bucketRef = { Ref: expect.stringMatching(/^StreamingStreamBucket/) };
    expect(table.TableInput).toMatchObject({
      Name: 'events', TableType: 'EXTERNAL_TABLE',
      Parameters: { 'projection.enabled': 'true', 'storage.location.template': { 'Fn::Join': ['', ['s3://', bucketRef, '/data/year=${year}/month=${month}/day=${day}/']] } },
      PartitionKeys: [{ Name: 'year', Type: 'string' }, { Name: 'month', Type: 'string' }, { Name: 'day', Type: 'string' }],
      StorageDescriptor: { Location: { 'Fn::Join': ['', ['s3://', bucketRef, '/data/']] }, SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' } },
    });
    const workGroup = only(template, 'AWS::Athena::WorkGroup').Properties;
    expect(workGroup.WorkGroupConfiguration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      BytesScannedCutoffPerQuery: 1073741824,
      ResultConfiguration: {
        OutputLocation: { 'Fn::Join': ['', ['s3://', bucketRef, '/athena-results/']] },
        EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [expect.stringMatching(/^StreamingKey/), 'Arn'] } },
      },
    });
  });

  test('the bus admits PutEvents from this account only', () => {
    const policy = only(template, 'AWS::Events::EventBusPolicy').Properties;
    expect(policy.Statement).toMatchObject({
      Effect: 'Allow', Action: 'events:PutEvents',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
    });
    expect(policy.Statement.Condition).toBeUndefined();
  });

  test('three routes, each rule delivering to its own encrypted queue with bounded retries and the delivery dead-letter queue', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule'));
    expect(rules).toHaveLength(3);
    for (const rule of rules) {
      expect(rule.Properties.EventBusName).toEqual({ Ref: expect.stringMatching(/^StreamingBus[0-9A-F]{8}$/) });
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^StreamingBusDeliveryDeadLetterQueue/), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
      })]);
    }
    for (const name of ['Fulfilment', 'Review', 'PaymentFailures']) {
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: keyArn,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^StreamingBus${name}DeadLetterQueue`), 'Arn'] }, maxReceiveCount: 5 },
      });
    }
  });

  test('EventBridge may encrypt into the queues with the key, for this account only', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([{
      Sid: 'AllowEventBridgeToDeadLetter', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    }]) } });
  });

  test('every event is archived for replay', () => {
    const archive = only(template, 'AWS::Events::Archive').Properties;
    expect(archive.SourceArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StreamingBus[0-9A-F]{8}$/), 'Arn'] });
    expect(archive.EventPattern).toEqual({ source: [{ prefix: '' }] });
  });

  test('alarms reach the encrypted alarm topic: iterator age, consumer errors, failure queue, Firehose freshness and failures, rule failures and lost dead-letters, every dead-letter queue', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const byMetric = (name: string) => alarms.filter((a) => a.MetricName === name);
    expect(byMetric('IteratorAge')).toEqual([expect.objectContaining({ Threshold: 300000, Statistic: 'Maximum' })]);
    expect(byMetric('Errors')).toHaveLength(1);
    expect(byMetric('DeliveryToS3.DataFreshness')).toHaveLength(1);
    expect(alarms.filter((a) => JSON.stringify(a.Metrics ?? []).includes('DeliveryToS3.Success'))).toHaveLength(1);
    expect(byMetric('FailedInvocations')).toHaveLength(3);
    expect(byMetric('InvocationsFailedToBeSentToDlq')).toHaveLength(3);
    for (const a of [...byMetric('FailedInvocations'), ...byMetric('InvocationsFailedToBeSentToDlq')]) {
      expect(a.Dimensions.map((d: { Name: string }) => d.Name)).toEqual(['EventBusName', 'RuleName']);
      expect(a).toMatchObject({ Namespace: 'AWS/Events', Statistic: 'Sum', Threshold: 0 });
    }
    // The failure queue, the delivery dead-letter queue and each route's dead-letter queue.
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(5);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^StreamingAlarmsTopic/) }]);
      expect(a.TreatMissingData).toBe('notBreaching');
    }
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Alarms', KmsMasterKeyId: keyArn });
  });

  test('outputs what producers, operators and the smoke checks need', () => {
    for (const id of ['StreamName', 'ConsumerLogGroupName', 'FailureQueueUrl', 'DeliveryBucketName', 'DeliveryBufferingSeconds', 'DeliveryStreamName', 'GlueDatabaseName',
      'GlueTableName', 'AthenaWorkGroupName', 'EventBusName', 'ArchiveName', 'DeliveryDeadLetterQueueUrl', 'FulfilmentQueueUrl',
      'ReviewQueueUrl', 'PaymentFailuresQueueUrl', 'AlarmTopicArn']) template.hasOutput(id, {});
  });
});

describe('stage differences', () => {
  test('the sandbox: one provisioned shard, 24 hours; production: on-demand, 7 days', () => {
    expect(only(sandboxTemplate, 'AWS::Kinesis::Stream').Properties).toMatchObject({ StreamModeDetails: { StreamMode: 'PROVISIONED' }, ShardCount: 1, RetentionPeriodHours: 24 });
    const production = only(productionTemplate, 'AWS::Kinesis::Stream').Properties;
    expect(production).toMatchObject({ StreamModeDetails: { StreamMode: 'ON_DEMAND' }, RetentionPeriodHours: 168 });
    expect(production.ShardCount).toBeUndefined();
  });

  test('records give up after an hour in the sandbox, six in production', () => {
    expect(only(sandboxTemplate, 'AWS::Lambda::EventSourceMapping').Properties.MaximumRecordAgeInSeconds).toBe(3600);
    expect(only(productionTemplate, 'AWS::Lambda::EventSourceMapping').Properties.MaximumRecordAgeInSeconds).toBe(21600);
  });

  test('Firehose buffers a minute in the sandbox, five in production; data is kept 30 days and a year', () => {
    const buffering = (t: Template) => only(t, 'AWS::KinesisFirehose::DeliveryStream').Properties.ExtendedS3DestinationConfiguration.BufferingHints;
    expect(buffering(sandboxTemplate)).toEqual({ IntervalInSeconds: 60, SizeInMBs: 64 });
    expect(buffering(productionTemplate)).toEqual({ IntervalInSeconds: 300, SizeInMBs: 64 });
    const dataExpiration = (t: Template) => resourcesOf(t, 'AWS::S3::Bucket')[idOf(t, 'AWS::S3::Bucket', /^StreamingStreamBucket/)]
      .Properties.LifecycleConfiguration.Rules.find((r: { Prefix?: string }) => r.Prefix === 'data/').ExpirationInDays;
    expect(dataExpiration(sandboxTemplate)).toBe(30);
    expect(dataExpiration(productionTemplate)).toBe(365);
  });

  test('the archive keeps a week in the sandbox, a year in production', () => {
    expect(only(sandboxTemplate, 'AWS::Events::Archive').Properties.RetentionDays).toBe(7);
    expect(only(productionTemplate, 'AWS::Events::Archive').Properties.RetentionDays).toBe(365);
  });

  test('the sandbox deletes the stream, buckets, queues, archive, logs and key on destroy; production retains them', () => {
    for (const type of ['AWS::Kinesis::Stream', 'AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::Events::Archive', 'AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
      for (const r of Object.values(resourcesOf(sandboxTemplate, type))) expect([type, r.DeletionPolicy]).toEqual([type, 'Delete']);
      for (const r of Object.values(resourcesOf(productionTemplate, type))) expect([type, r.DeletionPolicy]).toEqual([type, 'Retain']);
    }
    sandboxTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    productionTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('logs are kept a week in the sandbox and a year in production', () => {
    for (const r of Object.values(resourcesOf(sandboxTemplate, 'AWS::Logs::LogGroup'))) expect(r.Properties.RetentionInDays).toBe(7);
    for (const r of Object.values(resourcesOf(productionTemplate, 'AWS::Logs::LogGroup'))) expect(r.Properties.RetentionInDays).toBe(365);
  });

  test('an alarm e-mail from config is subscribed to the alarm topic, with a dead-letter queue', () => {
    stackTemplate('Production pinned', 'Streaming').hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    sandboxTemplate.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
  });

  test('the pinned stages name the bus, workgroup and database after the stack, new at each stack creation', () => {
    const bus = only(stackTemplate('Sandbox pinned', 'Streaming'), 'AWS::Events::EventBus').Properties;
    expect(bus.Name).toEqual({ 'Fn::Join': ['-', ['Sandbox-Streaming-events', expect.objectContaining({ 'Fn::Select': [4, expect.anything()] })]] });
    const database = only(stackTemplate('Sandbox pinned', 'Streaming'), 'AWS::Glue::Database').Properties;
    expect(database.DatabaseInput.Name).toEqual({ 'Fn::Join': ['_', ['sandbox_streaming_events', expect.anything()]] });
  });
});

describe('compliance', () => {
  test.each(['Sandbox', 'Production', 'Sandbox pinned', 'Production pinned'] as const)('%s: the five packs report nothing unacknowledged', (variant) => {
    expect(formatFindings(synthesizedStack(variant, 'Streaming').findings)).toBe('');
    expect(formatFindings(synthesizedStack(variant, 'Streaming').findings)).toBe('');
  });

  test('every acknowledgement is written into the template with its reason', () => {
    expect([...acknowledgedRules(sandboxTemplate).keys()].sort()).toEqual([
      // CDK's own auto-delete provider (lib/shared/cdk-provider-acknowledgements.ts).
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::<StreamingStreamBucket13005E6E.Arn>/*]',
      'AwsSolutions-KDF1', 'AwsSolutions-KDS3', 'AwsSolutions-SQS3',
      'HIPAA.Security-LambdaConcurrency', 'HIPAA.Security-LambdaDLQ', 'HIPAA.Security-LambdaInsideVPC',
      'HIPAA.Security-S3BucketReplicationEnabled', 'HIPAA.Security-S3DefaultEncryptionKMS',
      'NIST.800.53.R5-LambdaConcurrency', 'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC',
      'NIST.800.53.R5-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'PCI.DSS.321-LambdaDLQ', 'PCI.DSS.321-LambdaInsideVPC', 'PCI.DSS.321-S3BucketReplicationEnabled', 'PCI.DSS.321-S3DefaultEncryptionKMS',
      'Serverless-LambdaDLQ', 'Serverless-LambdaTracing', 'Serverless-SQSRedrivePolicy',
    ]);
  });
});

describe('snapshots (drift only; the assertions above are the specification)', () => {
  test('Sandbox', () => expect(normalised(sandboxTemplate)).toMatchSnapshot());
  test('Production', () => expect(normalised(productionTemplate)).toMatchSnapshot());
});
