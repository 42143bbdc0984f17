import { handler, InvalidRecord, KinesisRecord, recordOf } from '../../lib/streaming/consumer/handler';

const record = (sequenceNumber: string, data: string): KinesisRecord => ({
  kinesis: { sequenceNumber, partitionKey: 'o-1', data: Buffer.from(data).toString('base64') },
});

describe('recordOf', () => {
  test('decodes the base64 JSON object a producer put', () => {
    expect(recordOf(record('1', '{"orderId":"o-1","eventType":"OrderPlaced"}'))).toEqual({ orderId: 'o-1', eventType: 'OrderPlaced' });
  });

  test.each([
    ['not JSON', 'record is not valid JSON'],
    ['[1,2]', 'record is not a JSON object'],
    ['null', 'record is not a JSON object'],
  ])('rejects %j', (data, why) => {
    expect(() => recordOf(record('1', data))).toThrow(new InvalidRecord(why));
  });
});

describe('handler', () => {
  let info: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => { info.mockRestore(); error.mockRestore(); });

  test('processes a good batch and reports no failure, logging each sequence number', async () => {
    const result = await handler({ Records: [record('1', '{"eventType":"A"}'), record('2', '{"eventType":"B"}')] });
    expect(result).toEqual({ batchItemFailures: [] });
    expect(info.mock.calls.map(([line]) => JSON.parse(line))).toEqual([
      { event: 'processed', sequenceNumber: '1', partitionKey: 'o-1', eventType: 'A' },
      { event: 'processed', sequenceNumber: '2', partitionKey: 'o-1', eventType: 'B' },
    ]);
  });

  test('reports the first failing record and stops there: the shard is retried from it, in order', async () => {
    const result = await handler({ Records: [record('1', '{}'), record('2', 'garbage'), record('3', '{}')] });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(info).toHaveBeenCalledTimes(1);
    expect(JSON.parse(error.mock.calls[0][0])).toEqual({ event: 'failed', sequenceNumber: '2', partitionKey: 'o-1', error: 'record is not valid JSON' });
  });
});
