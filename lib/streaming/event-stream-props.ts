import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EMAIL, seconds, Validator } from '../shared/validation';

/** How the stream is sized: a fixed number of shards, or on-demand. */
export type StreamCapacity =
  /** Billed per shard-hour whether used or not; 1 MB/s (1,000 records/s) in and 2 MB/s out per shard. */
  | { readonly mode: 'provisioned'; readonly shards: number }
  /** Billed per stream-hour and per GB; scales to the traffic (up to 200 MB/s in by default). */
  | { readonly mode: 'onDemand' };

/** The Lambda function that consumes the stream (the handler in `consumer/`). */
export interface StreamConsumerProps {
  /**
   * Function timeout, 1 to 900 s.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Memory in MB, 128 to 10240.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Records per invocation, 1 to 10000.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Retries of a failing batch (split in two on each failure), 0 to 10000.
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this are sent to the failure queue instead of the function, 60 s to 7 days.
   * @default Duration.hours(1)
   */
  readonly maxRecordAge?: Duration;
  /**
   * Batches processed at once per shard, 1 to 10 (order is kept per partition key).
   * @default 1
   */
  readonly parallelizationFactor?: number;
  /**
   * Read through an enhanced fan-out consumer: 2 MB/s per shard of its own and
   * about 70 ms delivery, for $0.015 per consumer-shard-hour plus $0.013 per GB.
   * @default false (shared throughput, polled once a second)
   */
  readonly enhancedFanOut?: boolean;
  /**
   * Alarm when the newest record the function reads is older than this.
   * @default Duration.minutes(5)
   */
  readonly maxIteratorAge?: Duration;
}

/** Firehose delivery of the stream to S3, and the Glue table and Athena workgroup that query it. */
export interface StreamDeliveryProps {
  /**
   * How long Firehose buffers before writing an object, 0 to 900 s.
   * @default Duration.minutes(5)
   */
  readonly bufferingInterval?: Duration;
  /**
   * Size Firehose buffers before writing an object, in MiB, 1 to 128.
   * @default 64
   */
  readonly bufferingSizeMiB?: number;
  /**
   * Delivered data is deleted this long after it lands, 1 to 3650 days.
   * @default Duration.days(365)
   */
  readonly dataExpiration?: Duration;
  /**
   * The Glue table's columns: the top-level fields of the JSON records, as
   * Hive types (`string`, `int`, `bigint`, `double`, `boolean`, `timestamp`, ...).
   * @default { eventType: 'string', orderId: 'string', total: 'double', at: 'string' }
   */
  readonly columns?: Readonly<Record<string, string>>;
  /**
   * The Athena workgroup cancels a query that scans more than this many bytes, at least 10 MB.
   * @default 1 GiB (1073741824)
   */
  readonly bytesScannedCutoffPerQuery?: number;
}

/** Props of the {@link EventStream} construct. */
export interface EventStreamProps {
  /**
   * Shards, or on-demand.
   * @default { mode: 'provisioned', shards: 1 }
   */
  readonly capacity?: StreamCapacity;
  /**
   * How long records stay readable on the stream, 24 hours to 365 days; beyond 24 hours costs per shard-hour.
   * @default Duration.hours(24)
   */
  readonly retention?: Duration;
  /**
   * The Lambda consumer.
   * @default a consumer with the defaults of {@link StreamConsumerProps}
   */
  readonly consumer?: StreamConsumerProps;
  /**
   * Delivery to S3 through Firehose.
   * @default the defaults of {@link StreamDeliveryProps}
   */
  readonly delivery?: StreamDeliveryProps;
  /**
   * Key of the stream, the bucket, the failure queue, the logs and the Athena results.
   * A key of this app gets the key-policy grants CloudWatch needs; an imported
   * key must already allow `cloudwatch.amazonaws.com` and the regional CloudWatch Logs service.
   * @default a new customer-managed key with rotation
   */
  readonly key?: kms.IKey;
  /**
   * Topic receiving the alarms.
   * @default a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * E-mail address subscribed to the alarm topic this construct creates; may be a token.
   * @default none
   */
  readonly alarmEmail?: string;
  /**
   * Retention of the consumer's and Firehose's log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the bucket, queues, logs and key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const COLUMN = /^[a-z_][a-z0-9_]{0,127}$/i;
const HIVE_TYPE = /^(string|int|bigint|smallint|tinyint|double|float|boolean|timestamp|date|decimal\(\d+,\d+\)|array<.+>|map<.+>|struct<.+>)$/;
const MIN_BYTES_SCANNED = 10 * 1024 * 1024;

/** Checks every rule, throwing one ConfigError listing all problems. */
export function validateEventStreamProps(props: EventStreamProps): void {
  const v = new Validator('EventStream props');
  const capacity = props.capacity ?? { mode: 'provisioned', shards: 1 };
  v.oneOf('capacity.mode', capacity.mode, ['provisioned', 'onDemand']);
  if (capacity.mode === 'provisioned') v.intRange('capacity.shards', capacity.shards, 1, 500);
  v.intRange('retention', seconds(props.retention), 24 * 3600, 8760 * 3600, ' seconds (24 hours to 365 days)');
  const retention = seconds(props.retention);
  if (retention !== undefined) v.check(retention % 3600 === 0, 'retention', `${retention} s`, 'expected whole hours');
  checkConsumer(v, props.consumer ?? {}, retention ?? 24 * 3600);
  checkDelivery(v, props.delivery ?? {});
  if (props.alarmEmail !== undefined && !Token.isUnresolved(props.alarmEmail)) {
    v.check(EMAIL.test(props.alarmEmail), 'alarmEmail', props.alarmEmail, 'expected an e-mail address');
  }
  v.check(!(props.alarmEmail && props.alarmTopic), 'alarmEmail', props.alarmEmail, 'subscribe the address to the alarmTopic you pass in, or leave alarmTopic out');
  v.throwIfInvalid();
}

function checkConsumer(v: Validator, c: StreamConsumerProps, retention: number): void {
  v.intRange('consumer.timeout', seconds(c.timeout), 1, 900, ' seconds');
  v.intRange('consumer.memorySize', c.memorySize, 128, 10240, ' MB');
  v.intRange('consumer.batchSize', c.batchSize, 1, 10000);
  v.intRange('consumer.retryAttempts', c.retryAttempts, 0, 10000);
  v.intRange('consumer.parallelizationFactor', c.parallelizationFactor, 1, 10);
  const age = seconds(c.maxRecordAge);
  v.intRange('consumer.maxRecordAge', age, 60, 7 * 24 * 3600, ' seconds (60 s to 7 days)');
  if (age !== undefined && age >= 60) {
    v.check(age <= retention, 'consumer.maxRecordAge', `${age} s`, `must not exceed the stream's retention (${retention} s): older records are gone before Lambda gives up on them`);
  }
  v.intRange('consumer.maxIteratorAge', seconds(c.maxIteratorAge), 60, 7 * 24 * 3600, ' seconds');
}

function checkDelivery(v: Validator, d: StreamDeliveryProps): void {
  v.intRange('delivery.bufferingInterval', seconds(d.bufferingInterval), 0, 900, ' seconds');
  v.intRange('delivery.bufferingSizeMiB', d.bufferingSizeMiB, 1, 128, ' MiB');
  const expiration = seconds(d.dataExpiration);
  v.intRange('delivery.dataExpiration', expiration === undefined ? undefined : expiration / 86400, 1, 3650, ' days');
  if (d.columns !== undefined) {
    const entries = Object.entries(d.columns);
    v.check(entries.length > 0, 'delivery.columns', d.columns, 'expected at least one column');
    for (const [name, type] of entries) {
      v.check(COLUMN.test(name), `delivery.columns.${name}`, name, 'expected a column name of letters, digits and "_", not starting with a digit');
      v.check(HIVE_TYPE.test(type), `delivery.columns.${name}`, type, 'expected a Hive type such as string, int, bigint, double, boolean, timestamp, decimal(p,s), array<...>, map<...> or struct<...>');
    }
  }
  if (d.bytesScannedCutoffPerQuery !== undefined && !Token.isUnresolved(d.bytesScannedCutoffPerQuery)) {
    v.check(Number.isInteger(d.bytesScannedCutoffPerQuery) && d.bytesScannedCutoffPerQuery >= MIN_BYTES_SCANNED,
      'delivery.bytesScannedCutoffPerQuery', d.bytesScannedCutoffPerQuery, `expected a whole number of bytes, at least ${MIN_BYTES_SCANNED} (10 MB)`);
  }
}
