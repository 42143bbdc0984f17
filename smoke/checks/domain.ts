import { HttpClient } from '../http';
import { fail, pass, skip, SmokeCheck } from '../types';
import { httpRedirectProblem } from './web-tier';

/** Node's codes for a name that does not resolve. */
const UNRESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN']);

/** The code of a failed request (fetch puts the socket's error in `cause`). */
function errorCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.cause?.code ?? e.code;
}

/**
 * Undefined when `url` resolves and answers over HTTPS with a certificate that
 * covers its name (the client verifies it, as a browser does) and no server
 * error; otherwise what went wrong.
 */
export async function httpsProblem(http: HttpClient, url: string): Promise<string | undefined> {
  const host = new URL(url).host;
  try {
    const response = await http.request(url);
    return response.status >= 500 ? `${url} answered ${response.status}` : undefined;
  } catch (error) {
    const code = errorCode(error);
    if (code && UNRESOLVED.has(code)) return `${host} does not resolve (${code})`;
    if (code && /CERT|SELF_SIGNED|ALTNAME|VERIFY/.test(code)) return `${host} answers HTTPS with a certificate that does not cover it or is not trusted (${code})`;
    return `${url} failed: ${code ?? (error as Error).message}`;
  }
}

/** Undefined when plain HTTP to `httpsUrl`'s host is not answered at all (nothing listens on port 80); otherwise what answered. */
export async function plainHttpRefusedProblem(http: HttpClient, httpsUrl: string): Promise<string | undefined> {
  const plain = httpsUrl.replace(/^https:/, 'http:');
  try {
    const response = await http.request(plain);
    return `plain HTTP answered ${response.status}; expected nothing to listen on port 80`;
  } catch {
    return undefined;
  }
}

/** A check of one stack's name on the stage's domain (its `DomainUrl` output). */
function onDomain(architecture: string, plainHttp: 'redirects' | 'refused'): SmokeCheck {
  return {
    architecture,
    readOnly: true,
    name: `its name on the domain resolves and answers HTTPS with a certificate covering it; plain HTTP ${plainHttp === 'redirects' ? 'redirects to HTTPS' : 'is not answered'}`,
    async run(ctx, outputs) {
      const url = outputs.DomainUrl;
      if (!url) return skip('the stage has no domain (-c domainName, -c hostedZoneId)');
      const https = await httpsProblem(ctx.http, url);
      if (https) return fail(https);
      const plain = plainHttp === 'redirects' ? await httpRedirectProblem(ctx.http, url) : await plainHttpRefusedProblem(ctx.http, url);
      if (plain) return fail(`${new URL(url).host}: ${plain}`);
      return pass(`${url} answers HTTPS; plain HTTP ${plainHttp === 'redirects' ? 'redirects to it' : 'is not answered'}`);
    },
  };
}

/** The load balancer's name: HTTPS, and HTTP redirected by its port-80 listener. */
export const webTierOnDomain = onDomain('WebTier', 'redirects');
/** The site's name: HTTPS, and HTTP redirected by CloudFront. */
export const siteOnDomain = onDomain('StaticSite', 'redirects');
/** The API's name: HTTPS only, API Gateway's custom domains listen on 443 alone. */
export const apiOnDomain = onDomain('ServerlessApi', 'refused');
