import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { alarmReachesSubscribers, detectorEnabled, recorderRecording, trailDelivering } from '../../smoke/checks/security-baseline';
import { HttpClient, HttpRequest, HttpResponse } from '../../smoke/http';
import { loadChecks } from '../../smoke/registry';
import { testContext } from './fixtures';

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
afterEach(() => { sns.reset(); sqs.reset(); });

/** An HTTP client answering each URL with `answer`, recording every request. */
function fakeHttp(answer: (url: string, init: HttpRequest) => HttpResponse) {
  const requests: { url: string; init: HttpRequest }[] = [];
  const http: HttpClient = { async request(url, init = {}) { requests.push({ url, init }); return answer(url, init); } };
  return { http, requests };
}
const ok = (body: unknown): HttpResponse => ({ status: 200, headers: {}, body: typeof body === 'string' ? body : JSON.stringify(body) });

const OUTPUTS = {
  TrailArn: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/t', ConfigRecorderName: 'rec', DetectorId: 'd-1',
  AlarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms', RootAccountUseAlarmName: 'root-use',
};

describe('security baseline smoke checks', () => {
  test('are registered with the runner', () => {
    for (const check of [trailDelivering, recorderRecording, detectorEnabled, alarmReachesSubscribers]) expect(loadChecks()).toContain(check);
  });

  test('trail: passes when logging and delivered to both destinations, asking CloudTrail about that trail, signed', async () => {
    const { http, requests } = fakeHttp(() => ok({ IsLogging: true, LatestDeliveryTime: 1700000000, LatestCloudWatchLogsDeliveryTime: 1700000060 }));
    const outcome = await trailDelivering.run(testContext({ http }), OUTPUTS);
    expect(outcome).toEqual({ status: 'pass', detail: 'logging; last delivered to S3 at 2023-11-14T22:13:20.000Z, to CloudWatch Logs at 2023-11-14T22:14:20.000Z' });
    expect(requests[0].url).toBe('https://cloudtrail.us-east-1.amazonaws.com/');
    expect(requests[0].init.headers).toMatchObject({ 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrailStatus', 'authorization': 'AWS4-HMAC-SHA256 test-cloudtrail' });
    expect(JSON.parse(requests[0].init.body!)).toEqual({ Name: OUTPUTS.TrailArn });
  });

  test('trail: fails when not logging or when a delivery failed; skips when nothing was delivered yet', async () => {
    const run = (status: unknown) => trailDelivering.run(testContext({ http: fakeHttp(() => ok(status)).http }), OUTPUTS);
    expect((await run({ IsLogging: false })).status).toBe('fail');
    expect(await run({ IsLogging: true, LatestDeliveryTime: 1, LatestCloudWatchLogsDeliveryTime: 1, LatestDeliveryError: 'AccessDenied' }))
      .toEqual({ status: 'fail', detail: 'delivery failed (S3: AccessDenied)' });
    expect((await run({ IsLogging: true })).status).toBe('skip');
  });

  test('trail: skips in a stack outside the home region, which has no trail, asking nothing', async () => {
    const { http, requests } = fakeHttp(() => ok({}));
    const { TrailArn: _none, ...regional } = OUTPUTS;
    expect(await trailDelivering.run(testContext({ http }), regional)).toEqual({ status: 'skip', detail: 'the account\'s trail is in its home region (homeRegion), not in this stack' });
    expect(requests).toEqual([]);
  });

  const SERVICE_LINKED = 'arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig';
  /** Config's answers: the recorder's status, and the recorder itself with `roleARN`. */
  const configApi = (status: unknown, roleARN = SERVICE_LINKED) => fakeHttp((_url, init) => ok(
    init.headers!['x-amz-target'] === 'StarlingDoveService.DescribeConfigurationRecorders'
      ? { ConfigurationRecorders: [{ name: 'rec', roleARN }] } : { ConfigurationRecordersStatus: [status] }));

  test('recorder: passes when recording with the service-linked role, fails on a failed delivery, skips when the stack has none', async () => {
    const { http, requests } = configApi({ recording: true, lastStatus: 'SUCCESS' });
    expect(await recorderRecording.run(testContext({ http }), OUTPUTS)).toEqual({ status: 'pass', detail: 'recorder rec is recording with the service-linked role (last status SUCCESS)' });
    expect(requests[0].init.headers!['x-amz-target']).toBe('StarlingDoveService.DescribeConfigurationRecorderStatus');
    expect(JSON.parse(requests[0].init.body!)).toEqual({ ConfigurationRecorderNames: ['rec'] });
    expect(requests[1].init.headers!['x-amz-target']).toBe('StarlingDoveService.DescribeConfigurationRecorders');
    const failing = fakeHttp(() => ok({ ConfigurationRecordersStatus: [{ recording: true, lastStatus: 'FAILURE', lastErrorCode: 'AccessDenied', lastErrorMessage: 'no' }] })).http;
    expect(await recorderRecording.run(testContext({ http: failing }), OUTPUTS)).toEqual({ status: 'fail', detail: 'recorder rec: AccessDenied: no' });
    const stopped = fakeHttp(() => ok({ ConfigurationRecordersStatus: [{ recording: false }] })).http;
    expect((await recorderRecording.run(testContext({ http: stopped }), OUTPUTS)).status).toBe('fail');
    expect((await recorderRecording.run(testContext(), { ...OUTPUTS, ConfigRecorderName: '' })).status).toBe('skip');
  });

  test('recorder: fails when it records with a role of its own (Security Hub\'s Config.1 is then a Critical finding)', async () => {
    const { http } = configApi({ recording: true, lastStatus: 'SUCCESS' }, 'arn:aws:iam::123456789012:role/MyConfigRole');
    expect(await recorderRecording.run(testContext({ http }), OUTPUTS)).toEqual({
      status: 'fail', detail: 'recorder rec records with arn:aws:iam::123456789012:role/MyConfigRole, not AWS Config\'s service-linked role (Security Hub Config.1 fails)' });
  });

  test('detector: passes when enabled with S3 protection, fails otherwise, skips when the stack has none', async () => {
    const { http, requests } = fakeHttp(() => ok({ status: 'ENABLED', features: [{ name: 'S3_DATA_EVENTS', status: 'ENABLED' }] }));
    expect(await detectorEnabled.run(testContext({ http }), OUTPUTS)).toEqual({ status: 'pass', detail: 'detector d-1 ENABLED, S3 protection ENABLED, other protection plans on: none' });
    const withMalware = fakeHttp(() => ok({ status: 'ENABLED', features: [{ name: 'S3_DATA_EVENTS', status: 'ENABLED' }, { name: 'EBS_MALWARE_PROTECTION', status: 'ENABLED' },
      { name: 'RDS_LOGIN_EVENTS', status: 'DISABLED' }] })).http;
    expect((await detectorEnabled.run(testContext({ http: withMalware }), OUTPUTS)).detail).toMatch(/other protection plans on: EBS_MALWARE_PROTECTION$/);
    expect(requests[0].url).toBe('https://guardduty.us-east-1.amazonaws.com/detector/d-1');
    const noS3 = fakeHttp(() => ok({ status: 'ENABLED', features: [{ name: 'S3_DATA_EVENTS', status: 'DISABLED' }] })).http;
    expect(await detectorEnabled.run(testContext({ http: noS3 }), OUTPUTS)).toEqual({ status: 'fail', detail: 'detector d-1 is enabled, S3 protection is DISABLED' });
    const disabled = fakeHttp(() => ok({ status: 'DISABLED' })).http;
    expect((await detectorEnabled.run(testContext({ http: disabled }), OUTPUTS)).status).toBe('fail');
    expect((await detectorEnabled.run(testContext(), { ...OUTPUTS, DetectorId: '' })).status).toBe('skip');
  });

  describe('a test alarm reaches the subscribers', () => {
    const notification = (message: string) => ({ Body: JSON.stringify({ Type: 'Notification', Message: message }) });
    beforeEach(() => {
      sqs.on(CreateQueueCommand).resolves({ QueueUrl: 'https://sqs/q' });
      sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: 'arn:aws:sqs:us-east-1:123456789012:q' } });
      sns.on(SubscribeCommand).resolves({ SubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:alarms:sub' });
    });

    test('passes when this run\'s ALARM notification arrives, and removes the queue and subscription', async () => {
      sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [notification('{"AlarmName":"other"}')] })
        .resolves({ Messages: [notification('{"AlarmName":"root-use","NewStateReason":"Smoke test run-1: not a real root sign-in"}')] });
      const { http, requests } = fakeHttp(() => ok('<SetAlarmStateResponse/>'));
      const outcome = await alarmReachesSubscribers.run(testContext({ http }), OUTPUTS);
      expect(outcome.status).toBe('pass');
      expect(sns.commandCalls(SubscribeCommand)[0].args[0].input).toMatchObject({ TopicArn: OUTPUTS.AlarmTopicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:123456789012:q' });
      const policy = JSON.parse(sqs.commandCalls(CreateQueueCommand)[0].args[0].input.Attributes!.Policy!);
      expect(policy.Statement[0].Condition).toEqual({ ArnEquals: { 'aws:SourceArn': OUTPUTS.AlarmTopicArn } });
      expect(requests[0].url).toBe('https://monitoring.us-east-1.amazonaws.com/');
      expect(new URLSearchParams(requests[0].init.body!).get('StateValue')).toBe('ALARM');
      expect(new URLSearchParams(requests[0].init.body!).get('AlarmName')).toBe('root-use');
      expect(sns.commandCalls(UnsubscribeCommand)).toHaveLength(1);
      expect(sqs.commandCalls(DeleteQueueCommand)).toHaveLength(1);
    });

    test('confirms the subscription when SNS asks', async () => {
      sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [{ Body: JSON.stringify({ Type: 'SubscriptionConfirmation', SubscribeURL: 'https://sns/confirm' }) }] })
        .resolves({ Messages: [notification('root-use run-1')] });
      const { http, requests } = fakeHttp(() => ok(''));
      expect((await alarmReachesSubscribers.run(testContext({ http }), OUTPUTS)).status).toBe('pass');
      expect(requests.map((r) => r.url)).toContain('https://sns/confirm');
    });

    test('fails when nothing arrives in time, still cleaning up', async () => {
      sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
      const outcome = await alarmReachesSubscribers.run(testContext({ http: fakeHttp(() => ok('')).http, waitMs: 0 }), OUTPUTS);
      expect(outcome.status).toBe('fail');
      expect(sqs.commandCalls(DeleteQueueCommand)).toHaveLength(1);
    });
  });
});
