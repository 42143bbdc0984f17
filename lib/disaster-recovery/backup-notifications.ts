import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alarmAbove } from '../shared/alarms';
import { acknowledge } from '../shared/compliance';

/**
 * The AWS Backup job events reported, as EventBridge patterns: backup jobs and
 * copy jobs report `state`, restore jobs (restore tests included) `status`.
 */
export const JOB_FAILURE_PATTERNS: Readonly<Record<string, events.EventPattern>> = {
  BackupJobFailed: { source: ['aws.backup'], detailType: ['Backup Job State Change'], detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] } },
  CopyJobFailed: { source: ['aws.backup'], detailType: ['Copy Job State Change'], detail: { state: ['FAILED'] } },
  RestoreJobFailed: { source: ['aws.backup'], detailType: ['Restore Job State Change'], detail: { status: ['FAILED'] } },
};

/** Props of {@link JobFailureNotifications}. */
export interface JobFailureNotificationsProps {
  /** Where failures go; its key (if any) must let EventBridge use it. */
  readonly topic: sns.ITopic;
  /** Removal policy of the dead-letter queue. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * EventBridge rules that send every failed (aborted, expired) backup job,
 * failed copy job and failed restore job of this account and region to a
 * topic. An event the topic refuses waits in a dead-letter queue, whose
 * alarm notifies the same topic (and shows in CloudWatch when it cannot).
 */
export class JobFailureNotifications extends Construct {
  readonly rules: events.Rule[];
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: JobFailureNotificationsProps) {
    super(scope, id);
    // SQS-managed encryption: EventBridge can write to it without a key-policy grant.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14), removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the job-failure rules\' targets, which the rule does not recognise as one.');
    acknowledge(this.deadLetterQueue, 'Serverless-SQSRedrivePolicy', 'A dead-letter queue is the end of the line: undelivered job failures wait here 14 days for an operator.');
    this.rules = Object.entries(JOB_FAILURE_PATTERNS).map(([name, eventPattern]) => new events.Rule(this, name, {
      description: `AWS Backup: ${name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}, to the alarm topic`,
      eventPattern,
      targets: [new RuleScopedTopic(props.topic, this.deadLetterQueue)],
    }));
    alarmAbove(this, 'Undelivered', props.topic, {
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      above: 0,
      description: 'AWS Backup job failures could not be delivered to the alarm topic; they wait in the job-failure dead-letter queue',
    });
  }
}

/**
 * A topic target EventBridge may publish to for this rule only (the topic
 * policy's statement names the rule's ARN; aws-events-targets' SnsTopic grants
 * every rule of any account).
 */
class RuleScopedTopic implements events.IRuleTarget {
  constructor(private readonly topic: sns.ITopic, private readonly deadLetterQueue: sqs.IQueue) {}

  bind(rule: events.IRule): events.RuleTargetConfig {
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
    }));
    targets.addToDeadLetterQueueResourcePolicy(rule, this.deadLetterQueue);
    return { ...targets.bindBaseTargetConfig({ deadLetterQueue: this.deadLetterQueue }), arn: this.topic.topicArn, targetResource: this.topic };
  }
}
