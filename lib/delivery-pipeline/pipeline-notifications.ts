import { RemovalPolicy } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as notifications from 'aws-cdk-lib/aws-codestarnotifications';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { AlarmTopic } from '../shared/alarms';
import { keyRemoval } from '../shared/removal';

/** Props of {@link PipelineNotifications}. */
export interface PipelineNotificationsProps {
  /** E-mail address subscribed to the topic. */
  readonly email?: string;
  /**
   * A topic of your own (in the tools account and region) instead of a new one.
   * Its policy must let `codestar-notifications.amazonaws.com` publish (and its key, if encrypted, be used by it).
   */
  readonly existingTopic?: sns.ITopic;
  /** What happens to the topic's key on stack deletion. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Events people must hear about: a failed run (a failed build, deploy, smoke
 * check or Production verification fails its stage and the run), and, through
 * the approval action itself, an approval waiting.
 */
export const PIPELINE_FAILURE_EVENTS = [
  'codepipeline-pipeline-pipeline-execution-failed',
  'codepipeline-pipeline-stage-execution-failed',
  'codepipeline-pipeline-manual-approval-failed',
];

/**
 * The pipeline's notification topic (an {@link AlarmTopic}: TLS only, e-mail
 * with a dead-letter queue), encrypted with a key of its own that CodeStar
 * Notifications may use (it cannot use the AWS-managed SNS key), and a
 * notification rule for failed runs and stages.
 */
export class PipelineNotifications extends Construct {
  /** The topic: approval requests and failures. */
  readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: PipelineNotificationsProps) {
    super(scope, id);
    if (props.existingTopic) {
      this.topic = props.existingTopic;
      if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    } else {
      this.topic = new AlarmTopic(this, 'Alarms', { key: this.newKey(props.removalPolicy), email: props.email, removalPolicy: props.removalPolicy }).topic;
    }
  }

  /** Notifies the topic of the pipeline's failures. */
  watch(pipeline: codepipeline.IPipeline): notifications.NotificationRule {
    return new notifications.NotificationRule(this, 'Failures', {
      source: pipeline,
      events: PIPELINE_FAILURE_EVENTS,
      targets: [this.topic],
      detailType: notifications.DetailType.FULL,
    });
  }

  /** The topic's key; the notification rule's target grants CodeStar Notifications its use (`watch`). */
  private newKey(removalPolicy: RemovalPolicy): kms.Key {
    return new kms.Key(this, 'Key', {
      description: `Encrypts the notifications of ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(removalPolicy),
    });
  }
}
