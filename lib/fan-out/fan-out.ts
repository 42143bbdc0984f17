import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic } from '../shared/alarms';
import { DEFAULT_REMOVAL_POLICY, keyRemoval } from '../shared/removal';
import { FanOutProps, validateFanOutProps } from './fan-out-props';
import { SubscriberQueue } from './subscriber-queue';

/**
 * SNS -> SQS fan-out: one encrypted topic pushes each message to every
 * subscriber queue whose filter matches; the queues keep the messages SNS
 * does not (notes 000, 003, 004). Every queue has dead-letter queues and alarms.
 */
export class FanOut extends Construct {
  readonly topic: sns.Topic;
  /** Subscribers by name. */
  readonly subscribers: Record<string, SubscriberQueue> = {};
  /** Encrypts the topic and the alarm topic. */
  readonly topicKey: kms.Key;
  /** Encrypts the queues and the consumers' logs. */
  readonly queueKey: kms.Key;
  readonly alarmTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: FanOutProps) {
    super(scope, id);
    validateFanOutProps(props);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const fifo = props.fifo ?? false;
    // Two keys: SNS delivery to the queues is granted on the queue key for
    // this topic's ARN, which one key shared with the topic would make circular.
    this.topicKey = props.topicKey ?? this.newKey('TopicKey', 'the topic and alarm topic', removalPolicy);
    this.queueKey = props.queueKey ?? this.newKey('QueueKey', 'the queues and consumer logs', removalPolicy);
    this.topic = new sns.Topic(this, 'Topic', {
      masterKey: this.topicKey,
      enforceSSL: true,
      fifo: fifo || undefined,
      contentBasedDeduplication: fifo && props.contentBasedDeduplication ? true : undefined,
    });
    this.alarmTopic = props.alarmTopic ?? new AlarmTopic(this, 'Alarms', { key: this.topicKey, email: props.alarmEmail, removalPolicy }).topic;
    for (const subscriber of props.subscribers) {
      this.subscribers[subscriber.name] = new SubscriberQueue(this, pascal(subscriber.name), {
        ...subscriber,
        topic: this.topic,
        fifo,
        contentBasedDeduplication: props.contentBasedDeduplication ?? false,
        key: this.queueKey,
        alarmTopic: this.alarmTopic,
        logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        removalPolicy,
      });
    }
  }

  private newKey(id: string, what: string, removalPolicy: RemovalPolicy): kms.Key {
    return new kms.Key(this, id, { description: `Encrypts ${what} of ${this.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) });
  }
}

/** `order-events` -> `OrderEvents`, for construct ids. */
function pascal(name: string): string {
  return name.split(/[-_]/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}
