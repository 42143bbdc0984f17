import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alarmAbove, AlarmTopic } from '../shared/alarms';
import { acknowledge } from '../shared/compliance';
import { keyRemoval } from '../shared/removal';
import { RuleScopedTopic } from '../shared/rule-scoped-topic';

/**
 * The AWS Backup job events reported, as EventBridge patterns, for one plan's
 * jobs only (AWS Backup's EventBridge events, devguide eventbridge.html): backup
 * jobs carry `backupVaultArn` (the vault the point goes to) and `state`; copy jobs
 * `sourceBackupVaultArn` and `state`; restore jobs (restore tests included)
 * `iamRoleArn` (the role they restore with) and `status`. Another plan of the same
 * account and region (another stage) has another vault and role, so its failures
 * are not reported here.
 */
export function jobFailurePatterns(vaultArn: string, roleArn: string): Record<string, events.EventPattern> {
  return {
    BackupJobFailed: { source: ['aws.backup'], detailType: ['Backup Job State Change'], detail: { backupVaultArn: [vaultArn], state: ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'] } },
    CopyJobFailed: { source: ['aws.backup'], detailType: ['Copy Job State Change'], detail: { sourceBackupVaultArn: [vaultArn], state: ['FAILED', 'PARTIAL'] } },
    RestoreJobFailed: { source: ['aws.backup'], detailType: ['Restore Job State Change'], detail: { iamRoleArn: [roleArn], status: ['FAILED', 'ABORTED'] } },
  };
}

/** Props of {@link JobFailureNotifications}. */
export interface JobFailureNotificationsProps {
  /** Where failures go; its key (if any) must let EventBridge use it. */
  readonly topic: sns.ITopic;
  /** The plan's vault: only its backup jobs, and copy jobs out of it, are reported. */
  readonly vaultArn: string;
  /** The role the plan restores (and restore-tests) with: only its restore jobs are reported. */
  readonly roleArn: string;
  /**
   * Where the alarm on undelivered job failures goes: not `topic`, whose delivery failed.
   * @default a new topic, encrypted with a key of its own, `alarmEmail` subscribed
   */
  readonly undeliveredTopic?: sns.ITopic;
  /** E-mail subscribed to the new undelivered-failures topic. @default none */
  readonly alarmEmail?: string;
  /** Removal policy of the dead-letter queue (and of the new topic's key and subscription). @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * EventBridge rules that send every failed (aborted, expired) backup job
 * into one vault, failed copy job out of it and failed restore job run with one
 * role to a topic. An event the topic refuses waits in a dead-letter queue, whose
 * alarm notifies a topic of its own, encrypted with a key of its own: a broken
 * alarm topic or key (the reason the event waits) cannot silence it.
 */
export class JobFailureNotifications extends Construct {
  readonly rules: events.Rule[];
  readonly deadLetterQueue: sqs.Queue;
  /** Where the alarm on undelivered failures goes. */
  readonly undeliveredTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: JobFailureNotificationsProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // SQS-managed encryption: EventBridge can write to it without a key-policy grant.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14), removalPolicy,
    });
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the job-failure rules\' targets, which the rule does not recognise as one.');
    acknowledge(this.deadLetterQueue, 'Serverless-SQSRedrivePolicy', 'A dead-letter queue is the end of the line: undelivered job failures wait here 14 days for an operator.');
    this.rules = Object.entries(jobFailurePatterns(props.vaultArn, props.roleArn)).map(([name, eventPattern]) => new events.Rule(this, name, {
      description: `AWS Backup: ${name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}, to the alarm topic`,
      eventPattern,
      targets: [new RuleScopedTopic(props.topic, this.deadLetterQueue)],
    }));
    this.undeliveredTopic = props.undeliveredTopic ?? new AlarmTopic(this, 'UndeliveredTopic', {
      key: new kms.Key(this, 'UndeliveredKey', { description: `Encrypts the undelivered job-failures topic of ${this.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) }),
      email: props.alarmEmail,
      removalPolicy,
    }).topic;
    alarmAbove(this, 'Undelivered', this.undeliveredTopic, {
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      above: 0,
      description: 'AWS Backup job failures could not be delivered to the alarm topic; they wait in the job-failure dead-letter queue',
    });
  }
}
