import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlarmTopic, alarmAbove } from '../shared/alarms';
import { acknowledge } from '../shared/compliance';
import { DEFAULT_REMOVAL_POLICY, keyRemoval } from '../shared/removal';
import { EventBusProps, EventRouteProps, routeKey, validateEventBusProps, validateRoute } from './event-bus-props';
import { perCreationName } from './per-creation-name';

/** A dead-letter queue keeps messages as long as SQS allows, so none expire before someone looks. */
const DLQ_RETENTION = Duration.days(14);

/** One route: its rule and the queue it delivers to (with the queue's own dead-letter queue). */
export interface EventRoute {
  readonly rule: events.Rule;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * An EventBridge custom bus (notes 003, 004): producers put events on it,
 * rules route each to the queues whose typed pattern it matches. The bus
 * admits this account (or the organization), every target retries within
 * bounds and then drops to a dead-letter queue, every event is archived for
 * replay, and failures are alarmed.
 */
export class EventBus extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  readonly key: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  /** Events EventBridge could not deliver to a route's queue, after its retries. */
  readonly deliveryDeadLetterQueue: sqs.Queue;
  /** Routes by name, those of the props and those added with {@link addRoute}. */
  readonly routes: Record<string, EventRoute> = {};
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: EventBusProps) {
    super(scope, id);
    validateEventBusProps(props);
    this.removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    this.key = props.key ?? new kms.Key(this, 'Key', {
      description: `Encrypts the route and dead-letter queues of ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(this.removalPolicy),
    });
    this.alarmTopic = props.alarmTopic ?? new AlarmTopic(this, 'Alarms', { key: this.key, email: props.alarmEmail, removalPolicy: this.removalPolicy }).topic;
    // A name new with each stack creation; encrypted at rest with an AWS owned key (EventBridge's default).
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: perCreationName(this, 'events', 256), description: `Event bus of ${this.node.path}`.slice(0, 512) });
    this.admit(props.organizationId);
    const retention = props.archiveRetention ?? Duration.days(30);
    this.archive = this.bus.archive('Archive', {
      description: 'Every event of the bus, for replay',
      // Every event, from this account or the organization's: each has a source, and every source starts with "".
      eventPattern: { source: [{ prefix: '' }] as unknown as string[] },
      retention,
    });
    // The archive is the bus's only data: production keeps it with the queues.
    this.archive.applyRemovalPolicy(this.removalPolicy);
    // CDK writes an empty KmsKeyIdentifier without a key, which some regions refuse (aws/aws-cdk#37847):
    // with none, the archive uses an AWS-owned key, as the bus does.
    (this.archive.node.defaultChild as events.CfnArchive).addPropertyDeletionOverride('KmsKeyIdentifier');
    this.allowEventBridgeToEncrypt();
    this.deliveryDeadLetterQueue = this.newQueue('DeliveryDeadLetterQueue', DLQ_RETENTION);
    acknowledge(this.deliveryDeadLetterQueue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the rules\' targets (their DeadLetterConfig), which the rule does not recognise as one.');
    acknowledge(this.deliveryDeadLetterQueue, 'Serverless-SQSRedrivePolicy', 'A dead-letter queue is the end of the line: its messages are kept 14 days, alarmed on arrival and redriven by an operator.');
    alarmAbove(this, 'DeliveryDeadLetterQueueNotEmpty', this.alarmTopic, {
      metric: this.deliveryDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      above: 0,
      description: 'EventBridge could not deliver events to a route\'s queue: they are in the delivery dead-letter queue',
    });
    for (const route of props.routes) this.newRoute(route);
  }

  /**
   * Adds a route after construction: a rule on this bus, its queue with a
   * dead-letter queue, retries and alarms, as the props' routes get.
   * Throws a ConfigError for a bad route or a name already taken.
   */
  addRoute(route: EventRouteProps): EventRoute {
    validateRoute(route, new Set(Object.keys(this.routes).map(routeKey)));
    return this.newRoute(route);
  }

  /** Lets `grantee` put events on the bus. */
  grantPut(grantee: iam.IGrantable): iam.Grant {
    return this.bus.grantPutEventsTo(grantee);
  }

  private newRoute(props: EventRouteProps): EventRoute {
    const scope = new Construct(this, pascal(props.name));
    const deadLetterQueue = this.newQueue('DeadLetterQueue', DLQ_RETENTION, scope);
    acknowledge(deadLetterQueue, 'Serverless-SQSRedrivePolicy', 'A dead-letter queue is the end of the line: its messages are kept 14 days, alarmed on arrival and redriven by an operator.');
    const queue = this.newQueue('Queue', Duration.days(4), scope, { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 });
    const rule = new events.Rule(scope, 'Rule', {
      eventBus: this.bus,
      eventPattern: props.eventPattern,
      description: props.description ?? `Routes matching events to the ${props.name} queue`,
    });
    rule.addTarget(new targets.SqsQueue(queue, {
      deadLetterQueue: this.deliveryDeadLetterQueue,
      retryAttempts: props.retryAttempts ?? 8,
      maxEventAge: props.maxEventAge ?? Duration.hours(24),
    }));
    alarmAbove(scope, 'FailedInvocations', this.alarmTopic, {
      metric: this.ruleMetric(rule, 'FailedInvocations'),
      above: 0,
      description: `${props.name}: EventBridge failed to deliver an event to the queue (retried, then sent to the delivery dead-letter queue)`,
    });
    alarmAbove(scope, 'DeadLetteringFailed', this.alarmTopic, {
      metric: this.ruleMetric(rule, 'InvocationsFailedToBeSentToDlq'),
      above: 0,
      description: `${props.name}: EventBridge could not put an undeliverable event in the delivery dead-letter queue: the event is lost`,
    });
    alarmAbove(scope, 'DeadLetterQueueNotEmpty', this.alarmTopic, {
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      above: 0,
      description: `${props.name}: messages the queue's consumer kept failing on are in its dead-letter queue`,
    });
    const route = { rule, queue, deadLetterQueue };
    this.routes[props.name] = route;
    return route;
  }

  /**
   * A metric of a rule on this bus. A custom bus's rule metrics carry the bus
   * and rule names as dimensions; the rule's name is the last part of its ARN
   * (its Ref is `bus|rule` on a custom bus).
   */
  private ruleMetric(rule: events.Rule, metricName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName,
      dimensionsMap: { EventBusName: this.bus.eventBusName, RuleName: Fn.select(2, Fn.split('/', rule.ruleArn)) },
      period: Duration.minutes(1),
      statistic: 'Sum',
    });
  }

  private newQueue(id: string, retentionPeriod: Duration, scope: Construct = this, deadLetterQueue?: sqs.DeadLetterQueue): sqs.Queue {
    return new sqs.Queue(scope, id, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      receiveMessageWaitTime: Duration.seconds(20),
      retentionPeriod,
      deadLetterQueue,
      removalPolicy: this.removalPolicy,
    });
  }

  /** Only this account may put events, or every account of the organization. */
  private admit(organizationId: string | undefined): void {
    this.bus.addToResourcePolicy(new iam.PolicyStatement(organizationId
      ? {
        sid: 'AdmitTheOrganization', principals: [new iam.AnyPrincipal()], actions: ['events:PutEvents'], resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
      }
      : { sid: 'AdmitThisAccount', principals: [new iam.AccountRootPrincipal()], actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }));
  }

  /**
   * EventBridge writes to the KMS-encrypted queues: the route queues' grants
   * come with their targets; the delivery dead-letter queue needs the same use
   * of the key, for this account's rules only.
   */
  private allowEventBridgeToEncrypt(): void {
    if (!(this.key instanceof kms.Key)) return;
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEventBridgeToDeadLetter',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
  }
}


/** `failed-payments` -> `FailedPayments`, for construct ids. */
function pascal(name: string): string {
  return name.split(/[-_]/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}
