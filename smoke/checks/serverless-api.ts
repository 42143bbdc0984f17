import { HttpRequest } from '../http';
import { fail, pass, skip, SmokeCheck, SmokeContext } from '../types';

type Authorize = (url: string, init: HttpRequest) => Promise<HttpRequest>;

/**
 * A create-get-delete round trip with the API's authorization, and a refused
 * unauthorized request; with CORS on, both answers (the handler's and API
 * Gateway's own) let a browser of an allowed origin read them.
 */
export const apiRoundTrip: SmokeCheck = {
  architecture: 'ServerlessApi',
  name: 'an authorized create-get-delete round trip works; an unauthorized request is refused; CORS headers on both',
  async run(ctx, outputs) {
    const mode = outputs.AuthorizationMode;
    const url = outputs.ApiUrl.replace(/\/$/, '');
    if (!url.endsWith('/items')) return skip('the API serves your own function, not the items example; check it with your own requests');
    const authorize = await authorizerFor(ctx, mode, outputs);
    if (!authorize) return skip(`authorization "${mode}" needs a Cognito user signed in with MFA; call the API with its ID token by hand`);
    const origin = corsOriginOf(outputs);
    const originHeader: Record<string, string> = origin ? { origin } : {};
    const call = async (target: string, init: HttpRequest = {}) =>
      ctx.http.request(target, await authorize(target, { ...init, headers: { ...originHeader, ...init.headers } }));
    const created = await call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `smoke ${ctx.runId}` }) });
    if (created.status !== 201) return fail(`POST ${url} answered ${created.status}: ${created.body.slice(0, 200)}`);
    const id = JSON.parse(created.body).id as string;
    let deleted = false;
    try {
      const got = await call(`${url}/${id}`);
      if (got.status !== 200 || JSON.parse(got.body).id !== id) return fail(`GET ${url}/${id} answered ${got.status}`);
      if (origin && !allowsOrigin(got.headers, origin)) return fail(`GET ${url}/${id} from origin ${origin} has no Access-Control-Allow-Origin for it`);
      const gone = await call(`${url}/${id}`, { method: 'DELETE' });
      deleted = gone.status === 204;
      if (!deleted) return fail(`DELETE ${url}/${id} answered ${gone.status}`);
      const after = await call(`${url}/${id}`);
      if (after.status !== 404) return fail(`GET after DELETE answered ${after.status}, expected 404`);
    } finally {
      if (!deleted) await call(`${url}/${id}`, { method: 'DELETE' }).catch(() => undefined);
    }
    const cors = origin ? `; CORS headers for ${origin}` : '';
    if (mode === 'unauthenticated') return pass(`created, read and deleted an item; the API is public by its explicit opt-in${cors}`);
    const refused = await ctx.http.request(url, { headers: originHeader });
    if (refused.status !== 401 && refused.status !== 403) return fail(`an unauthorized GET answered ${refused.status}, expected 401 or 403`);
    if (origin && !allowsOrigin(refused.headers, origin)) return fail(`the refusal (${refused.status}) from origin ${origin} has no Access-Control-Allow-Origin for it: the browser hides it`);
    return pass(`created, read and deleted an item with ${mode} authorization; an unauthorized request got ${refused.status}${cors}`);
  },
};

/** An origin to call from when CORS is on: the first allowed one, or any for "*". */
function corsOriginOf(outputs: Record<string, string>): string | undefined {
  const first = outputs.AllowedOrigins?.split(',')[0];
  return first === '*' ? 'https://smoke-test.example.com' : first || undefined;
}

function allowsOrigin(headers: Record<string, string>, origin: string): boolean {
  const allowed = headers['access-control-allow-origin'];
  return allowed === '*' || allowed === origin;
}

async function authorizerFor(ctx: SmokeContext, mode: string, outputs: Record<string, string>): Promise<Authorize | undefined> {
  switch (mode) {
    case 'iam': return ctx.signer('execute-api');
    case 'apiKey': {
      // The key's value, read with the caller's credentials from the API Gateway management API.
      const keyUrl = `https://apigateway.${ctx.region}.amazonaws.com/apikeys/${outputs.ApiKeyId}?includeValue=true`;
      const response = await ctx.http.request(keyUrl, await ctx.signer('apigateway')(keyUrl, {}));
      if (response.status !== 200) throw new Error(`reading API key ${outputs.ApiKeyId} answered ${response.status}`);
      const value = JSON.parse(response.body).value as string;
      return async (_url, init) => ({ ...init, headers: { ...init.headers, 'x-api-key': value } });
    }
    case 'unauthenticated': return async (_url, init) => init;
    default: return undefined;
  }
}
