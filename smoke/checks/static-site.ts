import { fail, pass, SmokeCheck } from '../types';

/** Headers the distribution's response headers policy must add. */
export const SECURITY_HEADERS = ['strict-transport-security', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy'];

/** The site answers through CloudFront with the security headers. */
export const siteServesSecurely: SmokeCheck = {
  architecture: 'StaticSite',
  name: 'CloudFront answers 200 with the security headers',
  readOnly: true,
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
  readOnly: true,
  async run(ctx, outputs) {
    const url = ctx.s3ObjectUrl(outputs.BucketName, 'index.html');
    const response = await ctx.http.request(url);
    return response.status === 403 ? pass(`${url} answered 403`) : fail(`${url} answered ${response.status}, expected 403`);
  },
};

/**
 * A path with no object gets the site's error page: `/404.html` with status
 * 404, or in SPA mode (`MissingPathStatus` 200) `/` itself with 200; never
 * S3's AccessDenied XML or CloudFront's bare error.
 */
export const missingPathServesErrorPage: SmokeCheck = {
  architecture: 'StaticSite',
  name: 'a missing path gets the site\'s 404 page (SPA: the app)',
  readOnly: true,
  async run(ctx, outputs) {
    const spa = outputs.MissingPathStatus === '200';
    const expectedStatus = spa ? 200 : 404;
    const pageUrl = new URL(spa ? '/' : '/404.html', outputs.SiteUrl).toString();
    const missingUrl = new URL(`/smoke-${ctx.runId}/no-such-page`, outputs.SiteUrl).toString();
    const [missing, page] = [await ctx.http.request(missingUrl), await ctx.http.request(pageUrl)];
    if (page.status !== 200) return fail(`${pageUrl} answered ${page.status}; the error page itself is missing`);
    if (missing.status !== expectedStatus) {
      return fail(`${missingUrl} answered ${missing.status}${missing.body.includes('AccessDenied') ? ' (S3 AccessDenied)' : ''}, expected ${expectedStatus}`);
    }
    if (missing.body !== page.body) return fail(`${missingUrl} answered ${missing.status} but not with the content of ${pageUrl}`);
    return pass(`${missingUrl} answered ${expectedStatus} with the content of ${pageUrl}`);
  },
};
