import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { backupFailuresReachSomeone } from '../../smoke/checks/disaster-recovery';
import { testContext } from './fixtures';

const sns = mockClient(SNSClient);
afterEach(() => sns.reset());
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:Sandbox-DisasterRecovery-Alarms';

describe('disaster recovery smoke check', () => {
  test('passes when the backup alarm topic has a confirmed subscription, asking about that topic', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ SubscriptionArn: `${TOPIC}:1`, Protocol: 'email', Endpoint: 'ops@example.com' }] });
    expect(await backupFailuresReachSomeone.run(testContext(), { BackupAlarmTopicArn: TOPIC })).toEqual({ status: 'pass', detail: `email ops@example.com subscribed to ${TOPIC}` });
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand)[0].args[0].input).toEqual({ TopicArn: TOPIC });
  });

  test('fails when the only subscription is not confirmed, naming the address', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'ops@example.com' }] });
    expect(await backupFailuresReachSomeone.run(testContext(), { BackupAlarmTopicArn: TOPIC }))
      .toEqual({ status: 'fail', detail: `no confirmed subscription on ${TOPIC}: confirm the e-mail AWS sent to ops@example.com` });
  });

  test('is skipped when the stage subscribed nobody', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] });
    expect((await backupFailuresReachSomeone.run(testContext(), { BackupAlarmTopicArn: TOPIC })).status).toBe('skip');
  });
});
