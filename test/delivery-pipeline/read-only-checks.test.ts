import { Stack } from 'aws-cdk-lib';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeDBClustersCommand, DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListHealthChecksCommand, Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { awsClients } from '../../smoke/clients';
import { mockClient } from 'aws-sdk-client-mock';
import { readOnlySmokeStatements } from '../../lib/delivery-pipeline/smoke-access';
import { HttpClient } from '../../smoke/http';
import { loadChecks } from '../../smoke/registry';
import { testContext } from '../smoke/fixtures';

// The Production verification runs the read-only checks as a role granted
// readOnlySmokeStatements only: each read-only check is run here against AWS
// stand-ins that record every call, and every call must be granted.
const CLIENTS = { cloudformation: CloudFormationClient, ec2: EC2Client, autoscaling: AutoScalingClient, sns: SNSClient, sqs: SQSClient, lambda: LambdaClient,
  cloudwatch: CloudWatchClient, route53: Route53Client, rds: RDSClient, dynamodb: DynamoDBClient, s3: S3Client };
/** SDK commands whose IAM action has another name. */
const IAM_ACTIONS: Record<string, string> = { 's3:GetBucketReplication': 's3:GetReplicationConfiguration' };
/** SDK answers that let a check go on to its next call (the failover checks find the standby's stacks and resources). */
const SDK_ANSWERS: [object, unknown][] = [
  [DescribeStacksCommand, { Stacks: [{ StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'SwitchAlarmName', OutputValue: 'Production-eu-west-1-failover-switch' }] }] }],
  [ListStackResourcesCommand, { StackResourceSummaries: ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::Route53::HealthCheck', 'AWS::RDS::DBCluster']
    .map((ResourceType) => ({ ResourceType, PhysicalResourceId: 'id', ResourceStatus: 'CREATE_COMPLETE' })) }],
  [DescribeAlarmsCommand, { MetricAlarms: [{ StateValue: 'OK' }] }],
  [ListHealthChecksCommand, { HealthChecks: [
    { Id: 'switch', HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: 'Production-eu-west-1-failover-switch' } } },
    { Id: 'primary', HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: ['switch'] } }] }],
  [DescribeAutoScalingGroupsCommand, { AutoScalingGroups: [{ DesiredCapacity: 1, Instances: [{ LifecycleState: 'InService', HealthStatus: 'Healthy' }] }] }],
  [DescribeDBClustersCommand, { DBClusters: [{ Status: 'available', DBClusterArn: 'arn' }] }],
  [DescribeGlobalClustersCommand, { GlobalClusters: [{ GlobalClusterMembers: [{ DBClusterArn: 'arn', IsWriter: false }] }] }],
];
/** Answers that let a check go on to its next call, where an empty one would end it early. */
const HEALTHY: Record<string, unknown> = {
  'StarlingDoveService.DescribeConfigurationRecorderStatus': { ConfigurationRecordersStatus: [{ recording: true, lastStatus: 'SUCCESS' }] },
};

/** IAM action of a signed HTTP call, from the signing service and the JSON target or URL. */
function signedAction(service: string, target: string | undefined, url: string): string {
  if (target) return `${service}:${target.split('.').pop()}`;
  if (service === 'guardduty' && /\/detector\/[^/]+$/.test(url)) return 'guardduty:GetDetector';
  return `${service}:<${url}>`;
}

/**
 * The SDK stand-ins: every command answers {} but those of SDK_ANSWERS. Built
 * once for the file (sinon's stubs take a while to build), emptied of the calls
 * they recorded before each check, and restored after the last.
 */
let standIns: { prefix: string; mock: ReturnType<typeof mockClient> }[] | undefined;
function sdkStandIns() {
  standIns ??= Object.entries(CLIENTS).map(([prefix, client]) => {
    const mock = mockClient(client as typeof SNSClient);
    mock.onAnyCommand().resolves({});
    for (const [command, answer] of SDK_ANSWERS) mock.on(command as never).resolves(answer as never);
    return { prefix, mock };
  });
  for (const { mock } of standIns) mock.resetHistory();
  return standIns;
}
afterAll(() => {
  for (const { mock } of standIns ?? []) mock.restore();
});

async function actionsOf(check: ReturnType<typeof loadChecks>[number]): Promise<string[]> {
  const actions: string[] = [];
  const mocks = sdkStandIns();
  let service = '';
  const http: HttpClient = {
    async request(url, init = {}) {
      const target = init.headers?.['x-amz-target'];
      if (init.headers?.authorization) actions.push(signedAction(service, target, url));
      return { status: 200, headers: {}, body: JSON.stringify(HEALTHY[target ?? ''] ?? {}) };
    },
  };
  const signer = (s: string) => async (_url: string, init: any) => { service = s; return { ...init, headers: { ...init.headers, authorization: `AWS4-HMAC-SHA256 test-${s}` } }; };
  const outputs = new Proxy({}, { get: (_t, key) => /Url$/.test(String(key)) ? 'https://example.com/' : `${String(key)}-value` }) as Record<string, string>;
  try {
    // The standby's stacks are found in another region, as the CLI finds them.
    const clientsIn = (region: string) => awsClients({ region, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    await check.run(testContext({ http, signer, readOnly: true, locateStack: async () => ['us-west-2'], clientsIn }), outputs);
  } finally {
    for (const { prefix, mock } of mocks) {
      for (const call of mock.calls()) {
        const action = `${prefix}:${(call.args[0] as object).constructor.name.replace(/Command$/, '')}`;
        actions.push(IAM_ACTIONS[action] ?? action);
      }
    }
  }
  return actions;
}

test('every call of the read-only smoke checks is granted to the Production verification role, and they make some', async () => {
  const granted = new Set(readOnlySmokeStatements(new Stack(), 'Production').flatMap((s) => s.actions));
  const readOnly = loadChecks().filter((c) => c.readOnly);
  const called = new Map<string, string[]>();
  for (const check of readOnly) called.set(`${check.architecture}: ${check.name}`, await actionsOf(check));
  const ungranted = [...called].flatMap(([check, actions]) => actions.filter((a) => !granted.has(a)).map((a) => `${check} calls ${a}`));
  expect(ungranted).toEqual([]);
  // The runner reads each stack's outputs before its checks.
  expect(granted.has('cloudformation:DescribeStacks')).toBe(true);
  const all = [...called.values()].flat();
  expect(new Set(all)).toEqual(new Set(['ec2:DescribeFlowLogs', 'autoscaling:DescribeAutoScalingGroups', 'cloudtrail:GetTrailStatus',
    'config:DescribeConfigurationRecorderStatus', 'config:DescribeConfigurationRecorders', 'guardduty:GetDetector',
    'cloudformation:DescribeStacks', 'cloudformation:ListStackResources', 'cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricStatistics',
    'route53:ListHealthChecks', 'route53:GetHealthCheckStatus', 'rds:DescribeDBClusters', 'rds:DescribeGlobalClusters',
    'dynamodb:DescribeTable', 's3:GetReplicationConfiguration', 'sns:ListSubscriptionsByTopic']));
});

test('a check that wrote would be caught: a publish is recorded as sns:Publish, which the role does not grant', async () => {
  const { PublishCommand } = await import('@aws-sdk/client-sns');
  const writer = { architecture: 'FanOut', name: 'writes', readOnly: true, run: async (ctx: any) => { await ctx.clients.sns.send(new PublishCommand({ TopicArn: 'arn', Message: 'm' })); return { status: 'pass' as const, detail: '' }; } };
  const actions = await actionsOf(writer);
  expect(actions).toEqual(['sns:Publish']);
  expect(readOnlySmokeStatements(new Stack(), 'Production').flatMap((s) => s.actions)).not.toContain('sns:Publish');
});
