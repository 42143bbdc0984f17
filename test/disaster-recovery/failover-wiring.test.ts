import { Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ReferenceStage } from '../../lib/stages/reference-stage';
import { stageConfig, StageSelection } from '../../lib/stages/stage-config';
import { testApp } from '../harness';
import { failoverPairProblems, failoverRecordsIn } from '../../lib/disaster-recovery/failover-pairs';

const account = '123456789012';
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const production: StageSelection = { stage: 'Production', account, region: 'eu-west-1', alarmEmail: 'ops@example.com', domainName: 'example.com', hostedZoneId: ZONE_ID };

describe('Production with a standby region (pilot light) on its domain: the standby side publishes the SECONDARY records', () => {
  const stage = new ReferenceStage(testApp(), stageConfig({ ...production, standbyRegion: 'us-west-2' }));

  test('the switch\'s stack is in the standby region, protected like the stage\'s stacks', () => {
    const switchStack = stage.failover!.switchStack;
    expect([switchStack.stackName, switchStack.region, switchStack.terminationProtection]).toEqual(['Production-FailoverSwitch', 'us-west-2', true]);
    expect(stage.failover!.failoverSwitch).toEqual({ switchName: 'Production-eu-west-1', region: 'us-west-2' });
  });

  test('app. and api. are complete failover pairs: the stage\'s PRIMARY, the standby\'s SECONDARY', () => {
    const records = failoverRecordsIn(stage);
    expect(failoverPairProblems(records)).toEqual([]);
    expect(records.map((r) => `${r.where.split('/')[0]} ${r.name} ${r.type} ${r.role} ${r.setIdentifier}`).sort()).toEqual([
      'ServerlessApi api.example.com. A PRIMARY eu-west-1', 'ServerlessApi api.example.com. AAAA PRIMARY eu-west-1',
      'StandbyServerlessApi api.example.com. A SECONDARY us-west-2', 'StandbyServerlessApi api.example.com. AAAA SECONDARY us-west-2',
      'StandbyWebTier app.example.com. A SECONDARY us-west-2', 'WebTier app.example.com. A PRIMARY eu-west-1',
    ]);
    expect(stage.node.validate()).toEqual([]);
  });

  test('the pair check fails when a standby endpoint is not published: its names have a PRIMARY only', () => {
    const primaryOnly = failoverRecordsIn(stage).filter((r) => !r.where.startsWith('Standby'));
    expect(failoverPairProblems(primaryOnly)).toEqual([
      expect.stringMatching(/^"Z0123456789ABCDEFGHIJ" app\.example\.com\. A: PRIMARY \(WebTier\/\w+\); expected one PRIMARY and one SECONDARY$/),
      expect.stringMatching(/^"Z0123456789ABCDEFGHIJ" api\.example\.com\. A: PRIMARY/),
      expect.stringMatching(/^"Z0123456789ABCDEFGHIJ" api\.example\.com\. AAAA: PRIMARY/),
    ]);
  });

  test('a PRIMARY answers by the calculated check over its endpoint and the switch; the endpoint\'s own check keeps its Domain alarm', () => {
    for (const endpoint of [stage.webTier.onDomain!, stage.serverlessApi.onDomain!]) {
      expect(endpoint.recordHealthCheck).not.toBe(endpoint.healthCheck);
      const calculated = (endpoint.recordHealthCheck as route53.HealthCheck).node.defaultChild as route53.CfnHealthCheck;
      const config = Stack.of(calculated).resolve(calculated.healthCheckConfig);
      expect(config).toMatchObject({ type: 'CALCULATED', healthThreshold: 2 });
      expect(config.childHealthChecks).toContainEqual(Stack.of(calculated).resolve(endpoint.healthCheck!.healthCheckId));
    }
    const domain = stage.domain!.domain;
    expect(Object.keys(domain.healthAlarms).sort()).toEqual(['Api', 'App', 'Site', 'StandbyApi']);
    expect(domain.node.tryFindChild('AppFailoverAlarm')).toBeDefined();
    expect(domain.node.tryFindChild('ApiFailoverAlarm')).toBeDefined();
  });

  test('the endpoints\' stacks deploy after the switch\'s', () => {
    expect(stage.webTier.dependencies).toContain(stage.failover!.switchStack);
    expect(stage.serverlessApi.dependencies).toContain(stage.failover!.switchStack);
  });
});

describe('stages without failover', () => {
  test('Sandbox with a standby region stays backup and restore (its 24 h objectives): no switch, simple records', () => {
    const stage = new ReferenceStage(testApp(), stageConfig({ ...production, stage: 'Sandbox', alarmEmail: undefined, standbyRegion: 'us-west-2' }));
    expect(stage.failover).toBeUndefined();
    expect(stage.node.tryFindChild('FailoverSwitch')).toBeUndefined();
    expect(failoverRecordsIn(stage)).toEqual([]);
    expect(stage.node.validate()).toEqual([]);
    expect(() => stage.standbyEndpoint('app')).toThrow('Sandbox has no failover: it needs a standby pattern (-c standbyRegion) and a domain (-c domainName, -c hostedZoneId)');
  });

  test('fails when a standby pattern has no domain, naming the flags', () => {
    const config = stageConfig({ ...production, domainName: undefined, hostedZoneId: undefined, standbyRegion: 'us-west-2' });
    expect(() => new ReferenceStage(testApp(), config)).toThrow(/standbyRegion: got "us-west-2"; the pilot-light pattern fails over by moving the stage's names in Route 53, which needs the stage's domain: add -c domainName=example.com -c hostedZoneId=/);
  });

  test('fails when a standby pattern serves its names from several regions', () => {
    const config = stageConfig({ ...production, servingRegions: ['eu-west-1', 'us-east-2'], standbyRegion: 'us-west-2' });
    expect(() => new ReferenceStage(testApp(), config)).toThrow(/servingRegions: got 2 regions/);
  });
});
