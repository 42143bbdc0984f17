import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { StageFailover, requireFailoverDomain } from '../../lib/disaster-recovery/failover-stage';
import type { CfnTemplate } from '../../lib/docs/template';
import { DomainStack } from '../../lib/domain/domain-stack';
import { ServerlessApiStack } from '../../lib/serverless-api/serverless-api-stack';
import { WebTierStack } from '../../lib/web-tier/web-tier-stack';
import { formatFindings } from '../../lib/shared/compliance';
import { nagFindings, problemsOf, testApp } from '../harness';
import { failoverPairProblems as pairProblems, failoverRecordsOfTemplates } from '../../lib/disaster-recovery/failover-pairs';
import { answer, Conditions } from './route53-answers';

const account = '123456789012';
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';

/**
 * A stage's endpoints in eu-west-1 and a standby's in us-west-2, built from the
 * existing stacks as the standby stacks will publish them: once for the file.
 */
function failoverApp() {
  const app = testApp();
  const env = (region: string) => ({ account, region });
  const domainStack = new DomainStack(app, 'Domain', { env: env('us-east-1'), domain: { domainName: 'example.com', hostedZoneId: ZONE_ID, alarms: true } });
  const domain = domainStack.domain;
  const failover = new StageFailover(app, { stageName: 'Sandbox', account, primaryRegion: 'eu-west-1', standbyRegion: 'us-west-2', domain });
  // The web tiers' networks, imported: their records and health checks are read, not the networks.
  const vpcIn = (id: string, region: string) => ec2.Vpc.fromVpcAttributes(new Stack(app, id, { env: env(region) }), 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0', vpcCidrBlock: '10.0.0.0/16', availabilityZones: [`${region}a`, `${region}b`],
    publicSubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'], privateSubnetIds: ['subnet-0000000000000000c', 'subnet-0000000000000000d'],
  });
  const webTier = new WebTierStack(app, 'WebTier', { env: env('eu-west-1'), webTier: { vpc: vpcIn('Network', 'eu-west-1'), deletionProtection: false }, domain: { domain, recordName: 'app', ...failover.primary() } });
  const api = new ServerlessApiStack(app, 'ServerlessApi', { env: env('eu-west-1'), domain: { domain, recordName: 'api', ...failover.primary() } });
  failover.watch('App', webTier, webTier.onDomain?.recordHealthCheck);
  failover.watch('Api', api, api.onDomain?.recordHealthCheck);
  const standbyWebTier = new WebTierStack(app, 'StandbyWebTier', { env: env('us-west-2'), webTier: { vpc: vpcIn('StandbyNetwork', 'us-west-2'), deletionProtection: false }, domain: failover.secondary('app') });
  const standbyApi = new ServerlessApiStack(app, 'StandbyServerlessApi', { env: env('us-west-2'), domain: failover.secondary('api') });
  const assembly = app.synth();
  const stacks = [domainStack, failover.switchStack, webTier, api, standbyWebTier, standbyApi];
  const templates: Record<string, CfnTemplate> = Object.fromEntries(stacks.map((s) => [s.node.id, assembly.getStackArtifact(s.artifactId).template]));
  return { templates, failover, webTier, api, domainStack };
}

const { templates, failover, webTier, api, domainStack } = failoverApp();
const failoverPairProblems = (t: Record<string, CfnTemplate>) => pairProblems(failoverRecordsOfTemplates(t));
const resources = (stackId: string, type: string) => Object.entries(templates[stackId].Resources ?? {}).filter(([, r]) => r.Type === type);
const records = (stackId: string) => resources(stackId, 'AWS::Route53::RecordSet').map(([, r]) => r.Properties!);

describe('failover records of a stage and its standby', () => {
  test('every failover name has one PRIMARY and one SECONDARY per record type, across the templates', () => {
    expect(failoverPairProblems(templates)).toEqual([]);
    const pairs = Object.values(templates).flatMap((t) => Object.values(t.Resources ?? {}))
      .filter((r) => r.Type === 'AWS::Route53::RecordSet' && r.Properties!.Failover).map((r) => `${r.Properties!.Name} ${r.Properties!.Type} ${r.Properties!.Failover} ${r.Properties!.SetIdentifier}`).sort();
    expect(pairs).toEqual([
      'api.example.com. A PRIMARY eu-west-1', 'api.example.com. A SECONDARY us-west-2',
      'api.example.com. AAAA PRIMARY eu-west-1', 'api.example.com. AAAA SECONDARY us-west-2',
      'app.example.com. A PRIMARY eu-west-1', 'app.example.com. A SECONDARY us-west-2',
    ]);
  });

  test('the PRIMARY answers by a calculated check over the switch\'s and the endpoint\'s, both required, and by its target\'s health', () => {
    for (const stackId of ['WebTier', 'ServerlessApi']) {
      const checks = Object.fromEntries(resources(stackId, 'AWS::Route53::HealthCheck'));
      const [calculatedId, calculated] = Object.entries(checks).find(([, c]) => c.Properties!.HealthCheckConfig.Type === 'CALCULATED')!;
      const children = calculated.Properties!.HealthCheckConfig.ChildHealthChecks.map((c: { Ref: string }) => checks[c.Ref].Properties!.HealthCheckConfig);
      expect(children.map((c: { Type: string }) => c.Type).sort()).toEqual(['CLOUDWATCH_METRIC', stackId === 'WebTier' ? 'HTTPS' : 'TCP']);
      expect(calculated.Properties!.HealthCheckConfig.HealthThreshold).toBe(2);
      expect(children.find((c: { Type: string }) => c.Type === 'CLOUDWATCH_METRIC')).toEqual({
        Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: 'Sandbox-eu-west-1-failover-switch', Region: 'us-west-2' }, InsufficientDataHealthStatus: 'LastKnownStatus', Inverted: false,
      });
      for (const record of records(stackId)) {
        expect(record).toMatchObject({ Failover: 'PRIMARY', HealthCheckId: { Ref: calculatedId }, AliasTarget: { EvaluateTargetHealth: true } });
      }
    }
  });

  test('the SECONDARY answers by the standby endpoint\'s own health check and its target\'s health', () => {
    for (const stackId of ['StandbyWebTier', 'StandbyServerlessApi']) {
      const [[checkId, check]] = resources(stackId, 'AWS::Route53::HealthCheck');
      expect(['HTTPS', 'TCP']).toContain(check.Properties!.HealthCheckConfig.Type);
      for (const record of records(stackId)) expect(record).toMatchObject({ Failover: 'SECONDARY', HealthCheckId: { Ref: checkId }, AliasTarget: { EvaluateTargetHealth: true } });
    }
  });

  test('the switch is an alarm in the standby region that one put-metric-data turns and holds', () => {
    const [[, alarm]] = resources('FailoverSwitch', 'AWS::CloudWatch::Alarm');
    expect(alarm.Properties).toMatchObject({
      AlarmName: 'Sandbox-eu-west-1-failover-switch',
      Namespace: 'AwsReferenceArchitectures/Failover', MetricName: 'FailoverSwitch', Dimensions: [{ Name: 'Switch', Value: 'Sandbox-eu-west-1' }],
      Statistic: 'Maximum', Period: 60, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'ignore',
    });
    expect(failover.switchStack.region).toBe('us-west-2');
    expect(templates.FailoverSwitch.Outputs!.FailOverCommand.Value).toBe(
      'aws cloudwatch put-metric-data --region us-west-2 --namespace AwsReferenceArchitectures/Failover --metric-name FailoverSwitch --dimensions Switch=Sandbox-eu-west-1 --value 1');
    expect(templates.FailoverSwitch.Outputs!.FailBackCommand.Value).toMatch(/--dimensions Switch=Sandbox-eu-west-1 --value 0$/);
    expect(templates.FailoverSwitch.Outputs!.FailOverCommand.Description).toMatch(/^Run once: scales the standby web tier to the primary's minimum .*Pilot light fails over only by this command/);
    expect(templates.FailoverSwitch.Outputs!.FailBackCommand.Description).toMatch(/scales nothing in/);
  });

  test('the five packs report nothing unacknowledged in the switch\'s stack and the Domain stack\'s failover alarms', () => {
    expect(formatFindings(nagFindings(failover.switchStack))).toBe('');
    expect(formatFindings(nagFindings(domainStack))).toBe('');
  });

  test('the endpoints deploy after the switch, and the Domain stack alarms when a PRIMARY stops answering', () => {
    expect(webTier.dependencies).toContain(failover.switchStack);
    expect(api.dependencies).toContain(failover.switchStack);
    const alarms = resources('Domain', 'AWS::CloudWatch::Alarm').map(([id, a]) => [id, a.Properties!]);
    const failoverAlarms = alarms.filter(([id]) => String(id).includes('FailoverAlarm'));
    expect(failoverAlarms).toHaveLength(2);
    for (const [, p] of failoverAlarms as [string, Record<string, any>][]) {
      expect(p).toMatchObject({ Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', ComparisonOperator: 'LessThanThreshold', Threshold: 1, TreatMissingData: 'breaching' });
      expect(p.AlarmActions).toHaveLength(1);
      // Read from the endpoint's stack when the Domain stack deploys: no export pins it.
      expect(JSON.stringify(p.Dimensions)).toContain('Fn::GetStackOutput');
    }
  });
});

describe('who answers (Route 53\'s documented evaluation of the synthesized checks)', () => {
  const up = (...stacks: string[]) => (stackId: string) => stacks.includes(stackId);
  const everythingUp = up('WebTier', 'ServerlessApi', 'StandbyWebTier', 'StandbyServerlessApi');
  const who = (conditions: Conditions) => ['app.example.com.|A', 'api.example.com.|A', 'api.example.com.|AAAA']
    .map((key) => answer(templates, key.split('|')[0], key.split('|')[1], conditions).setIdentifier);
  const primary = ['eu-west-1', 'eu-west-1', 'eu-west-1'];
  const standby = ['us-west-2', 'us-west-2', 'us-west-2'];

  test('primary healthy, switch never used (no data yet): the PRIMARY', () => {
    expect(who({ endpointsUp: everythingUp, switchData: [] })).toEqual(primary);
    expect(who({ endpointsUp: everythingUp, switchData: [undefined, undefined] })).toEqual(primary);
  });

  test('primary endpoints unhealthy: the SECONDARY, without anyone touching the switch', () => {
    expect(who({ endpointsUp: up('StandbyWebTier', 'StandbyServerlessApi'), switchData: [] })).toEqual(standby);
  });

  test('switch on (one put of 1): the SECONDARY, and it holds while nothing more is published', () => {
    expect(who({ endpointsUp: everythingUp, switchData: [1] })).toEqual(standby);
    expect(who({ endpointsUp: everythingUp, switchData: [1, ...Array(120).fill(undefined)] })).toEqual(standby);
  });

  test('switch off again (a put of 0): the PRIMARY', () => {
    expect(who({ endpointsUp: everythingUp, switchData: [1, undefined, 0, undefined] })).toEqual(primary);
  });

  test('switch unreadable (CloudWatch of the standby region down): its last known position', () => {
    expect(who({ endpointsUp: everythingUp, switchData: [1], switchReadable: false })).toEqual(standby);
    expect(who({ endpointsUp: everythingUp, switchData: [1, 0], switchReadable: false })).toEqual(primary);
    expect(who({ endpointsUp: everythingUp, switchData: [], switchReadable: false })).toEqual(primary);
  });

  test('switch on but the standby unhealthy (not scaled up yet): Route 53 answers with the PRIMARY', () => {
    expect(who({ endpointsUp: up('WebTier', 'ServerlessApi'), switchData: [1] })).toEqual(primary);
  });
});

describe('failover pairs across templates', () => {
  const record = (name: string, type: string, failover: string, setIdentifier: string, extra: Record<string, unknown> = { HealthCheckId: { Ref: 'Check' } }) =>
    ({ Type: 'AWS::Route53::RecordSet', Properties: { HostedZoneId: ZONE_ID, Name: name, Type: type, Failover: failover, SetIdentifier: setIdentifier, ...extra } });
  const template = (...rs: object[]): CfnTemplate => ({ Resources: Object.fromEntries(rs.map((r, i) => [`R${i}`, r])) }) as CfnTemplate;

  test('fails when a standby stack is missing: its names have a PRIMARY only', () => {
    const { StandbyServerlessApi: _left, ...withoutStandbyApi } = templates;
    expect(failoverPairProblems(withoutStandbyApi)).toEqual([
      `"${ZONE_ID}" api.example.com. A: PRIMARY (ServerlessApi/${Object.keys(templates.ServerlessApi.Resources!).find((id) => templates.ServerlessApi.Resources![id].Properties?.Type === 'A' && templates.ServerlessApi.Resources![id].Type === 'AWS::Route53::RecordSet')}); expected one PRIMARY and one SECONDARY`,
      `"${ZONE_ID}" api.example.com. AAAA: PRIMARY (ServerlessApi/${Object.keys(templates.ServerlessApi.Resources!).find((id) => templates.ServerlessApi.Resources![id].Properties?.Type === 'AAAA' && templates.ServerlessApi.Resources![id].Type === 'AWS::Route53::RecordSet')}); expected one PRIMARY and one SECONDARY`,
    ]);
  });

  test('fails when a name has two PRIMARY records, repeated set identifiers, or a PRIMARY that answers by nothing', () => {
    expect(failoverPairProblems({ a: template(record('x.example.com.', 'A', 'PRIMARY', 'one')), b: template(record('x.example.com.', 'A', 'PRIMARY', 'one')) })).toEqual([
      `"${ZONE_ID}" x.example.com. A: PRIMARY,PRIMARY (a/R0, b/R0); expected one PRIMARY and one SECONDARY`,
      `"${ZONE_ID}" x.example.com. A: set identifiers repeat (one, one)`,
    ]);
    expect(failoverPairProblems({ a: template(record('x.example.com.', 'A', 'PRIMARY', 'one', {}), record('x.example.com.', 'A', 'SECONDARY', 'two')) })).toEqual([
      `"${ZONE_ID}" x.example.com. A: the PRIMARY a/R0 has no health check and does not evaluate its target's health: it never fails over`,
    ]);
  });

  test('fails when the standby answers over IPv6 but the primary does not (AAAA never fails over)', () => {
    expect(failoverPairProblems({ a: template(record('x.example.com.', 'A', 'PRIMARY', 'one'), record('x.example.com.', 'A', 'SECONDARY', 'two'), record('x.example.com.', 'AAAA', 'SECONDARY', 'two')) }))
      .toEqual([`"${ZONE_ID}" x.example.com. AAAA: SECONDARY (a/R2); expected one PRIMARY and one SECONDARY`]);
  });
});

describe('a standby pattern needs the stage\'s domain', () => {
  const refusal = (pattern: string, standbyRegion: string | undefined, hasDomain: boolean, servingRegions?: number) => problemsOf(() => requireFailoverDomain(pattern, standbyRegion, hasDomain, servingRegions), undefined);

  test('fails when pilot light or warm standby has no domain, naming the flags', () => {
    expect(refusal('pilot-light', 'us-west-2', false)).toEqual([
      'standbyRegion: got "us-west-2"; the pilot-light pattern fails over by moving the stage\'s names in Route 53, which needs the stage\'s domain: '
      + 'add -c domainName=example.com -c hostedZoneId=Z0123456789ABCDEFGHIJ (or DOMAIN_NAME, HOSTED_ZONE_ID), or leave out -c standbyRegion (STANDBY_REGION) for backup and restore only',
    ]);
    expect(refusal('warm-standby', 'us-west-2', false)).toHaveLength(1);
  });

  test('fails when the names are served from several regions (latency records)', () => {
    expect(refusal('warm-standby', 'us-west-2', true, 2)).toEqual([expect.stringMatching(/^servingRegions: got 2 regions; a stage serves its names from one region to fail over from/)]);
  });

  test('backup and restore, or no standby region, needs none', () => {
    expect(refusal('backup-and-restore', 'us-west-2', false)).toEqual([]);
    expect(refusal('pilot-light', undefined, false)).toEqual([]);
    expect(refusal('pilot-light', 'us-west-2', true)).toEqual([]);
  });

  test('a stage in us-east-1 (where Route 53\'s control plane and the Domain stack are) keeps its switch in the standby region', () => {
    const app = testApp();
    const domain = new DomainStack(app, 'Domain', { env: { account, region: 'us-east-1' }, domain: { domainName: 'example.com', hostedZoneId: ZONE_ID, alarms: true } }).domain;
    const east = new StageFailover(app, { stageName: 'Production', account, primaryRegion: 'us-east-1', standbyRegion: 'us-west-2', domain });
    expect([east.switchStack.region, east.failoverSwitch]).toEqual(['us-west-2', { switchName: 'Production-us-east-1', region: 'us-west-2' }]);
    const primary = new Stack(app, 'Primary', { env: { account, region: 'us-east-1' } });
    const endpoint = new route53.HealthCheck(primary, 'Endpoint', { type: route53.HealthCheckType.TCP, fqdn: 'api.example.com', port: 443 });
    const check = east.primary().recordHealthCheck!(primary, endpoint) as route53.HealthCheck;
    expect(primary.resolve((check.node.defaultChild as route53.CfnHealthCheck).healthCheckConfig)).toMatchObject({ type: 'CALCULATED', healthThreshold: 2 });
  });

  test('fails when the standby region is the stage\'s own', () => {
    const domain = new DomainStack(testApp(), 'Domain', { env: { account, region: 'us-east-1' }, domain: { domainName: 'example.com', hostedZoneId: ZONE_ID, alarms: true } }).domain;
    expect(() => new StageFailover(domain.node.root as never, { stageName: 'Sandbox', primaryRegion: 'eu-west-1', standbyRegion: 'eu-west-1', domain }))
      .toThrow('standbyRegion: got "eu-west-1"; expected a region other than the stage\'s own');
  });
});
