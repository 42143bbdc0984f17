import { gzipSync } from 'zlib';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { busRoutes, datePrefix, keysSince, streamDelivers } from '../../smoke/checks/streaming';
import { HttpRequest, HttpResponse } from '../../smoke/http';
import { noMessageYet, testClock, testContext } from './fixtures';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const queueUrl = (name: string) => `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`;
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;
const outputs = {
  StreamName: 'Sandbox-Streaming-Stream', ConsumerLogGroupName: 'consumer-logs', DeliveryBucketName: 'delivery', DeliveryBufferingSeconds: '60',
  EventBusName: 'Sandbox-Streaming-events-1', FulfilmentQueueUrl: queueUrl('fulfilment'), ReviewQueueUrl: queueUrl('review'),
  PaymentFailuresQueueUrl: queueUrl('payments'), DeliveryDeadLetterQueueUrl: queueUrl('dlq'), FailureQueueUrl: queueUrl('failures'),
};

interface Call { url: string; method: string; target?: string; body: any; headers: Record<string, string> }

/**
 * The AWS HTTP APIs the checks call (Kinesis, EventBridge, CloudWatch Logs, S3),
 * answered from what each test says the account holds.
 */
function awsApis(world: { logLines?: string[]; objects?: Record<string, string[]>; rules?: { Name: string; EventPattern: string; State: string; queue: string }[] }) {
  const calls: Call[] = [];
  const objects = { ...(world.objects ?? {}) };
  const ok = (body: unknown): HttpResponse => ({ status: 200, headers: {}, body: JSON.stringify(body) });
  const request = async (url: string, init: HttpRequest = {}): Promise<HttpResponse> => {
    const target = init.headers?.['x-amz-target'];
    const body = init.body ? JSON.parse(init.body) : undefined;
    calls.push({ url, method: init.method ?? 'GET', target, body, headers: init.headers ?? {} });
    switch (target) {
      case 'Kinesis_20131202.PutRecord': return ok({ SequenceNumber: 'seq-1', ShardId: 'shardId-0' });
      case 'Logs_20140328.FilterLogEvents': {
        const terms = [...body.filterPattern.matchAll(/"([^"]*)"/g)].map((m: RegExpMatchArray) => m[1]);
        return ok({ events: (world.logLines ?? []).filter((l) => terms.every((t) => l.includes(t))).map((message) => ({ message })) });
      }
      case 'AWSEvents.PutEvents': return ok({ FailedEntryCount: 0, Entries: body.Entries.map(() => ({ EventId: 'e' })) });
      case 'AWSEvents.ListRules': return ok({ Rules: (world.rules ?? []).map(({ queue: _q, ...r }) => r) });
      case 'AWSEvents.ListTargetsByRule': return ok({ Targets: (world.rules ?? []).filter((r) => r.Name === body.Rule).map((r) => ({ Id: 'Target0', Arn: queueArn(r.queue) })) });
      default: break;
    }
    const u = new URL(url);
    if (u.searchParams.get('list-type') === '2') {
      const contents = Object.keys(objects).filter((k) => k.startsWith(u.searchParams.get('prefix') ?? ''))
        .map((k) => `<Contents><Key>${k}</Key><LastModified>${new Date(testClock.now()).toISOString()}</LastModified></Contents>`).join('');
      return { status: 200, headers: {}, body: `<ListBucketResult>${contents}</ListBucketResult>` };
    }
    const key = decodeURIComponent(u.pathname.slice(1));
    if ((init.method ?? 'GET') === 'DELETE') {
      delete objects[key];
      return { status: 204, headers: {}, body: '' };
    }
    if (!(key in objects)) return { status: 404, headers: {}, body: 'NoSuchKey' };
    return { status: 200, headers: {}, body: '', bytes: gzipSync(objects[key].join('\n') + '\n') };
  };
  return { http: { request }, calls, objects };
}

const processed = (sequenceNumber: string) => JSON.stringify({ event: 'processed', sequenceNumber, partitionKey: 'run-1', eventType: 'SmokeTest' });
const ourRecord = JSON.stringify({ eventType: 'SmokeTest', smokeRun: 'run-1' });
const today = () => datePrefix(testClock.now());

describe('stream smoke check', () => {
  test('passes when the consumer logged the record and Firehose delivered it; deletes an object holding only this run\'s record', async () => {
    const key = `${today()}delivery-1.gz`;
    const apis = awsApis({ logLines: [processed('seq-1')], objects: { [key]: [ourRecord] } });
    const outcome = await streamDelivers.run(testContext({ http: apis.http }), outputs);
    expect(outcome).toEqual({ status: 'pass', detail: `record seq-1 processed by the consumer and delivered to s3://delivery/${key} (deleted: it held only this run's records)` });
    const put = apis.calls.find((c) => c.target === 'Kinesis_20131202.PutRecord')!;
    expect(put.url).toBe('https://kinesis.us-east-1.amazonaws.com/');
    expect(put.headers.authorization).toBe('AWS4-HMAC-SHA256 test-kinesis');
    expect(put.body).toMatchObject({ StreamName: 'Sandbox-Streaming-Stream', PartitionKey: 'run-1' });
    expect(JSON.parse(Buffer.from(put.body.Data, 'base64').toString())).toMatchObject({ eventType: 'SmokeTest', smokeRun: 'run-1' });
    expect(apis.calls.find((c) => c.target === 'Logs_20140328.FilterLogEvents')!.body).toMatchObject({ logGroupName: 'consumer-logs', filterPattern: '"processed" "seq-1"' });
    expect(apis.calls.filter((c) => c.url.startsWith('https://delivery.s3.us-east-1.amazonaws.com/')).every((c) => c.headers.authorization === 'AWS4-HMAC-SHA256 test-s3')).toBe(true);
    expect(apis.objects).toEqual({});
  });

  test('leaves a delivered object that also holds other records', async () => {
    const key = `${today()}delivery-2.gz`;
    const apis = awsApis({ logLines: [processed('seq-1')], objects: { [key]: ['{"orderId":"real"}', ourRecord] } });
    const outcome = await streamDelivers.run(testContext({ http: apis.http }), outputs);
    expect(outcome).toEqual({ status: 'pass', detail: `record seq-1 processed by the consumer and delivered to s3://delivery/${key}` });
    expect(Object.keys(apis.objects)).toEqual([key]);
  });

  test('fails, naming both, when the consumer never logs the record and no delivered object holds it', async () => {
    const apis = awsApis({ logLines: [processed('seq-0')], objects: { [`${today()}other.gz`]: ['{"orderId":"real"}'] } });
    const outcome = await streamDelivers.run(testContext({ http: apis.http, waitMs: 1_000 }), outputs);
    expect(outcome).toEqual({ status: 'fail', detail: `the consumer did not log processing record seq-1 (consumer-logs); no object under s3://delivery/${today()} holds the record after 61 s` });
  });

  test('reads listings: keys written since the start, entities decoded', () => {
    const xml = '<Contents><Key>data/a&amp;b.gz</Key><LastModified>2026-01-01T00:10:00.000Z</LastModified></Contents>'
      + '<Contents><Key>data/old.gz</Key><LastModified>2025-12-31T00:00:00.000Z</LastModified></Contents>';
    expect(keysSince(xml, Date.UTC(2026, 0, 1, 0, 5))).toEqual(['data/a&b.gz']);
    expect(datePrefix(Date.UTC(2026, 1, 3, 23, 59))).toBe('data/year=2026/month=02/day=03/');
  });
});

describe('bus smoke check', () => {
  // The sandbox's routes, as EventBridge lists them.
  const rules = [
    { Name: 'fulfilment-rule', State: 'ENABLED', queue: 'fulfilment', EventPattern: JSON.stringify({ 'source': ['app.orders'], 'detail-type': ['OrderPlaced'] }) },
    { Name: 'review-rule', State: 'ENABLED', queue: 'review', EventPattern: JSON.stringify({ 'source': ['app.orders'], 'detail-type': ['OrderPlaced'], 'detail': { total: [{ numeric: ['>=', 1000] }] } }) },
    { Name: 'payments-rule', State: 'ENABLED', queue: 'payments', EventPattern: JSON.stringify({ 'source': ['app.payments'], 'detail-type': ['PaymentFailed'] }) },
  ];
  const message = (orderId: string, run = 'run-1') => ({ MessageId: `${orderId}-${run}`, ReceiptHandle: `rh-${orderId}-${run}`, Body: JSON.stringify({ detail: { orderId, smokeRun: run } }) });

  test('passes when each route queue gets exactly the events its rule\'s pattern matches; deletes only this run\'s', async () => {
    const apis = awsApis({ rules });
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('fulfilment') }).resolvesOnce({ Messages: [message('smoke-1'), message('smoke-2'), message('smoke-1', 'other')] }).callsFake(noMessageYet);
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('review') }).resolvesOnce({ Messages: [message('smoke-1')] }).callsFake(noMessageYet);
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('payments') }).resolvesOnce({ Messages: [message('smoke-3')] }).callsFake(noMessageYet);
    sqs.on(DeleteMessageCommand).resolves({});
    const outcome = await busRoutes.run(testContext({ http: apis.http }), outputs);
    expect(outcome).toEqual({ status: 'pass', detail: 'fulfilment-rule: got [smoke-1, smoke-2], expected [smoke-1, smoke-2]; review-rule: got [smoke-1], expected [smoke-1]; payments-rule: got [smoke-3], expected [smoke-3]' });
    const put = apis.calls.find((c) => c.target === 'AWSEvents.PutEvents')!;
    expect(put.headers.authorization).toBe('AWS4-HMAC-SHA256 test-events');
    expect(put.body.Entries.map((e: { EventBusName: string; DetailType: string }) => [e.EventBusName, e.DetailType])).toEqual([
      ['Sandbox-Streaming-events-1', 'OrderPlaced'], ['Sandbox-Streaming-events-1', 'OrderPlaced'], ['Sandbox-Streaming-events-1', 'PaymentFailed']]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle).sort()).toEqual(['rh-smoke-1-run-1', 'rh-smoke-1-run-1', 'rh-smoke-2-run-1', 'rh-smoke-3-run-1']);
  });

  test('fails when a route receives an event its pattern should stop', async () => {
    const apis = awsApis({ rules });
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('fulfilment') }).resolvesOnce({ Messages: [message('smoke-1'), message('smoke-2')] }).callsFake(noMessageYet);
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('review') }).resolvesOnce({ Messages: [message('smoke-1'), message('smoke-2')] }).callsFake(noMessageYet);
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('payments') }).resolvesOnce({ Messages: [message('smoke-3')] }).callsFake(noMessageYet);
    sqs.on(DeleteMessageCommand).resolves({});
    const outcome = await busRoutes.run(testContext({ http: apis.http }), outputs);
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toMatch(/^review-rule: got \[smoke-1, smoke-2\], expected \[smoke-1\]/);
  });

  test('fails when a route gets nothing before the wait runs out', async () => {
    const apis = awsApis({ rules });
    sqs.on(ReceiveMessageCommand).callsFake(noMessageYet);
    const outcome = await busRoutes.run(testContext({ http: apis.http, waitMs: 300 }), outputs);
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toContain('payments-rule: got [], expected [smoke-3]');
  });

  test('skips, saying why, when no rule of the bus targets a queue of the outputs', async () => {
    const outcome = await busRoutes.run(testContext({ http: awsApis({ rules: [] }).http }), outputs);
    expect(outcome).toEqual({ status: 'skip', detail: 'no rule of Sandbox-Streaming-events-1 delivers to a queue of the stack\'s outputs' });
  });
});
