import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * An SNS topic target that EventBridge may publish to for this rule only: the
 * topic policy's statement is conditioned on the rule's ARN (aws-events-targets'
 * SnsTopic grants every EventBridge rule of any account, and adds an
 * unconditioned statement to the topic key's policy beside ours). What the
 * topic refuses waits in `deadLetterQueue`.
 */
export class RuleScopedTopic implements events.IRuleTarget {
  constructor(private readonly topic: sns.ITopic, private readonly deadLetterQueue: sqs.IQueue) {}

  bind(rule: Parameters<events.IRuleTarget['bind']>[0]): events.RuleTargetConfig {
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleRef.ruleArn } },
    }));
    targets.addToDeadLetterQueueResourcePolicy(rule, this.deadLetterQueue);
    return { ...targets.bindBaseTargetConfig({ deadLetterQueue: this.deadLetterQueue }), arn: this.topic.topicArn, targetResource: this.topic };
  }
}
