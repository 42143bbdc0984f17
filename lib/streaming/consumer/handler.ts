// Lambda consumer of the event stream. Reports the first failing record
// (partial batch response): Lambda retries from it, bisecting the batch on
// error, and after the event source's retries or record age sends the batch's
// description to the on-failure queue, without blocking the shard for good.

/** The parts of a Kinesis record this handler reads. */
export interface KinesisRecord {
  readonly kinesis: { readonly data: string; readonly sequenceNumber: string; readonly partitionKey: string };
}

/** A Kinesis event as Lambda delivers it. */
export interface KinesisEvent {
  readonly Records: readonly KinesisRecord[];
}

/** Partial batch response: the record to retry from. */
export interface BatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/** Thrown for a record that can never be processed. */
export class InvalidRecord extends Error {}

/** The record's data: base64 of a JSON object. */
export function recordOf(record: KinesisRecord): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
  } catch {
    throw new InvalidRecord('record is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidRecord('record is not a JSON object');
  return parsed as Record<string, unknown>;
}

/** Processes one record; replace the body with the application's logic. */
export async function processRecord(_record: Record<string, unknown>, _partitionKey: string): Promise<void> {
  // The application's logic goes here; throw to have the record retried.
}

export async function handler(event: KinesisEvent): Promise<BatchResponse> {
  for (const record of event.Records) {
    const { sequenceNumber, partitionKey } = record.kinesis;
    try {
      const data = recordOf(record);
      await processRecord(data, partitionKey);
      // The sequence number ties this line to the put (the smoke test looks for it).
      console.info(JSON.stringify({ event: 'processed', sequenceNumber, partitionKey, eventType: data.eventType ?? null }));
    } catch (error) {
      console.error(JSON.stringify({ event: 'failed', sequenceNumber, partitionKey, error: (error as Error).message }));
      // Records of a shard are processed in order: everything from the first failure is retried.
      return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
    }
  }
  return { batchItemFailures: [] };
}
