import { ArnFormat, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './compliance';
import { DEFAULT_REMOVAL_POLICY } from './removal';

/** What one alarm watches. */
export interface AlarmSpec {
  readonly metric: cloudwatch.IMetric;
  /** The alarm fires when the metric is above this. */
  readonly above: number;
  readonly description: string;
  /** Consecutive periods above the threshold. @default 1 */
  readonly periods?: number;
}

/**
 * An alarm that fires when a metric is above a threshold, notifying `topic`
 * on alarm and on recovery. Missing data (no traffic) is not a breach.
 */
export function alarmAbove(scope: Construct, id: string, topic: sns.ITopic, spec: AlarmSpec): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    metric: spec.metric,
    threshold: spec.above,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: spec.periods ?? 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: spec.description,
  });
  alarm.addAlarmAction(new actions.SnsAction(topic));
  alarm.addOkAction(new actions.SnsAction(topic));
  return alarm;
}

/** Props of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /**
   * Key the topic is encrypted with; CloudWatch is granted its use (an imported
   * key's policy cannot be changed here and must grant it already).
   */
  readonly key: kms.IKey;
  /** E-mail address to subscribe. @default none */
  readonly email?: string;
  /**
   * What happens to the e-mail dead-letter queue on stack deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The operations topic alarms are sent to: KMS-encrypted, TLS-only, with the
 * topic-policy and key-policy grants CloudWatch needs to publish to it.
 * A topic policy replaces SNS's default one, so without the allow CloudWatch
 * is "not authorized to perform SNS:Publish"; without the key grant, alarm
 * notifications to an encrypted topic are silently dropped. Publishers with an
 * IAM identity of the account (Auto Scaling's service-linked role) need no
 * statement here; a service principal (EventBridge) is allowed by its target.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { masterKey: props.key, enforceSSL: true, displayName: 'Alarms' });
    this.allowCloudWatchAlarmsToPublish();
    props.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: `AllowCloudWatchAlarmsToPublish${Names.uniqueId(this)}`.slice(0, 128),
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
    if (props.email) this.subscribeEmail(props.email, props.removalPolicy ?? DEFAULT_REMOVAL_POLICY);
  }

  /** Alarms of this account and region only, so no other account's alarm can post here (confused deputy). */
  private allowCloudWatchAlarmsToPublish(): void {
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }));
  }

  /** E-mail delivery with a dead-letter queue, so a bouncing address loses no alarm silently. */
  private subscribeEmail(email: string, removalPolicy: RemovalPolicy): void {
    // SQS-managed encryption: SNS can write to it without a key-policy grant.
    const deadLetterQueue = new sqs.Queue(this, 'EmailDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    acknowledge(deadLetterQueue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the alarm e-mail subscription, which the rule does not recognise as one.');
    acknowledge(deadLetterQueue, 'Serverless-SQSRedrivePolicy', 'A dead-letter queue is the end of the line: undeliverable alarm e-mails wait here 14 days for an operator.');
    this.topic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue }));
  }
}
