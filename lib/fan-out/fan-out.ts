import { Annotations, Aws, Names, RemovalPolicy, Resource } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic } from '../shared/alarms';
import { DEFAULT_REMOVAL_POLICY, keyRemoval } from '../shared/removal';
import { FanOutProps, SubscriberProps, subscriberKey, validateFanOutProps, validateSubscriber } from './fan-out-props';
import { SubscriberQueue, SubscriberQueueProps } from './subscriber-queue';

/** What every subscriber of one fan-out shares, whenever it is added. */
type SharedSettings = Pick<SubscriberQueueProps,
  'topic' | 'fifo' | 'contentBasedDeduplication' | 'key' | 'alarmTopic' | 'logRetention' | 'removalPolicy'>;

/**
 * SNS -> SQS fan-out: one encrypted topic pushes each message to every
 * subscriber queue whose filter matches; the queues keep the messages SNS
 * does not (notes 000, 003, 004). Every queue has dead-letter queues and alarms.
 */
export class FanOut extends Construct {
  readonly topic: sns.Topic;
  /** Subscribers by name, those of the props and those added with {@link addSubscriber}. */
  readonly subscribers: Record<string, SubscriberQueue> = {};
  /** Encrypts the topic and the alarm topic. */
  readonly topicKey: kms.IKey;
  /** Encrypts the queues and the consumers' logs. */
  readonly queueKey: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  private readonly shared: SharedSettings;

  constructor(scope: Construct, id: string, props: FanOutProps) {
    super(scope, id);
    validateFanOutProps(props);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const fifo = props.fifo ?? false;
    // Two keys: SNS delivery to the queues is granted on the queue key for
    // this topic's ARN, which one key shared with the topic would make circular.
    this.topicKey = props.topicKey ?? this.newKey('TopicKey', 'the topic and alarm topic', removalPolicy);
    this.queueKey = props.queueKey ?? this.newKey('QueueKey', 'the queues and consumer logs', removalPolicy);
    this.warnAboutImportedKeys();
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: fifo ? this.fifoTopicName() : undefined,
      masterKey: this.topicKey,
      enforceSSL: true,
      fifo: fifo || undefined,
      contentBasedDeduplication: fifo && props.contentBasedDeduplication ? true : undefined,
    });
    this.alarmTopic = props.alarmTopic ?? new AlarmTopic(this, 'Alarms', { key: this.topicKey, email: props.alarmEmail, removalPolicy }).topic;
    this.shared = {
      topic: this.topic,
      fifo,
      contentBasedDeduplication: props.contentBasedDeduplication ?? false,
      key: this.queueKey,
      alarmTopic: this.alarmTopic,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    };
    for (const subscriber of props.subscribers) this.newSubscriber(subscriber);
  }

  /**
   * Adds a subscriber queue after construction, e.g. from another team's code:
   * it gets its dead-letter queues, alarms, key grants and filter policy on the
   * fan-out's topic, keys and alarm topic exactly as the props' subscribers do.
   * Throws a ConfigError for a bad subscriber or a name already taken.
   */
  addSubscriber(subscriber: SubscriberProps): SubscriberQueue {
    validateSubscriber(subscriber, this.shared.fifo, new Set(Object.keys(this.subscribers).map(subscriberKey)));
    return this.newSubscriber(subscriber);
  }

  private newSubscriber(subscriber: SubscriberProps): SubscriberQueue {
    const queue = new SubscriberQueue(this, pascal(subscriber.name), { ...subscriber, ...this.shared });
    this.subscribers[subscriber.name] = queue;
    return queue;
  }

  /**
   * A FIFO topic's name must end in `.fifo`, so CloudFormation cannot generate
   * it; CDK's own default is a literal from the construct path, which two copies
   * of one app under different stack names in one region would share. The
   * stack's name, resolved at deploy, keeps it unique.
   */
  private fifoTopicName(): string {
    return `${Aws.STACK_NAME}-${Names.uniqueResourceName(this, { maxLength: 100 })}.fifo`;
  }

  private newKey(id: string, what: string, removalPolicy: RemovalPolicy): kms.Key {
    return new kms.Key(this, id, { description: `Encrypts ${what} of ${this.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) });
  }

  /** CDK cannot edit an imported key's policy: say at synth which grants it must already hold. */
  private warnAboutImportedKeys(): void {
    const imported = (key: kms.IKey) => !Resource.isOwnedResource(key);
    if (imported(this.topicKey)) {
      Annotations.of(this).addWarningV2('@aws-reference-architectures/fan-out:importedTopicKey',
        'topicKey is imported: its key policy must allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*, or alarm notifications are dropped.');
    }
    if (imported(this.queueKey)) {
      Annotations.of(this).addWarningV2('@aws-reference-architectures/fan-out:importedQueueKey',
        'queueKey is imported: its key policy must allow sns.amazonaws.com kms:Decrypt and kms:GenerateDataKey (else SNS cannot deliver to the queues) and the regional CloudWatch Logs service (for consumer logs).');
    }
  }
}

/** `order-events` -> `OrderEvents`, for construct ids. */
function pascal(name: string): string {
  return name.split(/[-_]/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}
