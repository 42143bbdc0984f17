import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic } from '../shared/alarms';
import { allowCloudWatchLogs } from '../shared/encrypted-log-group';
import { DEFAULT_REMOVAL_POLICY, keyRemoval } from '../shared/removal';
import { EMAIL, Validator } from '../shared/validation';
import { EventBus } from './event-bus';
import { EventBusProps } from './event-bus-props';
import { EventStream } from './event-stream';
import { EventStreamProps } from './event-stream-props';

/** What the stream and the bus share, set once for both. */
type Shared = 'key' | 'alarmTopic' | 'alarmEmail' | 'removalPolicy' | 'logRetention';

/** Props of the {@link Streaming} construct. */
export interface StreamingProps {
  /**
   * The stream, its consumer and its delivery to S3.
   * @default the EventStream defaults (one shard, 24 hours)
   */
  readonly stream?: Omit<EventStreamProps, Shared>;
  /** The bus and its routes. */
  readonly bus: Omit<EventBusProps, Shared>;
  /**
   * E-mail address subscribed to the alarm topic; may be a token.
   * @default none
   */
  readonly alarmEmail?: string;
  /**
   * Retention of the log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the buckets, queues, logs and key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Streaming and events (notes 003, 004): an {@link EventStream} (Kinesis Data
 * Stream, Lambda consumer, Firehose to S3, Glue and Athena) and an
 * {@link EventBus} (EventBridge custom bus, routes to queues, archive), sharing
 * one customer-managed key and one alarm topic.
 */
export class Streaming extends Construct {
  readonly stream: EventStream;
  readonly bus: EventBus;
  readonly key: kms.Key;
  readonly alarmTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: StreamingProps) {
    super(scope, id);
    if (props.alarmEmail !== undefined && !Token.isUnresolved(props.alarmEmail)) {
      new Validator('Streaming props').check(EMAIL.test(props.alarmEmail), 'alarmEmail', props.alarmEmail, 'expected an e-mail address').throwIfInvalid();
    }
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the stream, bucket, queues, logs and alarm topic of ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(removalPolicy),
    });
    allowCloudWatchLogs(this.key);
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { key: this.key, email: props.alarmEmail, removalPolicy }).topic;
    const shared = { key: this.key, alarmTopic: this.alarmTopic, removalPolicy };
    this.stream = new EventStream(this, 'Stream', { ...props.stream, ...shared, logRetention: props.logRetention });
    this.bus = new EventBus(this, 'Bus', { ...props.bus, ...shared });
  }
}
