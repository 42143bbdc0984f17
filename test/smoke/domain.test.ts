import { apiOnDomain, httpsProblem, siteOnDomain, webTierOnDomain } from '../../smoke/checks/domain';
import { HttpClient, HttpResponse } from '../../smoke/http';
import { testContext } from './fixtures';

/** A client answering from a table of URLs; an Error is thrown as fetch throws it (the socket's code in `cause`). */
function client(answers: Record<string, Partial<HttpResponse> | { code: string }>): HttpClient & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async request(url) {
      asked.push(url);
      const answer = answers[url];
      if (!answer) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      if ('code' in answer) throw Object.assign(new TypeError('fetch failed'), { cause: { code: answer.code } });
      return { status: 200, headers: {}, body: '', ...answer };
    },
  };
}
const redirect = (to: string) => ({ status: 301, headers: { location: to } });

describe('domain smoke checks: the names resolve, HTTPS only', () => {
  test('the web tier on its name: HTTPS answers and HTTP redirects: pass', async () => {
    const http = client({ 'https://app.example.com/': { status: 200 }, 'http://app.example.com/': redirect('https://app.example.com/') });
    expect(await webTierOnDomain.run(testContext({ http }), { DomainUrl: 'https://app.example.com/' }))
      .toEqual({ status: 'pass', detail: 'https://app.example.com/ answers HTTPS; plain HTTP redirects to it' });
  });

  test('a name that does not resolve fails, saying so', async () => {
    const http = client({ 'https://www.example.com/': { code: 'ENOTFOUND' } });
    expect(await siteOnDomain.run(testContext({ http }), { DomainUrl: 'https://www.example.com/' }))
      .toEqual({ status: 'fail', detail: 'www.example.com does not resolve (ENOTFOUND)' });
  });

  test('a certificate that does not cover the name fails, saying so', async () => {
    const http = client({ 'https://www.example.com/': { code: 'ERR_TLS_CERT_ALTNAME_INVALID' } });
    expect(await siteOnDomain.run(testContext({ http }), { DomainUrl: 'https://www.example.com/' }))
      .toEqual({ status: 'fail', detail: 'www.example.com answers HTTPS with a certificate that does not cover it or is not trusted (ERR_TLS_CERT_ALTNAME_INVALID)' });
  });

  test('plain HTTP that serves instead of redirecting fails', async () => {
    const http = client({ 'https://app.example.com/': { status: 200 }, 'http://app.example.com/': { status: 200 } });
    expect(await webTierOnDomain.run(testContext({ http }), { DomainUrl: 'https://app.example.com/' }))
      .toEqual({ status: 'fail', detail: 'app.example.com: plain HTTP answered 200, not a 301 redirect to HTTPS' });
  });

  test('the API: HTTPS answers (an unsigned request is refused, which is an answer) and nothing listens on port 80: pass', async () => {
    const http = client({ 'https://api.example.com/': { status: 403 } });
    expect(await apiOnDomain.run(testContext({ http }), { DomainUrl: 'https://api.example.com/' }))
      .toEqual({ status: 'pass', detail: 'https://api.example.com/ answers HTTPS; plain HTTP is not answered' });
    expect(http.asked).toEqual(['https://api.example.com/', 'http://api.example.com/']);
  });

  test('the API answering plain HTTP fails', async () => {
    const http = client({ 'https://api.example.com/': { status: 403 }, 'http://api.example.com/': { status: 200 } });
    expect(await apiOnDomain.run(testContext({ http }), { DomainUrl: 'https://api.example.com/' }))
      .toEqual({ status: 'fail', detail: 'api.example.com: plain HTTP answered 200; expected nothing to listen on port 80' });
  });

  test('a server error over HTTPS fails', async () => {
    expect(await httpsProblem(client({ 'https://app.example.com/': { status: 502 } }), 'https://app.example.com/')).toBe('https://app.example.com/ answered 502');
  });

  test('a stage without a domain is skipped, asking nothing', async () => {
    const http = client({});
    expect(await webTierOnDomain.run(testContext({ http }), { LoadBalancerUrl: 'http://lb/' })).toEqual({ status: 'skip', detail: 'the stage has no domain (-c domainName, -c hostedZoneId)' });
    expect(http.asked).toEqual([]);
  });
});
