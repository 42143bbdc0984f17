import { handler, InvalidMessage, messageOf, SqsRecord } from '../../lib/fan-out/consumer/handler';

const envelope = (message: string) => JSON.stringify({
  Type: 'Notification', MessageId: 'b9c1', TopicArn: 'arn:aws:sns:us-east-1:123456789012:orders', Message: message,
  Timestamp: '2026-11-22T10:00:00.000Z', SignatureVersion: '1', MessageAttributes: { eventType: { Type: 'String', Value: 'OrderPlaced' } },
});
const record = (messageId: string, body: string): SqsRecord => ({ messageId, body });

describe('messageOf', () => {
  test('unwraps the SNS envelope', () => {
    expect(messageOf(record('1', envelope('{"orderId":"o-1","eventType":"OrderPlaced"}'))))
      .toEqual({ orderId: 'o-1', eventType: 'OrderPlaced' });
  });

  test('reads a raw-delivery message as it was published', () => {
    expect(messageOf(record('1', '{"orderId":"o-2"}'))).toEqual({ orderId: 'o-2' });
  });

  test.each([
    ['not JSON', 'message is not valid JSON'],
    ['[1,2]', 'message is not a JSON object'],
    ['"text"', 'message is not a JSON object'],
    [envelope('not JSON either'), 'message is not valid JSON'],
  ])('rejects %j', (body, why) => {
    expect(() => messageOf(record('1', body))).toThrow(new InvalidMessage(why));
  });
});

describe('handler', () => {
  let info: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  test('reports only the failing record of a batch for retry', async () => {
    const result = await handler({ Records: [
      record('ok-1', envelope('{"orderId":"o-1","eventType":"OrderPlaced"}')),
      record('bad-2', '{"orderId": broken'),
      record('ok-3', '{"orderId":"o-3"}'),
    ] });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-2' }] });
    expect(info).toHaveBeenCalledTimes(2);
    expect(JSON.parse(error.mock.calls[0][0])).toMatchObject({ event: 'failed', messageId: 'bad-2', error: 'message is not valid JSON' });
  });

  test('an all-good batch reports no failures and logs one structured line per message', async () => {
    const result = await handler({ Records: [record('a', '{"eventType":"OrderShipped"}')] });
    expect(result).toEqual({ batchItemFailures: [] });
    expect(JSON.parse(info.mock.calls[0][0])).toMatchObject({ event: 'processed', messageId: 'a', eventType: 'OrderShipped' });
  });

  test('a processed message is logged with SNS\'s message id, which ties it to the publish call; raw delivery has none', async () => {
    await handler({ Records: [record('q-1', envelope('{"eventType":"OrderPlaced"}')), record('q-2', '{"eventType":"OrderShipped"}')] });
    expect(info.mock.calls.map((c) => JSON.parse(c[0]))).toEqual([
      { event: 'processed', subscriber: 'unknown', messageId: 'q-1', snsMessageId: 'b9c1', eventType: 'OrderPlaced' },
      { event: 'processed', subscriber: 'unknown', messageId: 'q-2', snsMessageId: null, eventType: 'OrderShipped' },
    ]);
  });

  test('an empty batch reports nothing', async () => {
    expect(await handler({ Records: [] })).toEqual({ batchItemFailures: [] });
  });
});
