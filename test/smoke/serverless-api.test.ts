import { apiRoundTrip } from '../../smoke/checks/serverless-api';
import { localServer, testContext } from './fixtures';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

/** A fake items API: authorized means an Authorization (SigV4) or x-api-key header, as configured. */
async function fakeApi(options: { authHeader: string; refuseUnauthorized?: boolean; failGet?: boolean; corsOn?: 'all' | 'handlerOnly' }) {
  const items = new Set<string>();
  const calls: string[] = [];
  const server = await localServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    const authorized = Boolean(req.headers[options.authHeader]);
    const origin = req.headers.origin;
    if (origin && (options.corsOn === 'all' || (options.corsOn === 'handlerOnly' && authorized))) res.setHeader('access-control-allow-origin', origin);
    if (req.url?.startsWith('/apikeys/')) { res.end(JSON.stringify({ value: 'key-value' })); return; }
    if (!authorized && options.refuseUnauthorized !== false) { res.statusCode = 403; res.end('{"message":"Forbidden"}'); return; }
    if (req.method === 'POST') { items.add(ID); res.statusCode = 201; res.end(JSON.stringify({ id: ID })); return; }
    const exists = items.has(ID);
    if (req.method === 'GET' && req.url === `/v1/items/${ID}`) {
      res.statusCode = options.failGet ? 500 : exists ? 200 : 404;
      res.end(exists ? JSON.stringify({ id: ID }) : '{}');
      return;
    }
    if (req.method === 'DELETE') { res.statusCode = exists ? 204 : 404; items.delete(ID); res.end(); return; }
    res.end('{"items":[]}');
  });
  return { ...server, items, calls };
}

describe('serverless API smoke check', () => {
  test('iam: a signed round trip passes and the unsigned request is refused', async () => {
    const api = await fakeApi({ authHeader: 'authorization' });
    const outcome = await apiRoundTrip.run(testContext(), { ApiUrl: `${api.url}/v1/items`, AuthorizationMode: 'iam' });
    expect(outcome).toEqual({ status: 'pass', detail: 'created, read and deleted an item with iam authorization; an unauthorized request got 403' });
    expect(api.items.size).toBe(0);
    await api.close();
  });

  test('fails when an unsigned request is answered', async () => {
    const api = await fakeApi({ authHeader: 'authorization', refuseUnauthorized: false });
    const outcome = await apiRoundTrip.run(testContext(), { ApiUrl: `${api.url}/v1/items`, AuthorizationMode: 'iam' });
    expect(outcome).toEqual({ status: 'fail', detail: 'an unauthorized GET answered 200, expected 401 or 403' });
    await api.close();
  });

  test('leaves nothing behind: the created item is deleted even when the read fails', async () => {
    const api = await fakeApi({ authHeader: 'authorization', failGet: true });
    const outcome = await apiRoundTrip.run(testContext(), { ApiUrl: `${api.url}/v1/items`, AuthorizationMode: 'iam' });
    expect(outcome.status).toBe('fail');
    expect(api.calls).toContain(`DELETE /v1/items/${ID}`);
    expect(api.items.size).toBe(0);
    await api.close();
  });

  test('apiKey: reads the key value with signed credentials, then calls with x-api-key', async () => {
    const api = await fakeApi({ authHeader: 'x-api-key' });
    const ctx = testContext({ region: 'local' });
    const keyCtx = { ...ctx, http: { request: (url: string, init?: object) => ctx.http.request(url.replace('https://apigateway.local.amazonaws.com', api.url), init) } };
    const outcome = await apiRoundTrip.run(keyCtx, { ApiUrl: `${api.url}/v1/items`, AuthorizationMode: 'apiKey', ApiKeyId: 'k1' });
    expect(outcome.status).toBe('pass');
    expect(api.calls[0]).toBe('GET /apikeys/k1?includeValue=true');
    await api.close();
  });

  test('cognito is skipped with the reason', async () => {
    expect((await apiRoundTrip.run(testContext(), { ApiUrl: 'http://127.0.0.1:9/v1/items', AuthorizationMode: 'cognito' })).status).toBe('skip');
  });

  test('with CORS on, the handler\'s answers and the refusal both carry the allowed origin', async () => {
    const api = await fakeApi({ authHeader: 'authorization', corsOn: 'all' });
    const outputs = { ApiUrl: `${api.url}/v1/items`, AuthorizationMode: 'iam', AllowedOrigins: 'https://app.example.com,http://localhost:3000' };
    const outcome = await apiRoundTrip.run(testContext(), outputs);
    expect(outcome).toEqual({ status: 'pass', detail: 'created, read and deleted an item with iam authorization; an unauthorized request got 403; CORS headers for https://app.example.com' });
    await api.close();
  });

  test('fails when API Gateway\'s own refusal has no CORS header (the browser would hide it)', async () => {
    const api = await fakeApi({ authHeader: 'authorization', corsOn: 'handlerOnly' });
    const outcome = await apiRoundTrip.run(testContext(), { ApiUrl: `${api.url}/v1/items`, AuthorizationMode: 'iam', AllowedOrigins: 'https://app.example.com' });
    expect(outcome).toEqual({ status: 'fail', detail: 'the refusal (403) from origin https://app.example.com has no Access-Control-Allow-Origin for it: the browser hides it' });
    await api.close();
  });

  test('fails when the handler\'s answer has no CORS header', async () => {
    const api = await fakeApi({ authHeader: 'authorization' });
    const outcome = await apiRoundTrip.run(testContext(), { ApiUrl: `${api.url}/v1/items`, AuthorizationMode: 'iam', AllowedOrigins: 'https://app.example.com' });
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toMatch(/from origin https:\/\/app.example.com has no Access-Control-Allow-Origin/);
    expect(api.items.size).toBe(0);
    await api.close();
  });

  test('an API serving your own function is skipped: the items round trip does not apply', async () => {
    const outcome = await apiRoundTrip.run(testContext(), { ApiUrl: 'http://127.0.0.1:9/v1/', AuthorizationMode: 'iam' });
    expect(outcome.status).toBe('skip');
  });
});
