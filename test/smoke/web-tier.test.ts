import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { httpClient } from '../../smoke/http';
import { httpRedirectProblem, loadBalancerSpreads } from '../../smoke/checks/web-tier';
import { localServer, testContext } from './fixtures';

const autoScaling = mockClient(AutoScalingClient);
afterEach(() => autoScaling.reset());

describe('web tier smoke check: health and HTTPS', () => {
  test('fails naming an instance in service that is unhealthy, before any request', async () => {
    let requests = 0;
    const server = await localServer((_req, res) => { requests++; res.end('<h1>Hello from i-00000000a</h1>'); });
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ Instances: [
      { InstanceId: 'i-0000000a', LifecycleState: 'InService', HealthStatus: 'Healthy' },
      { InstanceId: 'i-0000000b', LifecycleState: 'InService', HealthStatus: 'Unhealthy' },
    ] } as never] });
    expect(await loadBalancerSpreads.run(testContext(), { LoadBalancerUrl: server.url, AutoScalingGroupName: 'asg' }))
      .toEqual({ status: 'fail', detail: 'in service but unhealthy: i-0000000b' });
    expect(requests).toBe(0);
    await server.close();
  });

  test('HTTP redirected permanently to HTTPS passes', async () => {
    const server = await localServer((req, res) => { res.writeHead(301, { location: `https://example.com${req.url}` }); res.end(); });
    expect(await httpRedirectProblem(httpClient(2_000), 'https://example.com/', `${server.url}/`)).toBeUndefined();
    await server.close();
  });

  test('HTTP that serves the page instead of redirecting fails, saying what it did', async () => {
    const server = await localServer((_req, res) => res.end('hello'));
    expect(await httpRedirectProblem(httpClient(2_000), 'https://example.com/', `${server.url}/`))
      .toBe('plain HTTP answered 200, not a 301 redirect to HTTPS');
    await server.close();
  });
});
