import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Validator } from '../shared/validation';
import { checkFilterPolicy, FilterPolicy, FilterPolicyScope } from './filter-policy';

/** A Lambda function that consumes one subscriber queue (the handler in `consumer/`). */
export interface QueueConsumerProps {
  /**
   * Function timeout. The queue's visibility timeout must be at least six times this.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Memory in MB, 128 to 10240.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Messages per invocation, 1 to 10 (partial failures are reported per message).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Most concurrent invocations the queue drives, 2 to 1000.
   * @default 5
   */
  readonly maxConcurrency?: number;
  /**
   * Reserved concurrency of the function; leave unset in small sandbox accounts,
   * whose unreserved minimum is 10.
   * @default none: `maxConcurrency` bounds it
   */
  readonly reservedConcurrency?: number;
}

/** One queue behind the topic, with its own dead-letter queues and alarms. */
export interface SubscriberProps {
  /** Name of the subscriber, e.g. `billing`: letters, digits, `-` and `_`, at most 40. */
  readonly name: string;
  /**
   * Only messages matching this SNS filter policy reach the queue.
   * @default every message
   */
  readonly filterPolicy?: FilterPolicy;
  /**
   * Whether `filterPolicy` applies to message attributes or to the message body.
   * @default 'MessageAttributes'
   */
  readonly filterPolicyScope?: FilterPolicyScope;
  /**
   * Deliver the message as published, without the SNS JSON envelope.
   * @default false
   */
  readonly rawMessageDelivery?: boolean;
  /**
   * Must match the topic's `fifo`; present so that a FIFO/standard mix is caught.
   * @default the topic's `fifo`
   */
  readonly fifo?: boolean;
  /**
   * How long a received message stays hidden from other consumers, 0 to 43200 s.
   * @default 30 s, or six times the consumer's timeout
   */
  readonly visibilityTimeout?: Duration;
  /**
   * How long unconsumed messages are kept, 60 s to 14 days.
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;
  /**
   * Receives before a message moves to the dead-letter queue, 1 to 1000.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Alarm when the oldest message is older than this.
   * @default Duration.minutes(15)
   */
  readonly maxMessageAge?: Duration;
  /**
   * A Lambda consumer for the queue.
   * @default none: another application polls the queue
   */
  readonly consumer?: QueueConsumerProps;
}

/** Props of the {@link FanOut} construct. */
export interface FanOutProps {
  /** The queues behind the topic; at least one, names unique. */
  readonly subscribers: SubscriberProps[];
  /**
   * A FIFO topic with FIFO queues (ordered, exactly-once, limited throughput).
   * @default false
   */
  readonly fifo?: boolean;
  /**
   * FIFO only: deduplicate by a hash of the message body instead of a deduplication id.
   * @default false
   */
  readonly contentBasedDeduplication?: boolean;
  /**
   * Key of the topic and the alarm topic; gets the grant CloudWatch needs.
   * @default a new customer-managed key with rotation
   */
  readonly topicKey?: kms.Key;
  /**
   * Key of the queues and consumer logs; gets the grants SNS and CloudWatch
   * Logs need. Must differ from `topicKey`.
   * @default a new customer-managed key with rotation
   */
  readonly queueKey?: kms.Key;
  /**
   * Topic receiving the alarms.
   * @default a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * E-mail address subscribed to the alarm topic this construct creates.
   * @default none
   */
  readonly alarmEmail?: string;
  /**
   * Retention of the consumers' log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to queues, logs and the key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const NAME = /^[A-Za-z0-9_-]{1,40}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const MAX_VISIBILITY_S = 43200;
const MIN_RETENTION_S = 60;
const MAX_RETENTION_S = 14 * 24 * 3600;

/** Default visibility timeout: 30 s, or six times the consumer's timeout (AWS's guidance). */
export function visibilityTimeoutOf(s: SubscriberProps): Duration {
  if (s.visibilityTimeout) return s.visibilityTimeout;
  const consumerTimeout = s.consumer ? (s.consumer.timeout ?? Duration.seconds(30)).toSeconds() : 0;
  return Duration.seconds(Math.max(30, 6 * consumerTimeout));
}

/** Checks every rule, throwing one ConfigError listing all problems. */
export function validateFanOutProps(props: FanOutProps): void {
  const v = new Validator('FanOut props');
  const fifo = props.fifo ?? false;
  v.check(props.subscribers.length > 0, 'subscribers', props.subscribers, 'expected at least one subscriber queue');
  const seen = new Set<string>();
  props.subscribers.forEach((s, i) => {
    const at = `subscribers[${i}]`;
    v.check(NAME.test(s.name), `${at}.name`, s.name, 'expected 1 to 40 letters, digits, "-" or "_"');
    v.check(!seen.has(s.name.toLowerCase()), `${at}.name`, s.name, 'expected a name no other subscriber has');
    seen.add(s.name.toLowerCase());
    checkSubscriber(v, at, s, fifo);
  });
  v.check(props.topicKey === undefined || props.topicKey !== props.queueKey, 'queueKey', 'the topicKey',
    'expected a key other than topicKey: SNS is granted the queue key for the topic\'s ARN, which one shared key makes a circular dependency');
  v.check(!props.contentBasedDeduplication || fifo, 'contentBasedDeduplication', true, 'applies to FIFO only; set fifo: true or leave it out');
  if (props.alarmEmail !== undefined) v.check(EMAIL.test(props.alarmEmail), 'alarmEmail', props.alarmEmail, 'expected an e-mail address');
  v.check(!(props.alarmEmail && props.alarmTopic), 'alarmEmail', props.alarmEmail, 'subscribe the address to the alarmTopic you pass in, or leave alarmTopic out');
  v.throwIfInvalid();
}

function checkSubscriber(v: Validator, at: string, s: SubscriberProps, fifo: boolean): void {
  if (s.fifo !== undefined) {
    v.check(s.fifo === fifo, `${at}.fifo`, s.fifo, `the topic is ${fifo ? 'FIFO' : 'standard'} (fifo: ${fifo}); SNS ${fifo ? 'FIFO topics deliver only to FIFO queues' : 'standard topics deliver only to standard queues'}`);
  }
  if (s.filterPolicy !== undefined) checkFilterPolicy(v, `${at}.filterPolicy`, s.filterPolicy, s.filterPolicyScope ?? 'MessageAttributes');
  v.oneOf(`${at}.filterPolicyScope`, s.filterPolicyScope, ['MessageAttributes', 'MessageBody']);
  v.intRange(`${at}.maxReceiveCount`, s.maxReceiveCount, 1, 1000);
  v.intRange(`${at}.visibilityTimeout`, s.visibilityTimeout?.toSeconds(), 0, MAX_VISIBILITY_S, ' seconds');
  v.intRange(`${at}.retentionPeriod`, s.retentionPeriod?.toSeconds(), MIN_RETENTION_S, MAX_RETENTION_S, ' seconds (60 s to 14 days)');
  v.intRange(`${at}.maxMessageAge`, s.maxMessageAge?.toSeconds(), 60, MAX_RETENTION_S, ' seconds');
  if (s.consumer) checkConsumer(v, `${at}.consumer`, s);
}

function checkConsumer(v: Validator, at: string, s: SubscriberProps): void {
  const c = s.consumer!;
  const timeout = (c.timeout ?? Duration.seconds(30)).toSeconds();
  v.intRange(`${at}.timeout`, timeout, 1, 900, ' seconds');
  v.intRange(`${at}.memorySize`, c.memorySize, 128, 10240, ' MB');
  v.intRange(`${at}.batchSize`, c.batchSize, 1, 10);
  v.intRange(`${at}.maxConcurrency`, c.maxConcurrency, 2, 1000);
  v.intRange(`${at}.reservedConcurrency`, c.reservedConcurrency, 1, 1000);
  const visibility = visibilityTimeoutOf(s).toSeconds();
  v.check(visibility >= 6 * timeout, `${at}.timeout`, `${timeout} s`,
    `the queue's visibility timeout (${visibility} s) must be at least six times the consumer's timeout (${6 * timeout} s), or messages are redelivered while still being processed`);
}
