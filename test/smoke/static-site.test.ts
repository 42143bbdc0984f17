import { missingPathServesErrorPage } from '../../smoke/checks/static-site';
import { localServer, testContext } from './fixtures';

const INDEX = '<html><h1>It works.</h1></html>';
const NOT_FOUND = '<html><h1>Not found</h1></html>';
const ACCESS_DENIED = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';

/** A fake distribution: `/` and `/404.html` exist; any other path gets `missing`. */
function fakeSite(missing: { status: number; body: string }) {
  return localServer((req, res) => {
    const page = { '/': INDEX, '/404.html': NOT_FOUND }[req.url ?? ''];
    res.statusCode = page ? 200 : missing.status;
    res.end(page ?? missing.body);
  });
}

describe('static site smoke check: a missing path', () => {
  test('passes on 404 with the site\'s 404 page', async () => {
    const site = await fakeSite({ status: 404, body: NOT_FOUND });
    const outcome = await missingPathServesErrorPage.run(testContext(), { SiteUrl: `${site.url}/`, MissingPathStatus: '404' });
    expect(outcome).toEqual({ status: 'pass', detail: `${site.url}/smoke-run-1/no-such-page answered 404 with the content of ${site.url}/404.html` });
    await site.close();
  });

  test('fails on S3\'s AccessDenied (the bucket answering 403 for a missing key), naming it', async () => {
    const site = await fakeSite({ status: 403, body: ACCESS_DENIED });
    const outcome = await missingPathServesErrorPage.run(testContext(), { SiteUrl: `${site.url}/`, MissingPathStatus: '404' });
    expect(outcome).toEqual({ status: 'fail', detail: `${site.url}/smoke-run-1/no-such-page answered 403 (S3 AccessDenied), expected 404` });
    await site.close();
  });

  test('fails on a 404 that is not the site\'s page (CloudFront\'s bare error)', async () => {
    const site = await fakeSite({ status: 404, body: '<html>404 Not Found</html>' });
    const outcome = await missingPathServesErrorPage.run(testContext(), { SiteUrl: `${site.url}/`, MissingPathStatus: '404' });
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toContain(`but not with the content of ${site.url}/404.html`);
    await site.close();
  });

  test('SPA: passes on 200 with the app\'s index, fails on the 404 page', async () => {
    const spa = await fakeSite({ status: 200, body: INDEX });
    expect(await missingPathServesErrorPage.run(testContext(), { SiteUrl: `${spa.url}/`, MissingPathStatus: '200' }))
      .toEqual({ status: 'pass', detail: `${spa.url}/smoke-run-1/no-such-page answered 200 with the content of ${spa.url}/` });
    const notSpa = await fakeSite({ status: 404, body: NOT_FOUND });
    expect((await missingPathServesErrorPage.run(testContext(), { SiteUrl: `${notSpa.url}/`, MissingPathStatus: '200' })).detail)
      .toBe(`${notSpa.url}/smoke-run-1/no-such-page answered 404, expected 200`);
    await spa.close();
    await notSpa.close();
  });

  test('fails when the error page itself is missing', async () => {
    const site = await localServer((_req, res) => { res.statusCode = 403; res.end(ACCESS_DENIED); });
    expect(await missingPathServesErrorPage.run(testContext(), { SiteUrl: `${site.url}/`, MissingPathStatus: '404' }))
      .toEqual({ status: 'fail', detail: `${site.url}/404.html answered 403; the error page itself is missing` });
    await site.close();
  });
});
