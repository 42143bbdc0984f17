import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeDBClustersCommand, DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetHealthCheckStatusCommand, ListHealthChecksCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetBucketReplicationCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { awsClients } from '../../smoke/clients';
import {
  auroraSecondaryReady, primaryHealthy, siteReplicationEnabled, standbyApiHealthy, standbyWebTierReady, switchOff, tableReplicasActive,
} from '../../smoke/checks/failover';
import { testClock, testContext } from './fixtures';

const cloudFormation = mockClient(CloudFormationClient);
const cloudWatch = mockClient(CloudWatchClient);
const route53 = mockClient(Route53Client);
const autoScaling = mockClient(AutoScalingClient);
const rds = mockClient(RDSClient);
const dynamoDb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
afterEach(() => [cloudFormation, cloudWatch, route53, autoScaling, rds, dynamoDb, s3].forEach((m) => m.reset()));

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
/** The stage in eu-west-1 with its standby stacks in us-west-2. */
const standbyIn = (region: string | undefined) => testContext({
  region: 'eu-west-1',
  locateStack: async () => (region ? [region] : []),
  clientsIn: (r) => awsClients({ region: r, credentials }),
});
const deployed = (outputs: Record<string, string> = {}) => cloudFormation.on(DescribeStacksCommand).resolves({
  Stacks: [{ StackName: 'x', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
});
const SWITCH = { SwitchAlarmName: 'Sandbox-eu-west-1-failover-switch', FailBackCommand: 'aws cloudwatch put-metric-data ... --value 0' };
/** The region of the client a recorded call went to. */
const regionOf = async (call: { thisValue: unknown }) => (call.thisValue as { config: { region: () => Promise<string> } }).config.region();

describe('the failover switch', () => {
  test('is found in the standby region and passes while OK', async () => {
    deployed(SWITCH);
    cloudWatch.on(DescribeAlarmsCommand, { AlarmNames: [SWITCH.SwitchAlarmName] }).resolves({ MetricAlarms: [{ StateValue: 'OK' }] });
    expect(await switchOff.run(standbyIn('us-west-2'), {})).toEqual({ status: 'pass', detail: 'Sandbox-eu-west-1-failover-switch is OK in us-west-2' });
    expect(await regionOf(cloudWatch.commandCalls(DescribeAlarmsCommand)[0])).toBe('us-west-2');
  });

  test('fails while ON, saying how to fail back; never used (no data) passes as off', async () => {
    deployed(SWITCH);
    cloudWatch.on(DescribeAlarmsCommand).resolvesOnce({ MetricAlarms: [{ StateValue: 'ALARM' }] }).resolvesOnce({ MetricAlarms: [{ StateValue: 'INSUFFICIENT_DATA' }] });
    expect(await switchOff.run(standbyIn('us-west-2'), {})).toEqual({ status: 'fail',
      detail: 'the switch is ON (Sandbox-eu-west-1-failover-switch in ALARM in us-west-2): Route 53 answers with the standby; fail back with: aws cloudwatch put-metric-data ... --value 0' });
    expect((await switchOff.run(standbyIn('us-west-2'), {})).status).toBe('pass');
  });

  test('is skipped without a standby, or when the run cannot look into other regions', async () => {
    expect(await switchOff.run(standbyIn(undefined), {})).toEqual({ status: 'skip', detail: 'no Sandbox-FailoverSwitch: the stage has no standby (pilot light or warm standby)' });
    expect((await switchOff.run(testContext(), {})).status).toBe('skip');
    expect(cloudWatch.calls()).toHaveLength(0);
  });
});

describe('the PRIMARY health checks', () => {
  const checks = { HealthChecks: [
    { Id: 'switch', CallerReference: 'a', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: SWITCH.SwitchAlarmName, Region: 'us-west-2' } } },
    { Id: 'primary-app', CallerReference: 'b', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: ['switch', 'endpoint'], HealthThreshold: 2 } },
    { Id: 'other', CallerReference: 'c', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: ['endpoint'] } },
  ], Marker: '', IsTruncated: false, MaxItems: 100 } as never;
  const at = (minutesAgo: number, Minimum: number) => ({ Timestamp: new Date(testClock.now() - minutesAgo * 60_000), Minimum });

  test('pass when the latest status of every calculated check over the switch is 1, read in us-east-1', async () => {
    deployed(SWITCH);
    route53.on(ListHealthChecksCommand).resolves(checks);
    cloudWatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: [at(2, 0), at(1, 1)] });
    expect(await primaryHealthy.run(standbyIn('us-west-2'), {})).toEqual({ status: 'pass', detail: '1 PRIMARY health check(s) healthy' });
    const [call] = cloudWatch.commandCalls(GetMetricStatisticsCommand);
    expect(call.args[0].input.Dimensions).toEqual([{ Name: 'HealthCheckId', Value: 'primary-app' }]);
    expect(await regionOf(call)).toBe('us-east-1');
  });

  test('fail when the latest status is 0, or there is none', async () => {
    deployed(SWITCH);
    route53.on(ListHealthChecksCommand).resolves(checks);
    cloudWatch.on(GetMetricStatisticsCommand).resolvesOnce({ Datapoints: [at(2, 1), at(1, 0)] }).resolvesOnce({});
    expect(await primaryHealthy.run(standbyIn('us-west-2'), {})).toEqual({ status: 'fail', detail: 'not healthy, so Route 53 answers with the standby: primary-app (unhealthy)' });
    expect(await primaryHealthy.run(standbyIn('us-west-2'), {})).toEqual({ status: 'fail', detail: 'not healthy, so Route 53 answers with the standby: primary-app (no status in the last 5 minutes)' });
  });

  test('fail when no calculated check reads the switch (the endpoints have no failover)', async () => {
    deployed(SWITCH);
    route53.on(ListHealthChecksCommand).resolves({ HealthChecks: [], Marker: '', IsTruncated: false, MaxItems: 100 });
    expect((await primaryHealthy.run(standbyIn('us-west-2'), {})).status).toBe('fail');
  });
});

describe('the standby web tier', () => {
  const resources = (status: 'CREATE_COMPLETE' | 'DELETE_IN_PROGRESS' = 'CREATE_COMPLETE') => cloudFormation.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [
    { LogicalResourceId: 'Lb', ResourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer', PhysicalResourceId: 'arn:lb', ResourceStatus: status, LastUpdatedTimestamp: new Date() },
    { LogicalResourceId: 'Asg', ResourceType: 'AWS::AutoScaling::AutoScalingGroup', PhysicalResourceId: 'asg', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
  ] });
  const group = (DesiredCapacity: number, health: string[]) => autoScaling.on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['asg'] }).resolves({ AutoScalingGroups: [{
    DesiredCapacity, Instances: health.map((HealthStatus, i) => ({ InstanceId: `i-${i}`, LifecycleState: 'InService', HealthStatus })),
  } as never] });

  test('pilot light: a load balancer and no instances passes', async () => {
    deployed();
    resources();
    group(0, []);
    expect(await standbyWebTierReady.run(standbyIn('us-west-2'), {})).toEqual({ status: 'pass', detail: 'load balancer in us-west-2; pilot light: no instances until the runbook scales the standby up' });
  });

  test('warm standby: passes with a healthy instance, fails with none', async () => {
    deployed();
    resources();
    group(2, ['Healthy', 'Unhealthy']);
    expect(await standbyWebTierReady.run(standbyIn('us-west-2'), {})).toEqual({ status: 'pass', detail: 'load balancer in us-west-2; warm standby: 1 of 2 instance(s) in service and healthy' });
    autoScaling.reset();
    group(2, ['Unhealthy']);
    expect((await standbyWebTierReady.run(standbyIn('us-west-2'), {})).detail).toBe('none of the standby\'s 2 instance(s) is in service and healthy: a failover would answer with errors');
  });

  test('fails without a load balancer in service', async () => {
    deployed();
    resources('DELETE_IN_PROGRESS');
    expect(await standbyWebTierReady.run(standbyIn('us-west-2'), {})).toEqual({ status: 'fail', detail: 'Sandbox-StandbyWebTier has no load balancer in service (DELETE_IN_PROGRESS)' });
  });
});

describe('the standby API\'s health check', () => {
  const observations = (passing: number, total: number) => ({ HealthCheckObservations: Array.from({ length: total }, (_, i) => ({ StatusReport: { Status: i < passing ? 'Success: HTTP Status Code 200' : 'Failure: connection timed out' } })) });

  test('passes when more than 18% of the checkers pass (Route 53\'s rule), fails otherwise', async () => {
    deployed();
    cloudFormation.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [
      { LogicalResourceId: 'Check', ResourceType: 'AWS::Route53::HealthCheck', PhysicalResourceId: 'hc-1', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() }] });
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-1' }).resolvesOnce(observations(4, 16)).resolvesOnce(observations(2, 16));
    expect(await standbyApiHealthy.run(standbyIn('us-west-2'), {})).toEqual({ status: 'pass', detail: '1 health check(s) pass' });
    expect(await standbyApiHealthy.run(standbyIn('us-west-2'), {})).toEqual({ status: 'fail', detail: 'failing: hc-1 (2 of 16 checkers pass)' });
  });
});

describe('the Aurora global database\'s secondary', () => {
  const arn = 'arn:aws:rds:us-west-2:123456789012:cluster:sandbox-standbydatatier-cluster';
  const secondary = (IsWriter: boolean, member = true) => {
    deployed();
    cloudFormation.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [
      { LogicalResourceId: 'Cluster', ResourceType: 'AWS::RDS::DBCluster', PhysicalResourceId: 'sandbox-standbydatatier-cluster', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() }] });
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ Status: 'available', DBClusterArn: arn }] });
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: 'sandbox-global', GlobalClusterMembers: member ? [{ DBClusterArn: arn, IsWriter }] : [] }] });
  };

  test('passes available, a reader, lagging under a minute', async () => {
    secondary(false);
    cloudWatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: [{ Maximum: 120 }, { Maximum: 850 }] });
    expect(await auroraSecondaryReady.run(standbyIn('us-west-2'), {})).toEqual({ status: 'pass',
      detail: 'sandbox-standbydatatier-cluster available in us-west-2, a reader of sandbox-global; lag at most 850 ms' });
    expect(cloudWatch.commandCalls(GetMetricStatisticsCommand)[0].args[0].input).toMatchObject({ Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBReplicationLag' });
  });

  test('fails lagging over a minute, promoted (the writer), or outside any global database', async () => {
    secondary(false);
    cloudWatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: [{ Maximum: 61_000 }] });
    expect((await auroraSecondaryReady.run(standbyIn('us-west-2'), {})).detail).toBe('sandbox-standbydatatier-cluster lags 61000 ms behind the primary, more than 60000 ms: the RPO is at risk');
    rds.reset();
    secondary(true);
    expect((await auroraSecondaryReady.run(standbyIn('us-west-2'), {})).detail).toBe('sandbox-standbydatatier-cluster is the writer of sandbox-global: the standby was promoted (see the runbook\'s fail back)');
    rds.reset();
    secondary(false, false);
    expect((await auroraSecondaryReady.run(standbyIn('us-west-2'), {})).status).toBe('fail');
  });
});

describe('replicas in the stage\'s region', () => {
  test('the table: every replica ACTIVE passes, one still CREATING fails, none is skipped', async () => {
    dynamoDb.on(DescribeTableCommand, { TableName: 't' })
      .resolvesOnce({ Table: { Replicas: [{ RegionName: 'us-west-2', ReplicaStatus: 'ACTIVE' }] } })
      .resolvesOnce({ Table: { Replicas: [{ RegionName: 'us-west-2', ReplicaStatus: 'CREATING' }] } })
      .resolvesOnce({ Table: {} });
    expect(await tableReplicasActive.run(testContext(), { TableName: 't' })).toEqual({ status: 'pass', detail: 'replicas ACTIVE in us-west-2' });
    expect(await tableReplicasActive.run(testContext(), { TableName: 't' })).toEqual({ status: 'fail', detail: 'replicas not ACTIVE: us-west-2 is CREATING' });
    expect((await tableReplicasActive.run(testContext(), { TableName: 't' })).status).toBe('skip');
  });

  test('the site bucket: an enabled rule passes, a disabled one fails, no replication is skipped', async () => {
    const notFound = Object.assign(new Error('The replication configuration was not found'), { name: 'ReplicationConfigurationNotFoundError' });
    s3.on(GetBucketReplicationCommand, { Bucket: 'site' })
      .resolvesOnce({ ReplicationConfiguration: { Role: 'r', Rules: [{ Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::replica' } }] } })
      .resolvesOnce({ ReplicationConfiguration: { Role: 'r', Rules: [{ Status: 'Disabled', Destination: { Bucket: 'arn:aws:s3:::replica' } }] } })
      .rejectsOnce(notFound);
    expect(await siteReplicationEnabled.run(testContext(), { BucketName: 'site' })).toEqual({ status: 'pass', detail: '1 enabled rule(s), to arn:aws:s3:::replica' });
    expect((await siteReplicationEnabled.run(testContext(), { BucketName: 'site' })).status).toBe('fail');
    expect(await siteReplicationEnabled.run(testContext(), { BucketName: 'site' })).toEqual({ status: 'skip', detail: 'the site bucket does not replicate (no standby)' });
  });
});
