import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { httpClient } from '../../smoke/http';
import { bucketRefusesDirectAccess, SECURITY_HEADERS, siteServesSecurely } from '../../smoke/checks/static-site';
import { loadBalancerSpreads } from '../../smoke/checks/web-tier';
import { localServer, testContext } from './fixtures';

const autoScaling = mockClient(AutoScalingClient);
afterEach(() => autoScaling.reset());
const inService = (n: number) => autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
  AutoScalingGroups: [{ Instances: Array.from({ length: n }, (_, i) => ({ InstanceId: `i-${i}`, LifecycleState: 'InService' })) } as never],
});

describe('http client', () => {
  test('gives up on a server that never answers, within its timeout', async () => {
    const server = await localServer(() => undefined);
    const start = Date.now();
    await expect(httpClient(100).request(server.url)).rejects.toThrow();
    expect(Date.now() - start).toBeLessThan(2_000);
    await server.close();
  });
});

describe('web tier smoke check', () => {
  test('passes when answers come from more than one instance', async () => {
    let n = 0;
    const server = await localServer((_req, res) => res.end(`<h1>Hello from i-0000000${n++ % 2}a</h1>`));
    inService(2);
    const outcome = await loadBalancerSpreads.run(testContext(), { LoadBalancerUrl: server.url, AutoScalingGroupName: 'asg' });
    expect(outcome.status).toBe('pass');
    expect(outcome.detail).toContain('from 2 instance(s) (i-00000000a, i-00000001a)');
    await server.close();
  });

  test('fails when two instances run but one answers everything', async () => {
    const server = await localServer((_req, res) => res.end('<h1>Hello from i-00000000a</h1>'));
    inService(2);
    const outcome = await loadBalancerSpreads.run(testContext(), { LoadBalancerUrl: server.url, AutoScalingGroupName: 'asg' });
    expect(outcome).toEqual({ status: 'fail', detail: '2 instances in service, but all 12 answers came from i-00000000a' });
    await server.close();
  });

  test('fails on a non-200 answer', async () => {
    const server = await localServer((_req, res) => { res.statusCode = 502; res.end(); });
    inService(1);
    expect(await loadBalancerSpreads.run(testContext(), { LoadBalancerUrl: server.url, AutoScalingGroupName: 'asg' }))
      .toEqual({ status: 'fail', detail: 'request 1 of 12 answered 502' });
    await server.close();
  });
});

describe('static site smoke checks', () => {
  const secure = Object.fromEntries(SECURITY_HEADERS.map((h) => [h, 'set']));

  test('the site passes with every security header, and fails naming a missing one', async () => {
    const good = await localServer((_req, res) => { res.writeHead(200, secure); res.end('ok'); });
    expect((await siteServesSecurely.run(testContext(), { SiteUrl: good.url })).status).toBe('pass');
    const { 'content-security-policy': _csp, ...withoutCsp } = secure;
    const bad = await localServer((_req, res) => { res.writeHead(200, withoutCsp); res.end('ok'); });
    expect(await siteServesSecurely.run(testContext(), { SiteUrl: bad.url })).toEqual({ status: 'fail', detail: 'missing headers: content-security-policy' });
    await good.close();
    await bad.close();
  });

  test('direct bucket access passes only when refused with 403', async () => {
    const refusing = await localServer((_req, res) => { res.statusCode = 403; res.end(); });
    const open = await localServer((_req, res) => res.end('<html>'));
    const via = (url: string) => testContext({ s3ObjectUrl: (bucket, key) => `${url}/${bucket}/${key}` });
    expect((await bucketRefusesDirectAccess.run(via(refusing.url), { BucketName: 'b' })).status).toBe('pass');
    expect(await bucketRefusesDirectAccess.run(via(open.url), { BucketName: 'b' })).toEqual({ status: 'fail', detail: `${open.url}/b/index.html answered 200, expected 403` });
    await refusing.close();
    await open.close();
  });
});
