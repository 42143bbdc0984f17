import { DeleteCommand, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ApiEvent, corsHeaders, createHandler, DocumentClient, parseOrigins } from '../../lib/serverless-api/handler/items';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const NOW = new Date('2026-11-22T10:00:00.000Z');

/** A DynamoDB document client whose answers the test decides, recording every command. */
function fakeDb(answer: (command: object) => unknown) {
  const sent: object[] = [];
  const db: DocumentClient = {
    send: async (command: object) => {
      sent.push(command);
      const result = answer(command);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return { db, sent };
}
const event = (httpMethod: string, resource: string, extra: Partial<ApiEvent> = {}): ApiEvent =>
  ({ httpMethod, resource, requestContext: { requestId: 'req-1' }, ...extra });
const bodyOf = (r: { body: string }) => (r.body ? JSON.parse(r.body) : undefined);

describe('items handler', () => {
  let consoleError: jest.SpyInstance;
  beforeEach(() => { consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined); });
  afterEach(() => jest.restoreAllMocks());

  test('POST /items creates an item with a new id and answers 201', async () => {
    const { db, sent } = fakeDb(() => ({}));
    const handler = createHandler(db, 'items', { newId: () => ID, now: () => NOW });
    const result = await handler(event('POST', '/items', { body: '{"name":"Widget","description":"blue"}' }));
    expect(result.statusCode).toBe(201);
    expect(bodyOf(result)).toEqual({ id: ID, name: 'Widget', description: 'blue', createdAt: NOW.toISOString() });
    expect(sent[0]).toBeInstanceOf(PutCommand);
    expect((sent[0] as PutCommand).input).toEqual({
      TableName: 'items', Item: { id: ID, name: 'Widget', description: 'blue', createdAt: NOW.toISOString() },
      ConditionExpression: 'attribute_not_exists(id)',
    });
  });

  test.each([
    ['{"name": broken', 'body must be valid JSON'],
    ['[1]', 'body must be a JSON object'],
    ['{}', 'name must be a non-empty string of at most 200 characters'],
    ['{"name":"   "}', 'name must be a non-empty string of at most 200 characters'],
    [JSON.stringify({ name: 'x'.repeat(201) }), 'name must be a non-empty string of at most 200 characters'],
    ['{"name":"a","description":5}', 'description must be a string of at most 2000 characters'],
    ['{"name":"a","price":5}', 'unknown field(s): price'],
  ])('POST /items with body %s answers 400 without touching DynamoDB', async (body, message) => {
    const { db, sent } = fakeDb(() => ({}));
    const result = await createHandler(db, 'items')(event('POST', '/items', { body }));
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ message });
    expect(sent).toEqual([]);
  });

  test('a base64-encoded body is decoded', async () => {
    const { db } = fakeDb(() => ({}));
    const result = await createHandler(db, 'items', { newId: () => ID, now: () => NOW })(event('POST', '/items', {
      body: Buffer.from('{"name":"Widget"}').toString('base64'), isBase64Encoded: true,
    }));
    expect(result.statusCode).toBe(201);
  });

  test('GET /items/{id} returns the item', async () => {
    const item = { id: ID, name: 'Widget', createdAt: NOW.toISOString() };
    const { db, sent } = fakeDb(() => ({ Item: item }));
    const result = await createHandler(db, 'items')(event('GET', '/items/{id}', { pathParameters: { id: ID } }));
    expect([result.statusCode, bodyOf(result)]).toEqual([200, item]);
    expect((sent[0] as GetCommand).input).toEqual({ TableName: 'items', Key: { id: ID } });
  });

  test('GET /items/{id} of a missing item answers 404', async () => {
    const { db } = fakeDb(() => ({}));
    const result = await createHandler(db, 'items')(event('GET', '/items/{id}', { pathParameters: { id: ID } }));
    expect([result.statusCode, bodyOf(result)]).toEqual([404, { message: 'item not found' }]);
  });

  test('a malformed id answers 400 without touching DynamoDB', async () => {
    const { db, sent } = fakeDb(() => ({}));
    const result = await createHandler(db, 'items')(event('GET', '/items/{id}', { pathParameters: { id: '../etc' } }));
    expect([result.statusCode, bodyOf(result)]).toEqual([400, { message: 'id must be an item id (a UUID)' }]);
    expect(sent).toEqual([]);
  });

  test('DELETE /items/{id} deletes only an existing item and answers 204', async () => {
    const { db, sent } = fakeDb(() => ({}));
    const result = await createHandler(db, 'items')(event('DELETE', '/items/{id}', { pathParameters: { id: ID } }));
    expect([result.statusCode, result.body]).toEqual([204, '']);
    expect(sent[0]).toBeInstanceOf(DeleteCommand);
    expect((sent[0] as DeleteCommand).input.ConditionExpression).toBe('attribute_exists(id)');
  });

  test('DELETE of a missing item answers 404', async () => {
    const missing = Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    const { db } = fakeDb(() => missing);
    const result = await createHandler(db, 'items')(event('DELETE', '/items/{id}', { pathParameters: { id: ID } }));
    expect([result.statusCode, bodyOf(result)]).toEqual([404, { message: 'item not found' }]);
  });

  test('GET /items lists a page and hands out a token for the next', async () => {
    const { db, sent } = fakeDb(() => ({ Items: [{ id: ID }], LastEvaluatedKey: { id: ID } }));
    const handler = createHandler(db, 'items');
    const first = await handler(event('GET', '/items'));
    expect(first.statusCode).toBe(200);
    const { items, nextToken } = bodyOf(first);
    expect(items).toEqual([{ id: ID }]);
    await handler(event('GET', '/items', { queryStringParameters: { nextToken } }));
    expect((sent[1] as ScanCommand).input).toEqual({ TableName: 'items', Limit: 50, ExclusiveStartKey: { id: ID } });
  });

  test('a forged next token answers 400', async () => {
    const { db } = fakeDb(() => ({}));
    const result = await createHandler(db, 'items')(event('GET', '/items', { queryStringParameters: { nextToken: 'garbage' } }));
    expect([result.statusCode, bodyOf(result)]).toEqual([400, { message: 'nextToken is not a token this API returned' }]);
  });

  test('a DynamoDB failure answers 500 with no stack trace, and is logged', async () => {
    const { db } = fakeDb(() => Object.assign(new Error('Rate exceeded at DynamoDB.send (/var/task/index.js:1:2)'), { name: 'ProvisionedThroughputExceededException' }));
    const result = await createHandler(db, 'items')(event('GET', '/items/{id}', { pathParameters: { id: ID } }));
    expect(result).toEqual({ statusCode: 500, headers: { 'content-type': 'application/json' }, body: '{"message":"internal error"}' });
    expect(JSON.parse(consoleError.mock.calls[0][0])).toMatchObject({ event: 'unhandled', requestId: 'req-1', error: 'ProvisionedThroughputExceededException' });
  });

  test('unknown routes answer 404, known paths with other methods 405', async () => {
    const { db } = fakeDb(() => ({}));
    const handler = createHandler(db, 'items');
    expect((await handler(event('GET', '/other'))).statusCode).toBe(404);
    expect((await handler(event('PUT', '/items/{id}'))).statusCode).toBe(405);
  });
});

describe('items handler CORS headers', () => {
  const APP = 'https://app.example.com';
  beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  test('without allowed origins no CORS header is added', async () => {
    const { db } = fakeDb(() => ({ Items: [] }));
    const result = await createHandler(db, 'items')(event('GET', '/items', { headers: { Origin: APP } }));
    expect(result.headers).toEqual({ 'content-type': 'application/json' });
  });

  test('an allowed origin is echoed with Vary: Origin, whatever the header\'s case', async () => {
    const { db } = fakeDb(() => ({ Items: [] }));
    const handler = createHandler(db, 'items', { allowedOrigins: [APP, 'http://localhost:3000'] });
    expect((await handler(event('GET', '/items', { headers: { Origin: APP } }))).headers)
      .toEqual({ 'content-type': 'application/json', 'access-control-allow-origin': APP, vary: 'Origin' });
    expect((await handler(event('GET', '/items', { headers: { origin: 'http://localhost:3000' } }))).headers['access-control-allow-origin'])
      .toBe('http://localhost:3000');
  });

  test('another origin, or none, is not echoed; Vary: Origin still keeps caches apart', async () => {
    const { db } = fakeDb(() => ({ Items: [] }));
    const handler = createHandler(db, 'items', { allowedOrigins: [APP] });
    for (const headers of [{ Origin: 'https://evil.example.com' }, {}, null]) {
      expect((await handler(event('GET', '/items', { headers }))).headers).toEqual({ 'content-type': 'application/json', vary: 'Origin' });
    }
  });

  test('error answers (400, 404, 405, 500) and 204 carry the headers too', async () => {
    const headers = { Origin: APP };
    const failing = createHandler(fakeDb(() => new Error('down')).db, 'items', { allowedOrigins: [APP] });
    const handler = createHandler(fakeDb(() => ({})).db, 'items', { allowedOrigins: [APP] });
    const results = [
      await handler(event('POST', '/items', { headers, body: '{' })),
      await handler(event('GET', '/items/{id}', { headers, pathParameters: { id: ID } })),
      await handler(event('PUT', '/items', { headers })),
      await handler(event('DELETE', '/items/{id}', { headers, pathParameters: { id: ID } })),
      await failing(event('GET', '/items', { headers })),
    ];
    expect(results.map((r) => [r.statusCode, r.headers['access-control-allow-origin']])).toEqual([[400, APP], [404, APP], [405, APP], [204, APP], [500, APP]]);
  });

  test('"*" allows every origin without Vary', () => {
    expect(corsHeaders(['*'], 'https://anyone.example.org')).toEqual({ 'access-control-allow-origin': '*' });
    expect(corsHeaders(['*'], undefined)).toEqual({ 'access-control-allow-origin': '*' });
  });

  test('ALLOWED_ORIGINS is read as the construct writes it: comma-separated', () => {
    expect(parseOrigins('https://a.example.com,http://localhost:3000')).toEqual(['https://a.example.com', 'http://localhost:3000']);
    expect(parseOrigins('*')).toEqual(['*']);
    expect(parseOrigins('')).toEqual([]);
    expect(parseOrigins(undefined)).toEqual([]);
  });
});
