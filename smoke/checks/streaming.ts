import { gunzipSync } from 'zlib';
import { EventPatternJson, matchesEventPattern } from '../../lib/streaming/event-pattern';
import { fail, pass, skip, SmokeCheck, SmokeContext } from '../types';
import { collect, logContains } from './fan-out';
import { awsJson } from './security-baseline';

// The stream's and the bus's checks. Kinesis, EventBridge and S3 are called
// over their HTTP APIs, signed with the caller's credentials (as the fan-out
// check calls CloudWatch Logs), so the smoke tests need no further SDK client.
// The smoke role's grants (lib/delivery-pipeline/smoke-access.ts) cover them.

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** A signed S3 request on the delivery bucket (virtual-hosted style). */
async function s3(ctx: SmokeContext, method: string, bucket: string, pathAndQuery: string) {
  const url = `https://${bucket}.s3.${ctx.region}.amazonaws.com/${pathAndQuery}`;
  const init = { method, headers: { 'x-amz-content-sha256': EMPTY_SHA256 } };
  return ctx.http.request(url, await ctx.signer('s3')(url, init));
}

/** Today's date prefix of the delivered data, as Firehose writes it (UTC). */
export function datePrefix(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `data/year=${d.getUTCFullYear()}/month=${two(d.getUTCMonth() + 1)}/day=${two(d.getUTCDate())}/`;
}

/** The keys under `prefix` of objects written since `since`, from a ListObjectsV2 answer. */
export function keysSince(listXml: string, since: number): string[] {
  return [...listXml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].flatMap(([, c]) => {
    const key = /<Key>([^<]*)<\/Key>/.exec(c)?.[1];
    const modified = Date.parse(/<LastModified>([^<]*)<\/LastModified>/.exec(c)?.[1] ?? '');
    return key && modified >= since - 60_000 ? [key.replace(/&amp;/g, '&')] : [];
  });
}

/**
 * A record put on the stream is processed by the consumer (its log shows the
 * record's sequence number) and delivered by Firehose to S3 (an object under
 * today's date prefix holds it). A delivered object that holds only this
 * run's records is deleted; the stream's record expires with its retention.
 */
export const streamDelivers: SmokeCheck = {
  architecture: 'Streaming',
  name: 'a record put on the stream reaches the consumer and lands in S3 through Firehose',
  async run(ctx, outputs) {
    const start = ctx.clock.now();
    const record = { eventType: 'SmokeTest', smokeRun: ctx.runId, at: new Date(start).toISOString() };
    const { SequenceNumber: sequenceNumber } = await awsJson(ctx, 'kinesis', 'Kinesis_20131202.PutRecord', {
      StreamName: outputs.StreamName, PartitionKey: ctx.runId, Data: Buffer.from(JSON.stringify(record)).toString('base64'),
    });
    const consumed = await waitFor(ctx, start + ctx.waitMs, () => logContains(ctx, outputs.ConsumerLogGroupName, ['"processed"', `"${sequenceNumber}"`], start));
    // Firehose writes when its buffer fills or its interval passes: wait that long, and the usual wait on top.
    const buffering = Number(outputs.DeliveryBufferingSeconds ?? 300) * 1000;
    const cache: ObjectCache = new Map();
    const landed = await waitFor(ctx, start + buffering + ctx.waitMs, () => deliveredObject(ctx, cache, outputs.DeliveryBucketName, start));
    const problems = [
      ...(consumed ? [] : [`the consumer did not log processing record ${sequenceNumber} (${outputs.ConsumerLogGroupName})`]),
      ...(landed ? [] : [`no object under s3://${outputs.DeliveryBucketName}/${datePrefix(start)} holds the record after ${(buffering + ctx.waitMs) / 1000} s`]),
    ];
    if (problems.length > 0) return fail(problems.join('; '));
    const removed = await removeIfOnlyOurs(ctx, cache, outputs.DeliveryBucketName, landed!);
    return pass(`record ${sequenceNumber} processed by the consumer and delivered to s3://${outputs.DeliveryBucketName}/${landed}${removed ? ' (deleted: it held only this run\'s records)' : ''}`);
  },
};

/** Calls `look` until it answers (truthy) or the deadline passes. */
async function waitFor<T>(ctx: SmokeContext, deadline: number, look: () => Promise<T | undefined | false>): Promise<T | undefined> {
  for (;;) {
    const found = await look();
    if (found) return found;
    if (ctx.clock.now() >= deadline) return undefined;
    await ctx.clock.sleep(Math.min(5_000, Math.max(0, deadline - ctx.clock.now())));
  }
}

/** Delivered objects' lines by key, read once per run. */
type ObjectCache = Map<string, string[]>;

/** The key of an object delivered since `start` that holds this run's record. */
async function deliveredObject(ctx: SmokeContext, cache: ObjectCache, bucket: string, start: number): Promise<string | undefined> {
  const listing = await s3(ctx, 'GET', bucket, `?list-type=2&prefix=${encodeURIComponent(datePrefix(start))}`);
  if (listing.status !== 200) throw new Error(`listing s3://${bucket} answered ${listing.status}: ${listing.body.slice(0, 200)}`);
  for (const key of keysSince(listing.body, start)) {
    const lines = await linesOf(ctx, cache, bucket, key);
    if (lines.some((l) => l.includes(ctx.runId))) return key;
  }
  return undefined;
}

/** The JSON lines of a delivered (gzip) object. */
async function linesOf(ctx: SmokeContext, cache: ObjectCache, bucket: string, key: string): Promise<string[]> {
  const cached = cache.get(key);
  if (cached) return cached;
  const object = await s3(ctx, 'GET', bucket, key.split('/').map(encodeURIComponent).join('/'));
  if (object.status !== 200 || !object.bytes) throw new Error(`reading s3://${bucket}/${key} answered ${object.status}`);
  const lines = gunzipSync(object.bytes).toString('utf8').split('\n').filter(Boolean);
  cache.set(key, lines);
  return lines;
}

/** Deletes a delivered object when every record in it is this run's; another's data is left alone. */
async function removeIfOnlyOurs(ctx: SmokeContext, cache: ObjectCache, bucket: string, key: string): Promise<boolean> {
  const lines = await linesOf(ctx, cache, bucket, key);
  if (!lines.every((l) => l.includes(ctx.runId))) return false;
  const deleted = await s3(ctx, 'DELETE', bucket, key.split('/').map(encodeURIComponent).join('/'));
  return deleted.status === 204;
}

/** One test event; the check works out which routes should get it from the rules' own patterns. */
export const TEST_EVENTS = [
  { source: 'app.orders', detailType: 'OrderPlaced', detail: { orderId: 'smoke-1', total: 1200 } },
  { source: 'app.orders', detailType: 'OrderPlaced', detail: { orderId: 'smoke-2', total: 50 } },
  { source: 'app.payments', detailType: 'PaymentFailed', detail: { orderId: 'smoke-3' } },
];

interface Route {
  readonly rule: string;
  readonly pattern: EventPatternJson;
  readonly queueUrl: string;
}

/**
 * Test events put on the bus reach exactly the route queues whose rule's
 * pattern (read from EventBridge) matches them, and no other; the test
 * messages are deleted from the queues (the archive keeps its copy until its
 * retention ends).
 */
export const busRoutes: SmokeCheck = {
  architecture: 'Streaming',
  name: 'an event put on the bus reaches exactly the routes whose pattern matches',
  async run(ctx, outputs) {
    const routes = await routesOf(ctx, outputs);
    if (routes.length === 0) return skip(`no rule of ${outputs.EventBusName} delivers to a queue of the stack's outputs`);
    const account = routes[0].queueUrl.split('/')[3];
    const events = TEST_EVENTS.map((e) => ({ ...e, detail: { ...e.detail, smokeRun: ctx.runId } }));
    const { FailedEntryCount } = await awsJson(ctx, 'events', 'AWSEvents.PutEvents', {
      Entries: events.map((e) => ({ EventBusName: outputs.EventBusName, Source: e.source, DetailType: e.detailType, Detail: JSON.stringify(e.detail) })),
    });
    if (FailedEntryCount) return fail(`PutEvents refused ${FailedEntryCount} of ${events.length} test events`);
    const problems: string[] = [];
    const notes: string[] = [];
    for (const route of routes) {
      const expected = events.filter((e) => matchesEventPattern(route.pattern, envelopeOf(e, account, ctx.region))).map((e) => e.detail.orderId).sort();
      const received = (await collect(ctx, route.queueUrl, expected.length, (m) => {
        const detail = parseDetail(m.Body);
        return detail?.smokeRun === ctx.runId ? String(detail.orderId) : undefined;
      })).sort();
      const line = `${route.rule}: got [${received.join(', ')}], expected [${expected.join(', ')}]`;
      (JSON.stringify(received) === JSON.stringify(expected) ? notes : problems).push(line);
    }
    return problems.length > 0 ? fail([...problems, ...notes].join('; ')) : pass(notes.join('; '));
  },
};

/** An event as EventBridge delivers it to a rule, for matching. */
function envelopeOf(e: { source: string; detailType: string; detail: Record<string, unknown> }, account: string, region: string): Record<string, unknown> {
  return { 'version': '0', 'id': 'smoke', 'detail-type': e.detailType, 'source': e.source, account, 'time': new Date(0).toISOString(), region, 'resources': [], 'detail': e.detail };
}

/** The bus's rules that target a queue of the stack's outputs, with their patterns. */
async function routesOf(ctx: SmokeContext, outputs: Record<string, string>): Promise<Route[]> {
  const queueUrls = Object.entries(outputs).filter(([k]) => k.endsWith('QueueUrl')).map(([, v]) => v);
  const { Rules = [] } = await awsJson(ctx, 'events', 'AWSEvents.ListRules', { EventBusName: outputs.EventBusName });
  const routes: Route[] = [];
  for (const rule of Rules as { Name: string; EventPattern?: string; State?: string }[]) {
    if (!rule.EventPattern || rule.State !== 'ENABLED') continue;
    const { Targets = [] } = await awsJson(ctx, 'events', 'AWSEvents.ListTargetsByRule', { Rule: rule.Name, EventBusName: outputs.EventBusName });
    for (const target of Targets as { Arn: string }[]) {
      const queueUrl = queueUrls.find((u) => u.endsWith(`/${target.Arn.split(':').pop()}`));
      if (queueUrl) routes.push({ rule: rule.Name, pattern: JSON.parse(rule.EventPattern), queueUrl });
    }
  }
  return routes;
}

/** The detail of an EventBridge event delivered to a queue. */
function parseDetail(body: string | undefined): Record<string, unknown> | undefined {
  try {
    return (JSON.parse(body ?? '') as { detail?: Record<string, unknown> }).detail;
  } catch {
    return undefined;
  }
}
