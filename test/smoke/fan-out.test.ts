import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { fanOutDelivers, filterMatches } from '../../smoke/checks/fan-out';
import { testContext } from './fixtures';

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
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  lambda.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
  lambda.on(ListEventSourceMappingsCommand, { EventSourceArn: queueArn('billing') }).resolves({ EventSourceMappings: [{ State: 'Enabled' }] });
}
const raw = (eventType: string, run = 'run-1', id = eventType) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: '{}',
  MessageAttributes: { smokeRun: { DataType: 'String', StringValue: run }, eventType: { DataType: 'String', StringValue: eventType } } });
const envelope = (eventType: string, run = 'run-1') => ({ MessageId: eventType, ReceiptHandle: `rh-env-${eventType}`,
  Body: JSON.stringify({ Type: 'Notification', Message: '{}', MessageAttributes: { smokeRun: { Type: 'String', Value: run }, eventType: { Type: 'String', Value: eventType } } }) });

describe('fan-out smoke check', () => {
  test('passes when each observed queue gets exactly what its filter lets through; cleans up', async () => {
    sandboxTopology();
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('shipping') }).resolvesOnce({ Messages: [raw('OrderPlaced'), raw('OrderPlaced', 'other-run', 'x')] }).resolves({});
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('audit') }).resolvesOnce({ Messages: [envelope('OrderPlaced'), envelope('OrderShipped')] }).resolves({});
    sqs.on(DeleteMessageCommand).resolves({});
    const outcome = await fanOutDelivers.run(testContext(), outputs);
    expect(outcome).toEqual({ status: 'pass', detail: 'billing: skipped, a Lambda function consumes it; shipping: got [OrderPlaced], expected [OrderPlaced]; audit: got [OrderPlaced, OrderShipped], expected [OrderPlaced, OrderShipped]' });
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.MessageAttributes?.eventType?.StringValue)).toEqual(['OrderPlaced', 'OrderShipped']);
    // Only this run's messages are deleted; another run's message is left alone.
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle).sort()).toEqual(['rh-OrderPlaced', 'rh-env-OrderPlaced', 'rh-env-OrderShipped']);
  });

  test('fails when a filtered queue receives a message its filter should stop', async () => {
    sandboxTopology();
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('shipping') }).resolvesOnce({ Messages: [raw('OrderPlaced'), raw('OrderShipped')] }).resolves({});
    sqs.on(ReceiveMessageCommand, { QueueUrl: queueUrl('audit') }).resolvesOnce({ Messages: [envelope('OrderPlaced'), envelope('OrderShipped')] }).resolves({});
    sqs.on(DeleteMessageCommand).resolves({});
    const outcome = await fanOutDelivers.run(testContext(), outputs);
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toMatch(/^shipping: got \[OrderPlaced, OrderShipped\], expected \[OrderPlaced\]/);
  });

  test('fails when a queue gets nothing before the wait runs out', async () => {
    sandboxTopology();
    sqs.on(ReceiveMessageCommand).resolves({});
    const outcome = await fanOutDelivers.run(testContext({ waitMs: 300 }), outputs);
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toContain('audit: got [], expected [OrderPlaced, OrderShipped]');
  });

  test('a FIFO topic gets a group and deduplication id', async () => {
    sandboxTopology();
    sqs.on(ReceiveMessageCommand).resolves({});
    await fanOutDelivers.run(testContext({ waitMs: 100 }), { ...outputs, TopicArn: `${TOPIC}.fifo` });
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
