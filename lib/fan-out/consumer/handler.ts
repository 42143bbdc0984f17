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

/** A received message: what was published, and SNS's id for it (none with raw delivery). */
export interface Unwrapped {
  readonly message: Record<string, unknown>;
  readonly snsMessageId: string | null;
}

/**
 * The published message: the SNS envelope is unwrapped unless the
 * subscription uses raw message delivery. Must be a JSON object.
 */
export function unwrap(record: SqsRecord): Unwrapped {
  const body = parseJson(record.body);
  const envelope = isSnsEnvelope(body) ? body : undefined;
  const published = envelope ? parseJson(envelope.Message) : body;
  if (typeof published !== 'object' || published === null || Array.isArray(published)) {
    throw new InvalidMessage('message is not a JSON object');
  }
  return { message: published as Record<string, unknown>, snsMessageId: typeof envelope?.MessageId === 'string' ? envelope.MessageId : null };
}

/** The published message of a record (see {@link unwrap}). */
export function messageOf(record: SqsRecord): Record<string, unknown> {
  return unwrap(record).message;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidMessage('message is not valid JSON');
  }
}

function isSnsEnvelope(body: unknown): body is { Type: string; Message: string; MessageId?: unknown } {
  const b = body as { Type?: unknown; Message?: unknown } | null;
  return typeof b === 'object' && b !== null && b.Type === 'Notification' && typeof b.Message === 'string';
}

/** Processes one message; replace the body with the subscriber's business logic. */
export async function processMessage(_message: Record<string, unknown>, _messageId: string): Promise<void> {
  // The subscriber's business logic goes here; throw to have the message retried.
}

export async function handler(event: SqsEvent): Promise<BatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      const { message, snsMessageId } = unwrap(record);
      await processMessage(message, record.messageId);
      // SNS's message id ties this line to the publish call (the smoke test looks for it).
      console.info(JSON.stringify({ event: 'processed', subscriber, messageId: record.messageId, snsMessageId, eventType: message.eventType ?? null }));
    } catch (error) {
      console.error(JSON.stringify({ event: 'failed', subscriber, messageId: record.messageId, error: (error as Error).message }));
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
