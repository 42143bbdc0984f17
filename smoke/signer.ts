import { Sha256 } from '@aws-crypto/sha256-js';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from './http';

/** Signs requests with SigV4, as an IAM caller of API Gateway does. */
export type RequestSigner = (url: string, init: HttpRequest) => Promise<HttpRequest>;

/** A SigV4 signer for `service` in `region` with the caller's credentials. */
export function sigV4Signer(credentials: AwsCredentialIdentityProvider, region: string, service: string): RequestSigner {
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256 });
  return async (url, init) => {
    const u = new URL(url);
    const signed = await signer.sign({
      method: init.method ?? 'GET',
      protocol: u.protocol,
      hostname: u.hostname,
      port: u.port ? Number(u.port) : undefined,
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers: { ...init.headers, host: u.host },
      body: init.body,
    });
    return { ...init, headers: signed.headers as Record<string, string> };
  };
}
