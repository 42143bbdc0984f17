import * as path from 'path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlarmTopic, alarmAbove } from '../shared/alarms';
import { allowCloudWatchLogs, EncryptedLogGroup } from '../shared/encrypted-log-group';
import { HardenedFunction } from '../shared/hardened-function';
import { deliverServerAccessLogsByPolicy, LogBucket } from '../shared/log-bucket';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { bucketRemoval, DEFAULT_REMOVAL_POLICY, keyRemoval } from '../shared/removal';
import { acknowledgeStreamFindings } from './streaming-findings';
import { EventStreamProps, StreamConsumerProps, validateEventStreamProps } from './event-stream-props';
import { StreamQuery } from './stream-query';

/** Where Firehose writes, under the bucket: the data by date, failed records by error type and date. */
export const DATA_PREFIX = 'data/';
const DATE_PARTITIONS = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/';

/**
 * Kinesis Data Stream with a Lambda consumer and Firehose delivery to S3
 * (notes 004): producers put records on a KMS-encrypted stream; a Lambda
 * function consumes them in order per shard, reporting partial failures, and
 * Firehose copies every record, compressed and partitioned by date, to an
 * encrypted bucket that a Glue table and an Athena workgroup query.
 */
export class EventStream extends Construct {
  readonly stream: kinesis.Stream;
  readonly key: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  readonly consumer: HardenedFunction;
  /** Batches the consumer gave up on (after its retries or the record age), described by Lambda. */
  readonly failureQueue: sqs.Queue;
  /** The enhanced fan-out consumer the function reads through, when `enhancedFanOut` is on. */
  readonly streamConsumer?: kinesis.StreamConsumer;
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: LogBucket;
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly deliveryLogGroup: logs.ILogGroup;
  /** The role Firehose reads the stream and writes the bucket with. */
  readonly deliveryRole: ManagedPolicyRole;
  readonly query: StreamQuery;
  /** How long Firehose buffers before writing an object. */
  readonly bufferingInterval: Duration;

  constructor(scope: Construct, id: string, props: EventStreamProps = {}) {
    super(scope, id);
    deliverServerAccessLogsByPolicy(this);
    validateEventStreamProps(props);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.key = props.key ?? new kms.Key(this, 'Key', {
      description: `Encrypts the stream, its bucket, queue and logs of ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(removalPolicy),
    });
    if (this.key instanceof kms.Key) allowCloudWatchLogs(this.key);
    this.alarmTopic = props.alarmTopic ?? new AlarmTopic(this, 'Alarms', { key: this.key, email: props.alarmEmail, removalPolicy }).topic;
    const capacity = props.capacity ?? { mode: 'provisioned', shards: 1 };
    this.stream = new kinesis.Stream(this, 'Stream', {
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.key,
      streamMode: capacity.mode === 'onDemand' ? kinesis.StreamMode.ON_DEMAND : kinesis.StreamMode.PROVISIONED,
      shardCount: capacity.mode === 'provisioned' ? capacity.shards : undefined,
      retentionPeriod: props.retention ?? Duration.hours(24),
      removalPolicy,
    });
    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    const consumerProps = props.consumer ?? {};
    if (consumerProps.enhancedFanOut) {
      this.streamConsumer = new kinesis.StreamConsumer(this, 'StreamConsumer', { stream: this.stream, streamConsumerName: 'lambda-consumer' });
    }
    this.consumer = this.addConsumer(consumerProps, logRetention, removalPolicy);
    this.accessLogBucket = new LogBucket(this, 'AccessLogs', { removalPolicy });
    this.bucket = this.newBucket(props, removalPolicy);
    this.deliveryRole = new ManagedPolicyRole(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'sts:ExternalId': Stack.of(this).account } } }),
      description: 'Firehose reads the stream and writes the bucket',
    });
    this.deliveryLogGroup = new EncryptedLogGroup(this, 'DeliveryLogs', { retention: logRetention, removalPolicy, encryptionKey: this.key }).logGroup;
    this.bufferingInterval = props.delivery?.bufferingInterval ?? Duration.minutes(5);
    this.deliveryStream = this.addDelivery(props);
    this.query = new StreamQuery(this, 'Query', {
      bucket: this.bucket,
      key: this.key,
      dataPrefix: DATA_PREFIX,
      columns: props.delivery?.columns,
      bytesScannedCutoffPerQuery: props.delivery?.bytesScannedCutoffPerQuery,
    });
    acknowledgeStreamFindings(this);
  }

  /** Lets `grantee` put records on the stream (and nothing else): `kinesis:PutRecord(s)`, `kinesis:ListShards` and the key's encrypt actions. */
  grantPut(grantee: iam.IGrantable): iam.Grant {
    return this.stream.grantWrite(grantee);
  }

  private addConsumer(c: StreamConsumerProps, logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): HardenedFunction {
    const consumer = new HardenedFunction(this, 'Consumer', {
      entry: path.join(__dirname, 'consumer', 'handler.ts'),
      description: `Consumes the stream of ${this.node.path}`.slice(0, 256),
      timeout: c.timeout ?? Duration.seconds(30),
      memorySize: c.memorySize ?? 256,
      encryptionKey: this.key,
      logRetention,
      removalPolicy,
    });
    const sourceProps: eventSources.KinesisEventSourceProps = {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: c.batchSize ?? 100,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: c.retryAttempts ?? 3,
      maxRecordAge: c.maxRecordAge ?? Duration.hours(1),
      parallelizationFactor: c.parallelizationFactor ?? 1,
      onFailure: new eventSources.SqsDlq(this.failureQueue),
    };
    consumer.function.addEventSource(this.streamConsumer
      ? new eventSources.KinesisConsumerEventSource(this.streamConsumer, sourceProps)
      : new eventSources.KinesisEventSource(this.stream, sourceProps));
    const maxIteratorAge = c.maxIteratorAge ?? Duration.minutes(5);
    alarmAbove(this, 'IteratorTooOld', this.alarmTopic, {
      metric: consumer.function.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      above: maxIteratorAge.toMilliseconds(),
      periods: 5,
      description: `The stream's consumer reads records older than ${maxIteratorAge.toSeconds()} s: it is falling behind or stuck on a failing batch`,
    });
    alarmAbove(this, 'ConsumerErrors', this.alarmTopic, {
      metric: consumer.function.metricErrors({ period: Duration.minutes(1) }),
      above: 0,
      description: 'The stream\'s consumer function failed',
    });
    alarmAbove(this, 'FailureQueueNotEmpty', this.alarmTopic, {
      metric: this.failureQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      above: 0,
      description: 'The stream\'s consumer gave up on a batch: its description is in the failure queue',
    });
    return consumer;
  }

  private newBucket(props: EventStreamProps, removalPolicy: RemovalPolicy): s3.Bucket {
    const expiration = props.delivery?.dataExpiration ?? Duration.days(365);
    return new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'delivery-bucket/',
      lifecycleRules: [
        { prefix: DATA_PREFIX, expiration },
        { prefix: 'errors/', expiration },
        { prefix: 'athena-results/', expiration: Duration.days(7) },
        { noncurrentVersionExpiration: Duration.days(7), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      ...bucketRemoval(removalPolicy),
    });
  }

  /**
   * Firehose from the stream to the bucket, as an L1: the L2 grants read-write
   * on the bucket (deletes included) and renders a mapping of Firehose's CIDR
   * blocks that an S3 destination never uses (CloudFormation's W7001).
   */
  private addDelivery(props: EventStreamProps): firehose.CfnDeliveryStream {
    const d = props.delivery ?? {};
    const grants = this.grantDelivery();
    const logStream = new logs.LogStream(this, 'DeliveryLogStream', { logGroup: this.deliveryLogGroup, removalPolicy: props.removalPolicy ?? DEFAULT_REMOVAL_POLICY });
    const deliveryStream = new firehose.CfnDeliveryStream(this, 'Delivery', {
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: { kinesisStreamArn: this.stream.streamArn, roleArn: this.deliveryRole.roleArn },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: this.deliveryRole.roleArn,
        prefix: `${DATA_PREFIX}${DATE_PARTITIONS}`,
        errorOutputPrefix: `errors/!{firehose:error-output-type}/${DATE_PARTITIONS}`,
        compressionFormat: 'GZIP',
        bufferingHints: { intervalInSeconds: this.bufferingInterval.toSeconds(), sizeInMBs: d.bufferingSizeMiB ?? 64 },
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: this.key.keyArn } },
        cloudWatchLoggingOptions: { enabled: true, logGroupName: this.deliveryLogGroup.logGroupName, logStreamName: logStream.logStreamName },
        // One JSON record a line, as the Glue table's JSON SerDe reads them, whatever the producers send.
        processingConfiguration: {
          enabled: true,
          processors: [{ type: 'AppendDelimiterToRecord', parameters: [{ parameterName: 'Delimiter', parameterValue: '\\n' }] }],
        },
      },
    });
    // Firehose checks its role when the stream is created: the grants must exist by then.
    deliveryStream.node.addDependency(grants);
    this.addDeliveryAlarms(deliveryStream);
    return deliveryStream;
  }

  /** What Firehose needs, and no more: read the stream, write (not delete) objects, use the key, log errors. */
  private grantDelivery(): iam.ManagedPolicy {
    const role = this.deliveryRole;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kinesis:DescribeStream', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'],
      resources: [this.stream.streamArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'],
      resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [this.deliveryLogGroup.logGroupArn] }));
    return role.grantsPolicy!;
  }

  private addDeliveryAlarms(deliveryStream: firehose.CfnDeliveryStream): void {
    const metric = (metricName: string, statistic: string) => new cloudwatch.Metric({
      namespace: 'AWS/Firehose', metricName, dimensionsMap: { DeliveryStreamName: deliveryStream.ref }, period: Duration.minutes(5), statistic,
    });
    const limit = this.bufferingInterval.toSeconds() + 900;
    alarmAbove(this, 'DeliveryLagging', this.alarmTopic, {
      metric: metric('DeliveryToS3.DataFreshness', 'Maximum'),
      above: limit,
      description: `Firehose holds records older than ${limit} s: delivery to S3 is failing (see the delivery log group)`,
    });
    alarmAbove(this, 'DeliveryFailing', this.alarmTopic, {
      metric: new cloudwatch.MathExpression({
        expression: '1 - success',
        usingMetrics: { success: metric('DeliveryToS3.Success', 'Average') },
        period: Duration.minutes(5),
        label: 'Share of failed S3 deliveries',
      }),
      above: 0,
      description: 'Firehose failed to write to S3 (see the delivery log group); it retries for 24 hours, then writes to errors/',
    });
  }
}
