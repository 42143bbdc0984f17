import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { fail, pass, skip, SmokeCheck, SmokeContext } from '../types';

/** The test events: one every filter of the sandbox example lets through somewhere, one it stops. */
export const TEST_EVENTS = ['OrderPlaced', 'OrderShipped'];

interface Subscriber {
  readonly name: string;
  readonly queueArn: string;
  readonly queueUrl: string;
  readonly filterPolicy?: Record<string, unknown>;
  readonly scope: string;
}

/** Whether an attribute filter policy of plain string lists lets `attributes` through; undefined if it cannot tell. */
export function filterMatches(policy: Record<string, unknown> | undefined, scope: string, attributes: Record<string, string>): boolean | undefined {
  if (!policy) return true;
  if (scope === 'MessageBody') return undefined;
  let matches = true;
  for (const [key, conditions] of Object.entries(policy)) {
    if (!Array.isArray(conditions) || conditions.some((c) => typeof c !== 'string')) return undefined;
    if (!conditions.includes(attributes[key])) matches = false;
  }
  return matches;
}

/** A published message reaches every subscriber queue whose filter matches, and no other. */
export const fanOutDelivers: SmokeCheck = {
  architecture: 'FanOut',
  name: 'a published message reaches exactly the queues whose filter matches',
  async run(ctx, outputs) {
    const subscribers = await subscribersOf(ctx, outputs);
    const observed: Subscriber[] = [];
    const notes: string[] = [];
    for (const s of subscribers) {
      if (await isConsumed(ctx, s.queueArn)) notes.push(`${s.name}: skipped, a Lambda function consumes it`);
      else if (TEST_EVENTS.some((e) => filterMatches(s.filterPolicy, s.scope, { eventType: e }) === undefined)) notes.push(`${s.name}: skipped, its filter uses operators this check does not evaluate`);
      else observed.push(s);
    }
    if (observed.length === 0) return skip(notes.join('; ') || 'no subscriber queue to observe');
    const fifo = outputs.TopicArn.endsWith('.fifo');
    for (const eventType of TEST_EVENTS) {
      await ctx.clients.sns.send(new PublishCommand({
        TopicArn: outputs.TopicArn,
        Message: JSON.stringify({ eventType, smokeRun: ctx.runId }),
        MessageAttributes: { eventType: { DataType: 'String', StringValue: eventType }, smokeRun: { DataType: 'String', StringValue: ctx.runId } },
        ...(fifo ? { MessageGroupId: 'smoke', MessageDeduplicationId: `${ctx.runId}-${eventType}` } : {}),
      }));
    }
    const problems: string[] = [];
    for (const s of observed) {
      const expected = TEST_EVENTS.filter((e) => filterMatches(s.filterPolicy, s.scope, { eventType: e }));
      const received = await collect(ctx, s.queueUrl, expected.length);
      const ok = received.length === expected.length && expected.every((e) => received.includes(e));
      (ok ? notes : problems).push(`${s.name}: got [${received.sort().join(', ')}], expected [${expected.join(', ')}]`);
    }
    return problems.length > 0 ? fail([...problems, ...notes].join('; ')) : pass(notes.join('; '));
  },
};

async function subscribersOf(ctx: SmokeContext, outputs: Record<string, string>): Promise<Subscriber[]> {
  const { Subscriptions = [] } = await ctx.clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: outputs.TopicArn }));
  const queueUrls = Object.entries(outputs).filter(([k]) => k.endsWith('QueueUrl')).map(([, v]) => v);
  const result: Subscriber[] = [];
  for (const sub of Subscriptions.filter((x) => x.Protocol === 'sqs')) {
    const { Attributes = {} } = await ctx.clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }));
    const [, , , region, account, queueName] = (sub.Endpoint ?? '').split(':');
    result.push({
      name: queueName,
      queueArn: sub.Endpoint ?? '',
      queueUrl: queueUrls.find((u) => u.endsWith(`/${queueName}`)) ?? `https://sqs.${region}.amazonaws.com/${account}/${queueName}`,
      filterPolicy: Attributes.FilterPolicy ? JSON.parse(Attributes.FilterPolicy) : undefined,
      scope: Attributes.FilterPolicyScope ?? 'MessageAttributes',
    });
  }
  return result;
}

async function isConsumed(ctx: SmokeContext, queueArn: string): Promise<boolean> {
  const { EventSourceMappings = [] } = await ctx.clients.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: queueArn }));
  return EventSourceMappings.some((m) => m.State !== 'Disabled');
}

/**
 * Receives this run's messages from a queue until the expected number arrived
 * (then one short extra look, for any that should not have), deleting each
 * one of this run; other messages are left alone.
 */
async function collect(ctx: SmokeContext, queueUrl: string, expected: number): Promise<string[]> {
  const received: string[] = [];
  const deadline = Date.now() + ctx.waitMs;
  let extraLook = false;
  while (Date.now() < deadline) {
    const wait = received.length >= expected ? 1 : Math.max(1, Math.min(5, Math.floor((deadline - Date.now()) / 1000)));
    const { Messages = [] } = await ctx.clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait, MessageAttributeNames: ['All'],
    }));
    for (const m of Messages) {
      const tag = tagOf(m);
      if (tag?.run !== ctx.runId) continue;
      received.push(tag.eventType);
      await ctx.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    if (received.length >= expected) {
      if (extraLook) break;
      extraLook = true;
    }
  }
  return received;
}

/** The run id and event type of a message, raw or in the SNS envelope. */
function tagOf(m: Message): { run: string; eventType: string } | undefined {
  const raw = m.MessageAttributes;
  if (raw?.smokeRun?.StringValue) return { run: raw.smokeRun.StringValue, eventType: raw.eventType?.StringValue ?? '' };
  try {
    const envelope = JSON.parse(m.Body ?? '');
    const attrs = envelope.MessageAttributes ?? {};
    return attrs.smokeRun ? { run: attrs.smokeRun.Value, eventType: attrs.eventType?.Value ?? '' } : undefined;
  } catch {
    return undefined;
  }
}
