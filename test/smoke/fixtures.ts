import * as http from 'http';
import { AddressInfo } from 'net';
import { awsClients } from '../../smoke/clients';
import { httpClient } from '../../smoke/http';
import { SmokeContext } from '../../smoke/types';

/** A server on 127.0.0.1 answering with `handler`; close it after the tests. */
export async function localServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A smoke context with real client objects (their sends are mocked by aws-sdk-client-mock) and a fast clock. */
export function testContext(overrides: Partial<SmokeContext> = {}): SmokeContext {
  const config = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } };
  return {
    stage: 'Sandbox',
    region: 'us-east-1',
    runId: 'run-1',
    waitMs: 2_000,
    http: httpClient(2_000),
    s3ObjectUrl: (bucket, key) => `http://127.0.0.1:9/${bucket}/${key}`,
    signer: (service) => async (_url, init) => ({ ...init, headers: { ...init.headers, authorization: `AWS4-HMAC-SHA256 test-${service}` } }),
    clients: awsClients(config),
    ...overrides,
  };
}

/**
 * SQS's answer to a receive when no message has arrived: empty, after a few
 * milliseconds, as a long poll returns empty only after waiting. An instant
 * empty answer would make a receive loop spin until its deadline.
 */
export function noMessageYet(): Promise<Record<string, never>> {
  return new Promise((resolve) => setTimeout(() => resolve({}), 5));
}
