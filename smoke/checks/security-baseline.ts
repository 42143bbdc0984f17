import { SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { fail, pass, skip, SmokeCheck, SmokeContext } from '../types';

// CloudTrail, Config, GuardDuty and CloudWatch are called through their HTTP
// APIs, signed with the caller's credentials: their SDK clients are not
// dependencies of this project.

/** Calls an AWS JSON 1.1 API (CloudTrail, Config) and returns the parsed answer. */
export async function awsJson(ctx: SmokeContext, service: string, target: string, body: unknown): Promise<any> {
  const url = `https://${service}.${ctx.region}.amazonaws.com/`;
  const init = { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body: JSON.stringify(body) };
  const response = await ctx.http.request(url, await ctx.signer(service)(url, init));
  if (response.status !== 200) throw new Error(`${target} answered ${response.status}: ${response.body.slice(0, 200)}`);
  return JSON.parse(response.body);
}

/** The trail is logging and has delivered to S3 and CloudWatch Logs without error. */
export const trailDelivering: SmokeCheck = {
  architecture: 'SecurityBaseline',
  name: 'the trail is logging and delivering to S3 and CloudWatch Logs',
  readOnly: true,
  async run(ctx, outputs) {
    if (!outputs.TrailArn) return skip('the account\'s trail is in its home region (homeRegion), not in this stack');
    const status = await awsJson(ctx, 'cloudtrail', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrailStatus', { Name: outputs.TrailArn });
    if (!status.IsLogging) return fail(`${outputs.TrailArn} is not logging`);
    const errors = [status.LatestDeliveryError && `S3: ${status.LatestDeliveryError}`, status.LatestCloudWatchLogsDeliveryError && `CloudWatch Logs: ${status.LatestCloudWatchLogsDeliveryError}`].filter(Boolean);
    if (errors.length > 0) return fail(`delivery failed (${errors.join('; ')})`);
    if (!status.LatestDeliveryTime || !status.LatestCloudWatchLogsDeliveryTime) {
      return skip('logging, but nothing delivered yet: a new trail delivers its first files within about 15 minutes; run again');
    }
    return pass(`logging; last delivered to S3 at ${iso(status.LatestDeliveryTime)}, to CloudWatch Logs at ${iso(status.LatestCloudWatchLogsDeliveryTime)}`);
  },
};

/** The Config recorder is recording with AWS Config's service-linked role (Security Hub's Config.1), and its last delivery succeeded. */
export const recorderRecording: SmokeCheck = {
  architecture: 'SecurityBaseline',
  name: 'the AWS Config recorder is recording',
  readOnly: true,
  async run(ctx, outputs) {
    if (!outputs.ConfigRecorderName) return skip('the stack creates no recorder (configRecorder: false)');
    const { ConfigurationRecordersStatus = [] } = await awsJson(ctx, 'config', 'StarlingDoveService.DescribeConfigurationRecorderStatus',
      { ConfigurationRecorderNames: [outputs.ConfigRecorderName] });
    const status = ConfigurationRecordersStatus[0];
    if (!status?.recording) return fail(`recorder ${outputs.ConfigRecorderName} is not recording`);
    if (status.lastStatus === 'FAILURE') return fail(`recorder ${outputs.ConfigRecorderName}: ${status.lastErrorCode}: ${status.lastErrorMessage}`);
    const { ConfigurationRecorders = [] } = await awsJson(ctx, 'config', 'StarlingDoveService.DescribeConfigurationRecorders',
      { ConfigurationRecorderNames: [outputs.ConfigRecorderName] });
    const role = String(ConfigurationRecorders[0]?.roleARN ?? '');
    if (!role.endsWith(':role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig')) {
      return fail(`recorder ${outputs.ConfigRecorderName} records with ${role || 'no role'}, not AWS Config's service-linked role (Security Hub Config.1 fails)`);
    }
    return pass(`recorder ${outputs.ConfigRecorderName} is recording with the service-linked role (last status ${status.lastStatus})`);
  },
};

/** The GuardDuty detector is enabled, with S3 protection. */
export const detectorEnabled: SmokeCheck = {
  architecture: 'SecurityBaseline',
  name: 'the GuardDuty detector is enabled with S3 protection',
  readOnly: true,
  async run(ctx, outputs) {
    if (!outputs.DetectorId) return skip('the stack creates no detector (guardDuty: false)');
    const url = `https://guardduty.${ctx.region}.amazonaws.com/detector/${outputs.DetectorId}`;
    const response = await ctx.http.request(url, await ctx.signer('guardduty')(url, { method: 'GET' }));
    if (response.status !== 200) return fail(`GetDetector ${outputs.DetectorId} answered ${response.status}: ${response.body.slice(0, 200)}`);
    const detector = JSON.parse(response.body);
    const s3 = (detector.features ?? []).find((f: { name: string }) => f.name === 'S3_DATA_EVENTS');
    if (detector.status !== 'ENABLED') return fail(`detector ${outputs.DetectorId} is ${detector.status}`);
    if (s3?.status !== 'ENABLED') return fail(`detector ${outputs.DetectorId} is enabled, S3 protection is ${s3?.status ?? 'absent'}`);
    // The paid plans on, so an operator sees what is billed (none unless guardDutyProtection asked for them).
    const paid = (detector.features ?? []).filter((f: { name: string; status: string }) => f.name !== 'S3_DATA_EVENTS' && f.status === 'ENABLED').map((f: { name: string }) => f.name);
    return pass(`detector ${outputs.DetectorId} ENABLED, S3 protection ENABLED, other protection plans on: ${paid.length > 0 ? paid.join(', ') : 'none'}`);
  },
};

/**
 * Sets one CIS alarm to ALARM by hand (CloudWatch's SetAlarmState) and waits
 * for its notification in a temporary queue subscribed to the alarm topic:
 * proof that CloudWatch can publish to the encrypted topic and the topic
 * delivers. The alarm returns to OK at its next evaluation; the queue and
 * subscription are removed.
 */
export const alarmReachesSubscribers: SmokeCheck = {
  architecture: 'SecurityBaseline',
  name: 'a test alarm reaches the alarm topic\'s subscribers',
  async run(ctx, outputs) {
    if (!outputs.RootAccountUseAlarmName) return skip('the stack has no CIS alarms (cisAlarms: false, or they are in the account\'s home region)');
    const { QueueUrl } = await ctx.clients.sqs.send(new CreateQueueCommand({
      QueueName: `smoke-alarms-${ctx.runId}`.slice(0, 80),
      Attributes: { SqsManagedSseEnabled: 'true', Policy: queuePolicy(outputs.AlarmTopicArn, ctx.region) },
    }));
    let subscriptionArn: string | undefined;
    try {
      const { Attributes = {} } = await ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      ({ SubscriptionArn: subscriptionArn } = await ctx.clients.sns.send(new SubscribeCommand({
        TopicArn: outputs.AlarmTopicArn, Protocol: 'sqs', Endpoint: Attributes.QueueArn, ReturnSubscriptionArn: true,
      })));
      await setAlarmState(ctx, outputs.RootAccountUseAlarmName, `Smoke test ${ctx.runId}: not a real root sign-in`);
      const arrived = await awaitNotification(ctx, QueueUrl!, outputs.RootAccountUseAlarmName);
      return arrived ? pass(`the ${outputs.RootAccountUseAlarmName} notification arrived through ${outputs.AlarmTopicArn}`)
        : fail(`no notification of ${outputs.RootAccountUseAlarmName} within ${ctx.waitMs / 1000} s: check that CloudWatch may use the topic's key`);
    } finally {
      if (subscriptionArn?.startsWith('arn:')) await quietly(() => ctx.clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn })));
      await quietly(() => ctx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl })));
    }
  },
};

/** The temporary queue accepts messages from the alarm topic only. */
function queuePolicy(topicArn: string, region: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: `arn:*:sqs:${region}:*:*`,
      Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
    }],
  });
}

async function setAlarmState(ctx: SmokeContext, alarmName: string, reason: string): Promise<void> {
  const url = `https://monitoring.${ctx.region}.amazonaws.com/`;
  const body = new URLSearchParams({ Action: 'SetAlarmState', Version: '2010-08-01', AlarmName: alarmName, StateValue: 'ALARM', StateReason: reason }).toString();
  const init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body };
  const response = await ctx.http.request(url, await ctx.signer('monitoring')(url, init));
  if (response.status !== 200) throw new Error(`SetAlarmState ${alarmName} answered ${response.status}: ${response.body.slice(0, 200)}`);
}

/** Waits for this run's notification of `alarmName`, confirming the subscription if SNS asks to. */
async function awaitNotification(ctx: SmokeContext, queueUrl: string, alarmName: string): Promise<boolean> {
  const deadline = ctx.clock.now() + ctx.waitMs;
  while (ctx.clock.now() < deadline) {
    const wait = Math.max(1, Math.min(5, Math.floor((deadline - ctx.clock.now()) / 1000)));
    const { Messages = [] } = await ctx.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait }));
    for (const m of Messages) {
      const envelope = JSON.parse(m.Body ?? '{}');
      if (envelope.Type === 'SubscriptionConfirmation') await ctx.http.request(envelope.SubscribeURL);
      if (envelope.Type === 'Notification' && String(envelope.Message).includes(alarmName) && String(envelope.Message).includes(ctx.runId)) return true;
    }
  }
  return false;
}

/** Clean-up that must not hide the check's own outcome. */
async function quietly(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch {
    // best effort: a leftover test queue is named smoke-alarms-<run id>
  }
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
