import { awsClients } from '../../smoke/clients';
import { Clock } from '../../smoke/clock';
import { httpClient } from '../../smoke/http';
import { SmokeContext } from '../../smoke/types';

// Kept apart (test/local-server.ts) so a test that needs only the server does not load every AWS SDK client.
export { localServer } from '../local-server';

/** A clock that never waits: sleeping moves it forward at once, after letting other callbacks run. */
export function simulatedClock(): Clock {
  let now = Date.UTC(2026, 0, 1);
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** The simulated clock of testContext(), which noMessageYet() moves. */
export const testClock = simulatedClock();

/** A smoke context with real client objects (their sends are mocked by aws-sdk-client-mock) and the simulated test clock. */
export function testContext(overrides: Partial<SmokeContext> = {}): SmokeContext {
  const config = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } };
  return {
    stage: 'Sandbox',
    region: 'us-east-1',
    runId: 'run-1',
    waitMs: 2_000,
    clock: testClock,
    http: httpClient(2_000),
    s3ObjectUrl: (bucket, key) => `http://127.0.0.1:9/${bucket}/${key}`,
    signer: (service) => async (_url, init) => ({ ...init, headers: { ...init.headers, authorization: `AWS4-HMAC-SHA256 test-${service}` } }),
    clients: awsClients(config),
    ...overrides,
  };
}

/**
 * SQS's answer to a receive when no message has arrived: empty once the long
 * poll's wait has passed on the test clock, as SQS answers. An empty answer
 * that took no time would make a receive loop spin until its deadline.
 */
export async function noMessageYet(input: { WaitTimeSeconds?: number }): Promise<Record<string, never>> {
  await testClock.sleep((input.WaitTimeSeconds ?? 0) * 1000);
  return {};
}
