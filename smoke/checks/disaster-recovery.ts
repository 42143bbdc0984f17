import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { fail, pass, skip, SmokeCheck } from '../types';

/**
 * Failed backup, copy and restore jobs reach someone: the stage's backup alarm
 * topic has a confirmed subscription (skipped when the stage was deployed
 * without an alarm e-mail, which subscribes nobody).
 */
export const backupFailuresReachSomeone: SmokeCheck = {
  architecture: 'DisasterRecovery',
  name: 'failed backup, copy and restore jobs reach a subscriber',
  readOnly: true,
  async run(ctx, outputs) {
    const { Subscriptions = [] } = await ctx.clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: outputs.BackupAlarmTopicArn }));
    if (Subscriptions.length === 0) return skip(`${outputs.BackupAlarmTopicArn} has no subscription: the stage was deployed without alarmEmail`);
    const confirmed = Subscriptions.filter((s) => s.SubscriptionArn && s.SubscriptionArn !== 'PendingConfirmation');
    if (confirmed.length === 0) return fail(`no confirmed subscription on ${outputs.BackupAlarmTopicArn}: confirm the e-mail AWS sent to ${Subscriptions.map((s) => s.Endpoint).join(', ')}`);
    return pass(`${confirmed.map((s) => `${s.Protocol} ${s.Endpoint}`).join(', ')} subscribed to ${outputs.BackupAlarmTopicArn}`);
  },
};
