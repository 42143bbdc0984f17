import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alarmAbove } from '../shared/alarms';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import { HardenedFunction } from '../shared/hardened-function';
import { SubscriberProps, visibilityTimeoutOf } from './fan-out-props';
import { attributeFilters, bodyFilters } from './filter-policy';

/** A dead-letter queue keeps messages as long as SQS allows, so none expire before someone looks. */
const DLQ_RETENTION = Duration.days(14);

/** What every subscriber of one fan-out shares. */
export interface SubscriberQueueProps extends SubscriberProps {
  readonly topic: sns.ITopic;
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  readonly key: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * One subscriber: its queue (with a dead-letter queue for messages consumers
 * keep failing on), its subscription (with a dead-letter queue for messages
 * SNS could not deliver), alarms on both dead-letter queues and on message
 * age, and an optional Lambda consumer.
 */
export class SubscriberQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly deliveryDeadLetterQueue: sqs.Queue;
  readonly consumer?: HardenedFunction;

  constructor(scope: Construct, id: string, props: SubscriberQueueProps) {
    super(scope, id);
    this.deadLetterQueue = this.newQueue('DeadLetterQueue', props, { retentionPeriod: DLQ_RETENTION });
    this.queue = this.newQueue('Queue', props, {
      visibilityTimeout: visibilityTimeoutOf(props),
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
    this.deliveryDeadLetterQueue = this.newQueue('DeliveryDeadLetterQueue', props, { retentionPeriod: DLQ_RETENTION });
    acknowledge(this.deliveryDeadLetterQueue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the SNS subscription (its redrive policy), which the rule does not recognise as one.');
    for (const dlq of [this.deadLetterQueue, this.deliveryDeadLetterQueue]) {
      acknowledge(dlq, 'Serverless-SQSRedrivePolicy', 'A dead-letter queue is the end of the line: its messages are kept 14 days, alarmed on arrival and redriven by an operator, not sent to yet another queue.');
    }
    this.subscribe(props);
    this.addAlarms(props);
    if (props.consumer) this.consumer = this.addConsumer(props);
  }

  private newQueue(id: string, props: SubscriberQueueProps, extra: Partial<sqs.QueueProps>): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      receiveMessageWaitTime: Duration.seconds(20),
      fifo: props.fifo ? true : undefined,
      contentBasedDeduplication: props.fifo && props.contentBasedDeduplication ? true : undefined,
      removalPolicy: props.removalPolicy,
      ...extra,
    });
    return queue;
  }

  private subscribe(props: SubscriberQueueProps): void {
    const onBody = props.filterPolicyScope === 'MessageBody';
    props.topic.addSubscription(new subscriptions.SqsSubscription(this.queue, {
      rawMessageDelivery: props.rawMessageDelivery ?? false,
      deadLetterQueue: this.deliveryDeadLetterQueue,
      filterPolicy: props.filterPolicy && !onBody ? attributeFilters(props.filterPolicy) : undefined,
      filterPolicyWithMessageBody: props.filterPolicy && onBody ? bodyFilters(props.filterPolicy) : undefined,
    }));
  }

  private addAlarms(props: SubscriberQueueProps): void {
    const dlqs = { DeadLetterQueue: this.deadLetterQueue, DeliveryDeadLetterQueue: this.deliveryDeadLetterQueue };
    for (const [name, dlq] of Object.entries(dlqs)) {
      alarmAbove(this, `${name}NotEmpty`, props.alarmTopic, {
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        above: 0,
        description: `${props.name}: messages in the ${name === 'DeadLetterQueue' ? 'consumer' : 'SNS delivery'} dead-letter queue`,
      });
    }
    const maxAge = props.maxMessageAge ?? Duration.minutes(15);
    alarmAbove(this, 'OldestMessageTooOld', props.alarmTopic, {
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      above: maxAge.toSeconds(),
      periods: 5,
      description: `${props.name}: oldest message older than ${maxAge.toSeconds()} s; consumers are not keeping up`,
    });
  }

  private addConsumer(props: SubscriberQueueProps): HardenedFunction {
    const c = props.consumer!;
    const consumer = new HardenedFunction(this, 'Consumer', {
      entry: path.join(__dirname, 'consumer', 'handler.ts'),
      description: `Consumes the ${props.name} queue of the fan-out`,
      timeout: c.timeout ?? Duration.seconds(30),
      memorySize: c.memorySize ?? 256,
      encryptionKey: props.key,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      environment: { SUBSCRIBER_NAME: props.name },
      reservedConcurrentExecutions: c.reservedConcurrency,
    });
    const maxConcurrency = c.maxConcurrency ?? 5;
    consumer.function.addEventSource(new eventSources.SqsEventSource(this.queue, {
      batchSize: c.batchSize ?? 10,
      reportBatchItemFailures: true,
      maxConcurrency,
    }));
    alarmAbove(this, 'ConsumerErrors', props.alarmTopic, {
      metric: consumer.function.metricErrors({ period: Duration.minutes(1) }),
      above: 0,
      description: `${props.name}: the consumer function failed`,
    });
    this.acknowledgeConsumer(consumer, c.reservedConcurrency === undefined ? maxConcurrency : undefined);
    return consumer;
  }

  private acknowledgeConsumer(consumer: HardenedFunction, boundedBy?: number): void {
    const fn = consumer.function;
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(fn, `${pack}-LambdaDLQ`, 'The function is invoked synchronously by its SQS event source; failed messages go to the queue\'s dead-letter queue, not to a function DLQ.');
      acknowledge(fn, `${pack}-LambdaInsideVPC`, 'The consumer reaches only regional AWS endpoints (SQS, KMS, CloudWatch) and no VPC resource; a VPC would add NAT cost and nothing else.');
      if (boundedBy !== undefined) {
        acknowledge(fn, `${pack}-LambdaConcurrency`, `Concurrency is bounded by the SQS event source's maximum concurrency (${boundedBy}), which does not eat into the account's unreserved pool as reserved concurrency would.`);
      }
    }
    const mapping = fn.node.children.find((c) => c.node.id.startsWith('SqsEventSource'));
    if (mapping) acknowledge(mapping, 'Serverless-LambdaEventSourceMappingDestination', 'SQS event sources take no on-failure destination: the queue\'s redrive policy moves a failing message to its dead-letter queue after maxReceiveCount receives.');
    acknowledge(fn, 'Serverless-LambdaDLQ', 'The function is invoked synchronously by its SQS event source; failed messages go to the queue\'s dead-letter queue.');
  }
}
