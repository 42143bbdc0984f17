// Lambda consumer of a fan-out subscriber queue. Reports failures per message
// (partial batch response), so one bad message is retried and, after
// maxReceiveCount receives, lands in the dead-letter queue without taking the
// rest of the batch with it.

/** The parts of an SQS record this handler reads. */
export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
}

/** An SQS event as Lambda delivers it. */
export interface SqsEvent {
  readonly Records: readonly SqsRecord[];
}

/** Partial batch response: the messages to retry. */
export interface BatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/** Thrown for a message that can never be processed. */
export class InvalidMessage extends Error {}

// Read once per container, reused across warm invocations.
const subscriber = process.env.SUBSCRIBER_NAME ?? 'unknown';

/**
 * The published message: the SNS envelope is unwrapped unless the
 * subscription uses raw message delivery. Must be a JSON object.
 */
export function messageOf(record: SqsRecord): Record<string, unknown> {
  const body = parseJson(record.body);
  const published = isSnsEnvelope(body) ? parseJson(body.Message) : body;
  if (typeof published !== 'object' || published === null || Array.isArray(published)) {
    throw new InvalidMessage('message is not a JSON object');
  }
  return published as Record<string, unknown>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidMessage('message is not valid JSON');
  }
}

function isSnsEnvelope(body: unknown): body is { Type: string; Message: string } {
  const b = body as { Type?: unknown; Message?: unknown } | null;
  return typeof b === 'object' && b !== null && b.Type === 'Notification' && typeof b.Message === 'string';
}

/** Processes one message; replace the body with the subscriber's business logic. */
export async function processMessage(message: Record<string, unknown>, messageId: string): Promise<void> {
  console.info(JSON.stringify({ event: 'processed', subscriber, messageId, eventType: message.eventType ?? null }));
}

export async function handler(event: SqsEvent): Promise<BatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      await processMessage(messageOf(record), record.messageId);
    } catch (error) {
      console.error(JSON.stringify({ event: 'failed', subscriber, messageId: record.messageId, error: (error as Error).message }));
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
