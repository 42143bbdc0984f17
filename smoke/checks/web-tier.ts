import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { fail, pass, SmokeCheck } from '../types';

const REQUESTS = 12;

/** The load balancer answers 200, and from more than one instance when more than one is running. */
export const loadBalancerSpreads: SmokeCheck = {
  architecture: 'WebTier',
  name: 'the load balancer answers 200, from every running instance',
  async run(ctx, outputs) {
    const { AutoScalingGroups = [] } = await ctx.clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({
      AutoScalingGroupNames: [outputs.AutoScalingGroupName],
    }));
    const inService = (AutoScalingGroups[0]?.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length;
    const seen = new Set<string>();
    for (let i = 0; i < REQUESTS; i++) {
      const response = await ctx.http.request(outputs.LoadBalancerUrl);
      if (response.status !== 200) return fail(`request ${i + 1} of ${REQUESTS} answered ${response.status}`);
      const id = /i-[0-9a-f]{8,17}/.exec(response.body)?.[0];
      if (id) seen.add(id);
    }
    if (inService > 1 && seen.size < 2) return fail(`${inService} instances in service, but all ${REQUESTS} answers came from ${[...seen].join(', ') || 'no identifiable instance'}`);
    return pass(`${REQUESTS} answers of 200 from ${seen.size} instance(s) (${[...seen].sort().join(', ')}); ${inService} in service`);
  },
};
