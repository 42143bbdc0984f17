import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { ListStackResourcesCommand, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeDBClustersCommand, DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import { GetHealthCheckStatusCommand, HealthCheck, ListHealthChecksCommand } from '@aws-sdk/client-route-53';
import { GetBucketReplicationCommand } from '@aws-sdk/client-s3';
import { stackOutputsWith } from '../outputs';
import { Clients, fail, Outcome, pass, skip, SmokeCheck, SmokeContext } from '../types';

// Readiness of the standby (read-only, so `npm run smoke -- --read-only` runs
// them): each check hangs on a stack of the stage's region and finds the
// standby's stack (the switch, the standby web tier, API and data tier) in
// whichever region it is deployed.

/** The most replication lag the standby patterns promise (their RPO of one minute), in ms. */
export const MAX_REPLICATION_LAG_MS = 60_000;

/** A stage's stack deployed in another region, with clients there. */
interface RemoteStack {
  readonly stackName: string;
  readonly region: string;
  readonly clients: Clients;
  readonly outputs: Record<string, string>;
}

/** The stage's stack `id` (`FailoverSwitch`) in another region, or the outcome that ends the check when there is none. */
async function standbyStack(ctx: SmokeContext, id: string): Promise<RemoteStack | Outcome> {
  const stackName = `${ctx.stage}-${id}`;
  if (!ctx.locateStack || !ctx.clientsIn) return skip(`this run cannot look for ${stackName} in other regions`);
  const [region, ...more] = await ctx.locateStack(stackName);
  if (!region) return skip(`no ${stackName}: the stage has no standby (pilot light or warm standby)`);
  if (more.length > 0) return fail(`${stackName} is deployed in ${[region, ...more].join(', ')}; expected one standby region`);
  const clients = ctx.clientsIn(region);
  const outputs = await stackOutputsWith(clients.cloudFormation, stackName);
  if (!outputs) return fail(`${stackName} disappeared from ${region} while checked`);
  return { stackName, region, clients, outputs };
}

const isOutcome = (x: RemoteStack | Outcome): x is Outcome => 'status' in x;

/** The physical ids of a stack's resources of `type`. */
async function stackResources(clients: Clients, stackName: string, type: string): Promise<StackResourceSummary[]> {
  const found: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.cloudFormation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    found.push(...page.StackResourceSummaries ?? []);
    NextToken = page.NextToken;
  } while (NextToken);
  return found.filter((r) => r.ResourceType === type && r.PhysicalResourceId);
}

/** Every Route 53 health check of the account (Route 53 is global). */
async function allHealthChecks(clients: Clients): Promise<HealthCheck[]> {
  const checks: HealthCheck[] = [];
  let Marker: string | undefined;
  do {
    const page = await clients.route53.send(new ListHealthChecksCommand({ Marker }));
    checks.push(...page.HealthChecks ?? []);
    Marker = page.IsTruncated ? page.NextMarker : undefined;
  } while (Marker);
  return checks;
}

/** The switch is off: its alarm is OK, or has never had data (Route 53 reads a new switch as off). */
export const switchOff: SmokeCheck = {
  architecture: 'WebTier',
  name: 'the failover switch (standby region) is off: Route 53 answers with the stage\'s region',
  readOnly: true,
  async run(ctx) {
    const remote = await standbyStack(ctx, 'FailoverSwitch');
    if (isOutcome(remote)) return remote;
    const name = remote.outputs.SwitchAlarmName;
    const { MetricAlarms = [] } = await remote.clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
    if (MetricAlarms.length === 0) return fail(`no alarm ${name} in ${remote.region}`);
    const state = MetricAlarms[0].StateValue;
    if (state === 'ALARM') return fail(`the switch is ON (${name} in ALARM in ${remote.region}): Route 53 answers with the standby; fail back with: ${remote.outputs.FailBackCommand}`);
    return pass(state === 'OK' ? `${name} is OK in ${remote.region}` : `${name} has had no data yet (${state}): Route 53 reads a new switch as off`);
  },
};

/**
 * Route 53 sees every PRIMARY record healthy: the calculated checks over the switch
 * (the parents of the checks on its alarm) report 1 in us-east-1, where Route 53
 * publishes health-check metrics (GetHealthCheckStatus answers for endpoint checks only).
 */
export const primaryHealthy: SmokeCheck = {
  architecture: 'WebTier',
  name: 'Route 53 reports every failover PRIMARY health check healthy',
  readOnly: true,
  async run(ctx) {
    const remote = await standbyStack(ctx, 'FailoverSwitch');
    if (isOutcome(remote)) return remote;
    const checks = await allHealthChecks(ctx.clients);
    const switchIds = new Set(checks.filter((c) => c.HealthCheckConfig?.AlarmIdentifier?.Name === remote.outputs.SwitchAlarmName).map((c) => c.Id!));
    const primaries = checks.filter((c) => c.HealthCheckConfig?.Type === 'CALCULATED' && (c.HealthCheckConfig.ChildHealthChecks ?? []).some((id) => switchIds.has(id)));
    if (primaries.length === 0) return fail(`no calculated health check reads ${remote.outputs.SwitchAlarmName}: the stage's endpoints have no failover PRIMARY`);
    const metrics = ctx.clientsIn!('us-east-1').cloudWatch;
    const end = new Date(ctx.clock.now());
    const unhealthy: string[] = [];
    for (const check of primaries) {
      const { Datapoints = [] } = await metrics.send(new GetMetricStatisticsCommand({
        Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Dimensions: [{ Name: 'HealthCheckId', Value: check.Id }],
        StartTime: new Date(end.getTime() - 5 * 60_000), EndTime: end, Period: 60, Statistics: ['Minimum'],
      }));
      const latest = [...Datapoints].sort((a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0))[0];
      if (latest?.Minimum !== 1) unhealthy.push(`${check.Id} (${latest ? 'unhealthy' : 'no status in the last 5 minutes'})`);
    }
    return unhealthy.length ? fail(`not healthy, so Route 53 answers with the standby: ${unhealthy.join(', ')}`) : pass(`${primaries.length} PRIMARY health check(s) healthy`);
  },
};

/** The standby load balancer exists; with running instances (warm standby), they are healthy (the group uses the load balancer's checks). */
export const standbyWebTierReady: SmokeCheck = {
  architecture: 'WebTier',
  name: 'the standby load balancer exists, and the standby\'s instances, when it runs some (warm standby), are healthy',
  readOnly: true,
  async run(ctx) {
    const remote = await standbyStack(ctx, 'StandbyWebTier');
    if (isOutcome(remote)) return remote;
    const [balancers, groups] = await Promise.all(['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::AutoScaling::AutoScalingGroup']
      .map((type) => stackResources(remote.clients, remote.stackName, type)));
    const ready = (r: StackResourceSummary) => /_COMPLETE$/.test(r.ResourceStatus ?? '') && !r.ResourceStatus!.startsWith('DELETE');
    if (balancers.length === 0 || !balancers.every(ready)) return fail(`${remote.stackName} has no load balancer in service (${balancers.map((b) => b.ResourceStatus).join(', ') || 'none'})`);
    const { AutoScalingGroups = [] } = groups.length
      ? await remote.clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: groups.map((g) => g.PhysicalResourceId!) })) : {};
    const desired = AutoScalingGroups.reduce((sum, g) => sum + (g.DesiredCapacity ?? 0), 0);
    if (desired === 0) return pass(`load balancer in ${remote.region}; pilot light: no instances until the runbook scales the standby up`);
    const healthy = AutoScalingGroups.flatMap((g) => g.Instances ?? []).filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy').length;
    return healthy > 0 ? pass(`load balancer in ${remote.region}; warm standby: ${healthy} of ${desired} instance(s) in service and healthy`)
      : fail(`none of the standby's ${desired} instance(s) is in service and healthy: a failover would answer with errors`);
  },
};

/** The standby API's own Route 53 health check passes (its SECONDARY records answer by it). */
export const standbyApiHealthy: SmokeCheck = {
  architecture: 'ServerlessApi',
  name: 'the standby API\'s Route 53 health check passes (its SECONDARY records answer by it)',
  readOnly: true,
  async run(ctx) {
    const remote = await standbyStack(ctx, 'StandbyServerlessApi');
    if (isOutcome(remote)) return remote;
    const ids = (await stackResources(remote.clients, remote.stackName, 'AWS::Route53::HealthCheck')).map((r) => r.PhysicalResourceId!);
    if (ids.length === 0) return fail(`${remote.stackName} has no health check: its SECONDARY records answer blind`);
    const failing: string[] = [];
    for (const HealthCheckId of ids) {
      const { HealthCheckObservations = [] } = await ctx.clients.route53.send(new GetHealthCheckStatusCommand({ HealthCheckId }));
      const passing = HealthCheckObservations.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;
      // Route 53 calls an endpoint healthy when more than 18% of its checkers do.
      if (passing <= HealthCheckObservations.length * 0.18) failing.push(`${HealthCheckId} (${passing} of ${HealthCheckObservations.length} checkers pass)`);
    }
    return failing.length ? fail(`failing: ${failing.join(', ')}`) : pass(`${ids.length} health check(s) pass`);
  },
};

/** The Aurora global database's secondary is available, a reader of the global cluster, and lags less than a minute. */
export const auroraSecondaryReady: SmokeCheck = {
  architecture: 'DataTier',
  name: 'the Aurora global database\'s secondary (standby region) is available and replicates within a minute',
  readOnly: true,
  async run(ctx) {
    const remote = await standbyStack(ctx, 'StandbyDataTier');
    if (isOutcome(remote)) return remote;
    const [cluster] = await stackResources(remote.clients, remote.stackName, 'AWS::RDS::DBCluster');
    if (!cluster) return fail(`${remote.stackName} has no Aurora cluster`);
    const clusterId = cluster.PhysicalResourceId!;
    const { DBClusters = [] } = await remote.clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
    const described = DBClusters[0];
    if (described?.Status !== 'available') return fail(`${clusterId} is ${described?.Status ?? 'missing'}`);
    const { GlobalClusters = [] } = await remote.clients.rds.send(new DescribeGlobalClustersCommand({}));
    const member = GlobalClusters.flatMap((g) => (g.GlobalClusterMembers ?? []).map((m) => ({ ...m, global: g.GlobalClusterIdentifier })))
      .find((m) => m.DBClusterArn === described.DBClusterArn);
    if (!member) return fail(`${clusterId} is in no global database: it replicates nothing`);
    if (member.IsWriter) return fail(`${clusterId} is the writer of ${member.global}: the standby was promoted (see the runbook's fail back)`);
    const end = new Date(ctx.clock.now());
    const { Datapoints = [] } = await remote.clients.cloudWatch.send(new GetMetricStatisticsCommand({
      Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBReplicationLag', Dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterId }],
      StartTime: new Date(end.getTime() - 10 * 60_000), EndTime: end, Period: 60, Statistics: ['Maximum'],
    }));
    const lag = Math.max(-1, ...Datapoints.map((d) => d.Maximum ?? 0));
    if (lag > MAX_REPLICATION_LAG_MS) return fail(`${clusterId} lags ${lag} ms behind the primary, more than ${MAX_REPLICATION_LAG_MS} ms: the RPO is at risk`);
    return pass(`${clusterId} available in ${remote.region}, a reader of ${member.global}; ${lag < 0 ? 'no lag reported in 10 minutes (a secondary without instances reports none)' : `lag at most ${lag} ms`}`);
  },
};

/** Every replica of the API's table (a global table's) is ACTIVE. */
export const tableReplicasActive: SmokeCheck = {
  architecture: 'ServerlessApi',
  name: 'every replica of the API\'s table is ACTIVE',
  readOnly: true,
  async run(ctx, outputs) {
    if (!outputs.TableName) return skip('the API has no table');
    const { Table } = await ctx.clients.dynamoDb.send(new DescribeTableCommand({ TableName: outputs.TableName }));
    const replicas = Table?.Replicas ?? [];
    if (replicas.length === 0) return skip('the table has no replica (no standby)');
    const inactive = replicas.filter((r) => r.ReplicaStatus !== 'ACTIVE').map((r) => `${r.RegionName} is ${r.ReplicaStatus}`);
    return inactive.length ? fail(`replicas not ACTIVE: ${inactive.join(', ')}`) : pass(`replicas ACTIVE in ${replicas.map((r) => r.RegionName).join(', ')}`);
  },
};

/** The site bucket replicates (an enabled rule) to the replica the distribution's origin group falls back to. */
export const siteReplicationEnabled: SmokeCheck = {
  architecture: 'StaticSite',
  name: 'the site bucket replicates to its replica bucket',
  readOnly: true,
  async run(ctx, outputs) {
    try {
      const { ReplicationConfiguration } = await ctx.clients.s3.send(new GetBucketReplicationCommand({ Bucket: outputs.BucketName }));
      const enabled = (ReplicationConfiguration?.Rules ?? []).filter((r) => r.Status === 'Enabled');
      if (enabled.length === 0) return fail(`${outputs.BucketName} has replication rules, none enabled`);
      return pass(`${enabled.length} enabled rule(s), to ${[...new Set(enabled.map((r) => r.Destination?.Bucket))].join(', ')}`);
    } catch (error) {
      if ((error as Error).name === 'ReplicationConfigurationNotFoundError') return skip('the site bucket does not replicate (no standby)');
      throw error;
    }
  },
};
