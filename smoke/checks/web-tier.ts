import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { HttpClient } from '../http';
import { fail, pass, SmokeCheck } from '../types';

const REQUESTS = 12;

/**
 * The load balancer answers 200, from more than one instance when more than one
 * is running; no instance in service is unhealthy (deploys wait for healthy
 * signals); with HTTPS, plain HTTP is redirected to it.
 */
export const loadBalancerSpreads: SmokeCheck = {
  architecture: 'WebTier',
  name: 'the load balancer answers 200, from every running instance, all healthy',
  readOnly: true,
  async run(ctx, outputs) {
    const { AutoScalingGroups = [] } = await ctx.clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({
      AutoScalingGroupNames: [outputs.AutoScalingGroupName],
    }));
    const running = (AutoScalingGroups[0]?.Instances ?? []).filter((i) => i.LifecycleState === 'InService');
    const unhealthy = running.filter((i) => i.HealthStatus === 'Unhealthy').map((i) => i.InstanceId);
    if (unhealthy.length > 0) return fail(`in service but unhealthy: ${unhealthy.join(', ')}`);
    if (outputs.LoadBalancerUrl.startsWith('https://')) {
      const problem = await httpRedirectProblem(ctx.http, outputs.LoadBalancerUrl);
      if (problem) return fail(problem);
    }
    const seen = new Set<string>();
    for (let i = 0; i < REQUESTS; i++) {
      const response = await ctx.http.request(outputs.LoadBalancerUrl);
      if (response.status !== 200) return fail(`request ${i + 1} of ${REQUESTS} answered ${response.status}`);
      const id = /i-[0-9a-f]{8,17}/.exec(response.body)?.[0];
      if (id) seen.add(id);
    }
    const inService = running.length;
    if (inService > 1 && seen.size < 2) return fail(`${inService} instances in service, but all ${REQUESTS} answers came from ${[...seen].join(', ') || 'no identifiable instance'}`);
    return pass(`${REQUESTS} answers of 200 from ${seen.size} instance(s) (${[...seen].sort().join(', ')}); ${inService} in service`);
  },
};

/**
 * Undefined when the plain-HTTP address of `httpsUrl` answers a permanent
 * redirect to it; otherwise what it did instead.
 */
export async function httpRedirectProblem(http: HttpClient, httpsUrl: string, plainUrl = httpsUrl.replace(/^https:/, 'http:')): Promise<string | undefined> {
  const response = await http.request(plainUrl);
  const location = response.headers.location ?? '';
  if (response.status === 301 && location.startsWith('https://')) return undefined;
  return `plain HTTP answered ${response.status}${location ? ` to ${location}` : ''}, not a 301 redirect to HTTPS`;
}
