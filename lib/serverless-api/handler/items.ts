// Lambda handler of the items API (API Gateway REST API, proxy integration).
// Routes: GET /items, POST /items, GET /items/{id}, DELETE /items/{id}.
// Every answer is JSON with a proper status code; errors never leak a stack trace.
// With CORS on (ALLOWED_ORIGINS), every answer carries the CORS headers a browser needs to read it.
import { randomUUID } from 'crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { MAX_DESCRIPTION, MAX_NAME } from './item-schema';

/** The parts of an API Gateway proxy event this handler reads. */
export interface ApiEvent {
  readonly httpMethod: string;
  readonly resource: string;
  readonly headers?: { readonly [name: string]: string | undefined } | null;
  readonly pathParameters?: { readonly [name: string]: string | undefined } | null;
  readonly queryStringParameters?: { readonly [name: string]: string | undefined } | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly requestId?: string };
}

/** A proxy integration response. */
export interface ApiResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What the handler needs of DynamoDB: the document client's `send`. */
export interface DocumentClient {
  send(command: object): Promise<any>;
}

/** An item as stored and returned. */
export interface Item {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly createdAt: string;
}

class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

const PAGE_SIZE = 50;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a handler is built with besides its table; each has the production default. */
export interface HandlerOptions {
  /** New item ids. @default randomUUID */
  readonly newId?: () => string;
  /** The clock. @default the system clock */
  readonly now?: () => Date;
  /** Origins allowed by CORS, or `['*']`. @default none: no CORS headers */
  readonly allowedOrigins?: readonly string[];
}

/** Builds a handler on a table and client; the module's `handler` uses the real ones. */
export function createHandler(db: DocumentClient, tableName: string, options: HandlerOptions = {}) {
  const { newId = randomUUID, now = () => new Date(), allowedOrigins = [] } = options;
  const routes: Record<string, (event: ApiEvent) => Promise<ApiResult>> = {
    'GET /items': async (event) => {
      const startKey = decodeToken(event.queryStringParameters?.nextToken);
      const page = await db.send(new ScanCommand({ TableName: tableName, Limit: PAGE_SIZE, ExclusiveStartKey: startKey }));
      const nextToken = page.LastEvaluatedKey ? Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url') : undefined;
      return json(200, { items: page.Items ?? [], nextToken });
    },
    'POST /items': async (event) => {
      const input = parseItemInput(event);
      const item: Item = { id: newId(), ...input, createdAt: now().toISOString() };
      await db.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
      return json(201, item);
    },
    'GET /items/{id}': async (event) => {
      const result = await db.send(new GetCommand({ TableName: tableName, Key: { id: idOf(event) } }));
      if (!result.Item) throw new HttpError(404, 'item not found');
      return json(200, result.Item);
    },
    'DELETE /items/{id}': async (event) => {
      try {
        await db.send(new DeleteCommand({ TableName: tableName, Key: { id: idOf(event) }, ConditionExpression: 'attribute_exists(id)' }));
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') throw new HttpError(404, 'item not found');
        throw error;
      }
      return { statusCode: 204, headers: JSON_HEADERS, body: '' };
    },
  };

  const answer = async (event: ApiEvent): Promise<ApiResult> => {
    const route = routes[`${event.httpMethod} ${event.resource}`];
    try {
      if (!route) throw new HttpError(event.resource in ROUTE_METHODS ? 405 : 404, 'no such route');
      return await route(event);
    } catch (error) {
      if (error instanceof HttpError) return json(error.statusCode, { message: error.message });
      // Unexpected (DynamoDB down, throttled, ...): log it, answer without details.
      console.error(JSON.stringify({ event: 'unhandled', requestId: event.requestContext?.requestId, error: (error as Error).name, message: (error as Error).message }));
      return json(500, { message: 'internal error' });
    }
  };
  return async (event: ApiEvent): Promise<ApiResult> => {
    const result = await answer(event);
    return { ...result, headers: { ...result.headers, ...corsHeaders(allowedOrigins, headerOf(event, 'origin')) } };
  };
}

/**
 * The CORS headers of an answer to a request from `origin`: `*` when every
 * origin is allowed; otherwise the request's origin echoed only when it is
 * allowed, and `Vary: Origin` so that caches keep answers per origin.
 */
export function corsHeaders(allowedOrigins: readonly string[], origin: string | undefined): Record<string, string> {
  if (allowedOrigins.length === 0) return {};
  if (allowedOrigins.includes('*')) return { 'access-control-allow-origin': '*' };
  const allowed = origin !== undefined && allowedOrigins.includes(origin);
  return allowed ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' };
}

/** A request header by name, whatever its case (HTTP/2 clients send lower case). */
function headerOf(event: ApiEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** The comma-separated origins of ALLOWED_ORIGINS, as the construct sets it. */
export function parseOrigins(value: string | undefined): string[] {
  return (value ?? '').split(',').map((o) => o.trim()).filter((o) => o.length > 0);
}

const ROUTE_METHODS: Record<string, true> = { '/items': true, '/items/{id}': true };
const JSON_HEADERS = { 'content-type': 'application/json' };

function json(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

function idOf(event: ApiEvent): string {
  const id = event.pathParameters?.id;
  if (!id || !ID.test(id)) throw new HttpError(400, 'id must be an item id (a UUID)');
  return id;
}

function decodeToken(token: string | undefined): Record<string, unknown> | undefined {
  if (token === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof key === 'object' && key !== null && typeof key.id === 'string') return { id: key.id };
  } catch {
    // fall through
  }
  throw new HttpError(400, 'nextToken is not a token this API returned');
}

/** Validates a create request body; the API's JSON-schema model checks the same first. */
export function parseItemInput(event: ApiEvent): { name: string; description?: string } {
  let body: unknown;
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? '';
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body must be valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
  const { name, description, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new HttpError(400, `unknown field(s): ${Object.keys(rest).join(', ')}`);
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_NAME) {
    throw new HttpError(400, `name must be a non-empty string of at most ${MAX_NAME} characters`);
  }
  if (description !== undefined && (typeof description !== 'string' || description.length > MAX_DESCRIPTION)) {
    throw new HttpError(400, `description must be a string of at most ${MAX_DESCRIPTION} characters`);
  }
  return description === undefined ? { name } : { name, description };
}

// Created once per container and reused by warm invocations (the notes' "globals outside the handler").
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = createHandler(client, process.env.TABLE_NAME ?? '', { allowedOrigins: parseOrigins(process.env.ALLOWED_ORIGINS) });
