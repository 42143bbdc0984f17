import { fail, pass, SmokeCheck } from '../types';

/** Headers the distribution's response headers policy must add. */
export const SECURITY_HEADERS = ['strict-transport-security', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy'];

/** The site answers through CloudFront with the security headers. */
export const siteServesSecurely: SmokeCheck = {
  architecture: 'StaticSite',
  name: 'CloudFront answers 200 with the security headers',
  async run(ctx, outputs) {
    const response = await ctx.http.request(outputs.SiteUrl);
    if (response.status !== 200) return fail(`${outputs.SiteUrl} answered ${response.status}`);
    const missing = SECURITY_HEADERS.filter((h) => !response.headers[h]);
    if (missing.length > 0) return fail(`missing headers: ${missing.join(', ')}`);
    return pass(`200 with ${SECURITY_HEADERS.join(', ')}`);
  },
};

/** The bucket refuses direct access: content is reachable only through CloudFront. */
export const bucketRefusesDirectAccess: SmokeCheck = {
  architecture: 'StaticSite',
  name: 'the bucket refuses direct access',
  async run(ctx, outputs) {
    const url = ctx.s3ObjectUrl(outputs.BucketName, 'index.html');
    const response = await ctx.http.request(url);
    return response.status === 403 ? pass(`${url} answered 403`) : fail(`${url} answered ${response.status}, expected 403`);
  },
};
