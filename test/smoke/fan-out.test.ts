import { GetFunctionConfigurationCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { fanOutDelivers, filterMatches } from '../../smoke/checks/fan-out';
import { HttpRequest } from '../../smoke/http';
import { noMessageYet, testContext } from './fixtures';

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
afterEach(() => { sns.reset(); sqs.reset(); lambda.reset(); });

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;
const queueUrl = (name: string) => `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`;
const outputs = { TopicArn: TOPIC, BillingQueueUrl: queueUrl('billing'), ShippingQueueUrl: queueUrl('shipping'), AuditQueueUrl: queueUrl('audit') };

/** The sandbox example: billing consumed by Lambda, shipping filtered and raw, audit everything in the envelope. */
function sandboxTopology(): void {
  sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: ['billing', 'shipping', 'audit'].map((n) => ({ Protocol: 'sqs', SubscriptionArn: `${TOPIC}:${n}`, Endpoint: queueArn(n) })) });
  // Generic answers first: aws-sdk-client-mock lets a later, more specific one take precedence.
  sns.on(GetSubscriptionAttributesCommand).resolves({ Attributes: {} });
  sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: `${TOPIC}:shipping` }).resolves({ Attributes: { FilterPolicy: '{"eventType":["OrderPlaced"]}', RawMessageDelivery: 'true' } });
  // SNS's message id of each publish: sns-OrderPlaced, sns-OrderShipped.
  sns.on(PublishCommand).callsFake((input) => ({ MessageId: `sns-${input.MessageAttributes.eventType.StringValue}` }));
  lambda.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
  lambda.on(ListEventSourceMappingsCommand, { EventSourceArn: queueArn('billing') }).resolves({ EventSourceMappings: [{ State: 'Enabled', FunctionArn: BILLING_FN }] });
  lambda.on(GetFunctionConfigurationCommand, { FunctionName: BILLING_FN }).resolves({ FunctionName: 'billing-consumer', LoggingConfig: { LogGroup: 'billing-logs' } });
}

const BILLING_FN = 'arn:aws:lambda:us-east-1:123456789012:function:billing-consumer';

/**
 * CloudWatch Logs' FilterLogEvents over HTTP, on the consumer's log lines:
 * an event matches when it contains every quoted term of the filter pattern.
 */
function logsApi(lines: string[]) {
  const searches: { url: string; headers: Record<string, string>; body: { logGroupName: string; filterPattern: string } }[] = [];
  const request = async (url: string, init: HttpRequest = {}) => {
    const body = JSON.parse(init.body ?? '{}');
    searches.push({ url, headers: init.headers ?? {}, body });
    const terms = [...body.filterPattern.matchAll(/"([^"]*)"/g)].map((m: RegExpMatchArray) => m[1]);
    const events = lines.filter((l) => terms.every((t) => l.includes(t))).map((message) => ({ message }));
    return { status: 200, headers: {}, body: JSON.stringify({ events }) };
  };
  return { http: { request }, searches };
}
const processedLine = (snsMessageId: string) => JSON.stringify({ event: 'processed', subscriber: 'billing', messageId: 'q', snsMessageId, eventType: 'x' });
const billingProcessedAll = () => logsApi([processedLine('sns-OrderPlaced'), processedLine('sns-OrderShipped')]).http;
const raw = (eventType: string, run = 'run-1', id = eventType) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: '{}',
  MessageAttributes: { smokeRun: { DataType: 'String', StringValue: run }, eventType: { DataType: 'String', StringValue: eventType } } });
const envelope = (eventType: string, run = 'run-1') => ({ MessageId: eventType, ReceiptHandle: `rh-env-${eventType}`,
  Body: JSON.stringify({ Type: 'Notification', Message: '{}', MessageAttributes: { smokeRun: { Type: 'String', Value: run }, eventType: { Type: 'String', Value: eventType } } }) });

describe('fan-out smoke check', () => {
  test('passes when each observed queue gets exactly what its filter lets through; cleans up', async () => {
    sandboxTopology();
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('shipping') }).resolvesOnce({ Messages: [raw('OrderPlaced'), raw('OrderPlaced', 'other-run', 'x')] }).callsFake(noMessageYet);
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('audit') }).resolvesOnce({ Messages: [envelope('OrderPlaced'), envelope('OrderShipped')] }).callsFake(noMessageYet);
    sqs.on(DeleteMessageCommand).resolves({});
    const logs = logsApi([processedLine('sns-OrderPlaced'), processedLine('sns-OrderShipped')]);
    const outcome = await fanOutDelivers.run(testContext({ http: logs.http }), outputs);
    expect(outcome).toEqual({ status: 'pass', detail: 'shipping: got [OrderPlaced], expected [OrderPlaced]; audit: got [OrderPlaced, OrderShipped], expected [OrderPlaced, OrderShipped]; billing: its consumer logged processing [OrderPlaced, OrderShipped], expected [OrderPlaced, OrderShipped] (billing-logs)' });
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.MessageAttributes?.eventType?.StringValue)).toEqual(['OrderPlaced', 'OrderShipped']);
    // Only this run's messages are deleted; another run's message is left alone.
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle).sort()).toEqual(['rh-OrderPlaced', 'rh-env-OrderPlaced', 'rh-env-OrderShipped']);
  });

  test('the consumed queue is proven by its consumer\'s log: a signed search for each SNS message id, processed', async () => {
    sandboxTopology();
    sqs.on(ReceiveMessageCommand).callsFake(noMessageYet);
    const logs = logsApi([processedLine('sns-OrderPlaced'), processedLine('sns-OrderShipped')]);
    await fanOutDelivers.run(testContext({ http: logs.http, waitMs: 100 }), outputs);
    expect(logs.searches.map((q) => q.body.filterPattern)).toEqual(['"processed" "sns-OrderPlaced"', '"processed" "sns-OrderShipped"']);
    for (const q of logs.searches) {
      expect(q.url).toBe('https://logs.us-east-1.amazonaws.com/');
      expect(q.body.logGroupName).toBe('billing-logs');
      expect(q.headers).toMatchObject({ 'x-amz-target': 'Logs_20140328.FilterLogEvents', authorization: 'AWS4-HMAC-SHA256 test-logs' });
    }
  });

  test('fails when the consumer did not log processing a message meant for it', async () => {
    sandboxTopology();
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('shipping') }).resolvesOnce({ Messages: [raw('OrderPlaced')] }).callsFake(noMessageYet);
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('audit') }).resolvesOnce({ Messages: [envelope('OrderPlaced'), envelope('OrderShipped')] }).callsFake(noMessageYet);
    sqs.on(DeleteMessageCommand).resolves({});
    // One message processed; the other only failed (a failure line has no SNS id, and is not "processed").
    const logs = logsApi([processedLine('sns-OrderPlaced'), JSON.stringify({ event: 'failed', subscriber: 'billing', messageId: 'q2', error: 'boom' })]);
    const outcome = await fanOutDelivers.run(testContext({ http: logs.http, waitMs: 300 }), outputs);
    expect(outcome).toEqual({ status: 'fail', detail: 'billing: its consumer logged processing [OrderPlaced], expected [OrderPlaced, OrderShipped] (billing-logs); shipping: got [OrderPlaced], expected [OrderPlaced]; audit: got [OrderPlaced, OrderShipped], expected [OrderPlaced, OrderShipped]' });
  });

  test('a consumed queue with raw delivery cannot be tied to the publish and is skipped, saying why', async () => {
    sandboxTopology();
    lambda.on(ListEventSourceMappingsCommand, { EventSourceArn: queueArn('shipping') }).resolves({ EventSourceMappings: [{ State: 'Enabled', FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ship' }] });
    sqs.on(ReceiveMessageCommand).callsFake(noMessageYet);
    const outcome = await fanOutDelivers.run(testContext({ http: logsApi([]).http, waitMs: 100 }), outputs);
    expect(outcome.detail).toContain('shipping: skipped, a Lambda function consumes it with raw delivery, which drops the SNS message id its log would show');
  });

  test('fails when a filtered queue receives a message its filter should stop', async () => {
    sandboxTopology();
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('shipping') }).resolvesOnce({ Messages: [raw('OrderPlaced'), raw('OrderShipped')] }).callsFake(noMessageYet);
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('audit') }).resolvesOnce({ Messages: [envelope('OrderPlaced'), envelope('OrderShipped')] }).callsFake(noMessageYet);
    sqs.on(DeleteMessageCommand).resolves({});
    const outcome = await fanOutDelivers.run(testContext({ http: billingProcessedAll() }), outputs);
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toMatch(/^shipping: got \[OrderPlaced, OrderShipped\], expected \[OrderPlaced\]/);
  });

  test('fails when a queue gets nothing before the wait runs out', async () => {
    sandboxTopology();
    sqs.on(ReceiveMessageCommand).callsFake(noMessageYet);
    const outcome = await fanOutDelivers.run(testContext({ waitMs: 300, http: billingProcessedAll() }), outputs);
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toContain('audit: got [], expected [OrderPlaced, OrderShipped]');
  });

  test('a FIFO topic gets a group and deduplication id', async () => {
    sandboxTopology();
    sqs.on(ReceiveMessageCommand).callsFake(noMessageYet);
    await fanOutDelivers.run(testContext({ waitMs: 100, http: billingProcessedAll() }), { ...outputs, TopicArn: `${TOPIC}.fifo` });
    expect(sns.commandCalls(PublishCommand)[0].args[0].input).toMatchObject({ MessageGroupId: 'smoke', MessageDeduplicationId: 'run-1-OrderPlaced' });
  });
});

describe('filterMatches', () => {
  test('evaluates plain string lists on attributes, and declines what it cannot', () => {
    expect(filterMatches(undefined, 'MessageAttributes', { eventType: 'A' })).toBe(true);
    expect(filterMatches({ eventType: ['A', 'B'] }, 'MessageAttributes', { eventType: 'B' })).toBe(true);
    expect(filterMatches({ eventType: ['A'] }, 'MessageAttributes', { eventType: 'B' })).toBe(false);
    expect(filterMatches({ total: [{ numeric: ['>', 1] }] }, 'MessageAttributes', {})).toBeUndefined();
    expect(filterMatches({ eventType: ['A'] }, 'MessageBody', { eventType: 'A' })).toBeUndefined();
  });
});
