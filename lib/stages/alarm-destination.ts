import { IAspect, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';

/**
 * Sends every alarm of a stage that notifies an SNS topic to one topic of the
 * user's as well (`alarmTopicArn`), on alarm and, where the alarm notifies on
 * recovery, on OK. Alarms that act on something else (scaling policies) are
 * left alone, and so are alarms outside the topic's region (CloudWatch notifies topics of its own
 * region only: they keep their own topics). Applied to the stage, it covers every architecture's alarms
 * without each of them taking the topic as a prop.
 */
export class AlarmDestination implements IAspect {
  constructor(private readonly topicArn: string) {}

  visit(node: IConstruct): void {
    if (!(node instanceof cloudwatch.CfnAlarm)) return;
    const stack = Stack.of(node);
    // An alarm notifies topics of its own region only: a stack elsewhere (the Domain's us-east-1, a standby region) keeps its own topics.
    const topicRegion = this.topicArn.split(':')[3];
    if (!Token.isUnresolved(stack.region) && !Token.isUnresolved(this.topicArn) && topicRegion && stack.region !== topicRegion) return;
    const alarmActions = node.alarmActions;
    const okActions = node.okActions;
    // An L2 alarm's actions are a lazy list: resolved, then extended, when the template is written.
    const resolved = (actions: string[] | undefined): unknown[] => [stack.resolve(actions) ?? []].flat();
    const notifiesTopic = (actions: string[] | undefined) => resolved(actions).some((action) => isTopic(stack, action));
    if (!notifiesTopic(alarmActions)) return;
    const withTopic = (actions: string[] | undefined) => Lazy.list({ produce: () => {
      const current = resolved(actions);
      return (current.includes(this.topicArn) ? current : [...current, this.topicArn]) as string[];
    } });
    node.alarmActions = withTopic(alarmActions);
    if (notifiesTopic(okActions)) node.okActions = withTopic(okActions);
  }
}

/** Whether a resolved alarm action is an SNS topic: a topic ARN, or a reference to a topic of the stack. */
function isTopic(stack: Stack, action: unknown): boolean {
  if (typeof action === 'string') return action.split(':')[2] === 'sns';
  const ref = (action as { Ref?: string } | undefined)?.Ref;
  const target = ref ? stack.node.findAll().find((c) => c instanceof sns.CfnTopic && stack.getLogicalId(c) === ref) : undefined;
  return target !== undefined;
}
