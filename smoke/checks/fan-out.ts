import { GetFunctionConfigurationCommand, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
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
  readonly rawDelivery: boolean;
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

/**
 * A published message reaches every subscriber queue whose filter matches, and
 * no other: read from the queues nobody consumes, and from the log of the
 * Lambda function consuming a queue (the consumer logs SNS's message id).
 */
export const fanOutDelivers: SmokeCheck = {
  architecture: 'FanOut',
  name: 'a published message reaches exactly the queues whose filter matches',
  async run(ctx, outputs) {
    const start = ctx.clock.now();
    const subscribers = await subscribersOf(ctx, outputs);
    const observed: Subscriber[] = [];
    const consumed: { subscriber: Subscriber; functionArn: string }[] = [];
    const notes: string[] = [];
    for (const s of subscribers) {
      const functionArn = await consumerOf(ctx, s.queueArn);
      if (TEST_EVENTS.some((e) => filterMatches(s.filterPolicy, s.scope, { eventType: e }) === undefined)) notes.push(`${s.name}: skipped, its filter uses operators this check does not evaluate`);
      else if (functionArn && s.rawDelivery) notes.push(`${s.name}: skipped, a Lambda function consumes it with raw delivery, which drops the SNS message id its log would show`);
      else if (functionArn) consumed.push({ subscriber: s, functionArn });
      else observed.push(s);
    }
    if (observed.length + consumed.length === 0) return skip(notes.join('; ') || 'no subscriber queue to observe');
    const published = await publishTestEvents(ctx, outputs.TopicArn);
    const problems: string[] = [];
    for (const s of observed) {
      const expected = expectedBy(s);
      const received = await collect(ctx, s.queueUrl, expected.length, (m) => {
        const tag = tagOf(m);
        return tag?.run === ctx.runId ? tag.eventType : undefined;
      });
      const ok = received.length === expected.length && expected.every((e) => received.includes(e));
      (ok ? notes : problems).push(`${s.name}: got [${received.sort().join(', ')}], expected [${expected.join(', ')}]`);
    }
    for (const { subscriber, functionArn } of consumed) {
      const expected = expectedBy(subscriber);
      const logGroup = await logGroupOf(ctx, functionArn);
      const processed = await loggedAsProcessed(ctx, logGroup, expected.map((e) => published[e]), start);
      const got = expected.filter((e) => processed.includes(published[e]));
      (got.length === expected.length ? notes : problems).push(
        `${subscriber.name}: its consumer logged processing [${got.join(', ')}], expected [${expected.join(', ')}] (${logGroup})`);
    }
    return problems.length > 0 ? fail([...problems, ...notes].join('; ')) : pass(notes.join('; '));
  },
};

function expectedBy(s: Subscriber): string[] {
  return TEST_EVENTS.filter((e) => filterMatches(s.filterPolicy, s.scope, { eventType: e }));
}

/** Publishes the test events, tagged with the run id; SNS's message id by event type. */
async function publishTestEvents(ctx: SmokeContext, topicArn: string): Promise<Record<string, string>> {
  const fifo = topicArn.endsWith('.fifo');
  const ids: Record<string, string> = {};
  for (const eventType of TEST_EVENTS) {
    const { MessageId } = await ctx.clients.sns.send(new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify({ eventType, smokeRun: ctx.runId }),
      MessageAttributes: { eventType: { DataType: 'String', StringValue: eventType }, smokeRun: { DataType: 'String', StringValue: ctx.runId } },
      ...(fifo ? { MessageGroupId: 'smoke', MessageDeduplicationId: `${ctx.runId}-${eventType}` } : {}),
    }));
    ids[eventType] = MessageId ?? '';
  }
  return ids;
}

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
      rawDelivery: Attributes.RawMessageDelivery === 'true',
    });
  }
  return result;
}

/** The function an enabled event source mapping feeds from the queue, if any. */
async function consumerOf(ctx: SmokeContext, queueArn: string): Promise<string | undefined> {
  const { EventSourceMappings = [] } = await ctx.clients.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: queueArn }));
  return EventSourceMappings.find((m) => m.State !== 'Disabled')?.FunctionArn ?? undefined;
}

/** The function's log group: its logging config's, else Lambda's default. */
async function logGroupOf(ctx: SmokeContext, functionArn: string): Promise<string> {
  const config = await ctx.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
  return config.LoggingConfig?.LogGroup ?? `/aws/lambda/${config.FunctionName ?? functionArn.split(':').pop()}`;
}

/** Most pages of one search (a search pages through log streams and may return empty pages). */
const MAX_PAGES = 10;

/**
 * The SNS message ids among `ids` that the consumer logged as processed since
 * `since`, searching its log group until all are found or the wait runs out
 * (log delivery takes seconds). CloudWatch Logs is called over its HTTP API,
 * signed with the caller's credentials, to need no further SDK client.
 */
async function loggedAsProcessed(ctx: SmokeContext, logGroup: string, ids: string[], since: number): Promise<string[]> {
  const found = new Set<string>();
  const deadline = ctx.clock.now() + ctx.waitMs;
  do {
    for (const id of ids.filter((i) => !found.has(i))) {
      if (await logContains(ctx, logGroup, [`"processed"`, `"${id}"`], since)) found.add(id);
    }
    if (found.size < ids.length) await ctx.clock.sleep(Math.min(2_000, Math.max(0, deadline - ctx.clock.now())));
  } while (found.size < ids.length && ctx.clock.now() < deadline);
  return [...found];
}

/** Whether an event with every term was logged to `logGroup` since `since` (FilterLogEvents). */
export async function logContains(ctx: SmokeContext, logGroup: string, terms: string[], since: number): Promise<boolean> {
  const url = `https://logs.${ctx.region}.amazonaws.com/`;
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = JSON.stringify({ logGroupName: logGroup, filterPattern: terms.join(' '), startTime: since - 60_000, limit: 10, nextToken });
    const init = { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.FilterLogEvents' }, body };
    const response = await ctx.http.request(url, await ctx.signer('logs')(url, init));
    if (response.status !== 200) throw new Error(`searching ${logGroup} answered ${response.status}: ${response.body.slice(0, 200)}`);
    const result = JSON.parse(response.body) as { events?: unknown[]; nextToken?: string };
    if ((result.events ?? []).length > 0) return true;
    nextToken = result.nextToken;
    if (!nextToken) return false;
  }
  return false;
}

/**
 * Receives this run's messages from a queue until the expected number arrived
 * (then one short extra look, for any that should not have), deleting each
 * one of this run; other messages are left alone. `ofThisRun` names a message
 * of this run (its event type), or answers undefined for any other.
 */
export async function collect(ctx: SmokeContext, queueUrl: string, expected: number, ofThisRun: (m: Message) => string | undefined): Promise<string[]> {
  const received: string[] = [];
  const deadline = ctx.clock.now() + ctx.waitMs;
  let extraLook = false;
  while (ctx.clock.now() < deadline) {
    const wait = received.length >= expected ? 1 : Math.max(1, Math.min(5, Math.floor((deadline - ctx.clock.now()) / 1000)));
    const { Messages = [] } = await ctx.clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait, MessageAttributeNames: ['All'],
    }));
    for (const m of Messages) {
      const name = ofThisRun(m);
      if (name === undefined) continue;
      received.push(name);
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
