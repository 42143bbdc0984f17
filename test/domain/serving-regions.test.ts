import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { ReferenceStage } from '../../lib/stages/reference-stage';
import { stageConfig } from '../../lib/stages/stage-config';
import { resourcesOf, testApp } from '../harness';

// Several regions, one name: the delivery pipeline's Production in two regions,
// each a pinned stage in a scope of its own (as the pipeline builds them), given
// the domain and the regions that serve it.
const REGIONS = ['eu-west-1', 'us-east-1'];
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const app = testApp();
const stages = REGIONS.map((region) => new ReferenceStage(new Construct(app, region), stageConfig({
  stage: 'Production', account: '123456789012', region, domainName: 'example.com', hostedZoneId: ZONE_ID, servingRegions: REGIONS, alarmEmail: 'ops@example.com',
})));
const assemblies = stages.map((stage) => stage.synth());
const templateOf = (i: number, stack: { artifactId: string }) => Template.fromJSON(assemblies[i].getStackArtifact(stack.artifactId).template);
const records = (i: number, stack: { artifactId: string }) => Object.values(resourcesOf(templateOf(i, stack), 'AWS::Route53::RecordSet')).map((r) => r.Properties);

test('each region\'s Domain stack is in us-east-1 under a name of its own, so both deploy side by side', () => {
  expect(stages.map((s) => [s.domain!.stackName, s.domain!.region])).toEqual([['Production-Domain-eu-west-1', 'us-east-1'], ['Production-Domain-us-east-1', 'us-east-1']]);
});

test.each([['webTier', 'app.example.com.'], ['serverlessApi', 'api.example.com.']] as const)('%s: %s is a latency record per region, each with its health check', (stack, name) => {
  const perRegion = stages.map((s, i) => {
    const [record, ...aaaa] = records(i, s[stack]);
    expect(aaaa.map((r) => [r.Type, r.SetIdentifier, r.HealthCheckId])).toEqual(stack === 'serverlessApi' ? [['AAAA', REGIONS[i], record.HealthCheckId]] : []);
    const healthCheckIds = Object.keys(resourcesOf(templateOf(i, s[stack]), 'AWS::Route53::HealthCheck'));
    return { record, healthCheckIds };
  });
  expect(perRegion.map(({ record }) => [record.Name, record.Type, record.SetIdentifier, record.Region])).toEqual([[name, 'A', 'eu-west-1', 'eu-west-1'], [name, 'A', 'us-east-1', 'us-east-1']]);
  for (const { record, healthCheckIds } of perRegion) {
    expect(healthCheckIds).toHaveLength(1);
    expect(record.HealthCheckId).toEqual({ Ref: healthCheckIds[0] });
  }
});

test('each region has its own certificates, made for it: no ARN to pass', () => {
  stages.forEach((s, i) => {
    for (const [stack, name] of [[s.webTier, 'app.example.com'], [s.serverlessApi, 'api.example.com']] as const) {
      expect(Object.values(resourcesOf(templateOf(i, stack), 'AWS::CertificateManager::Certificate')).map((c) => c.Properties.DomainName)).toEqual([name]);
    }
  });
});

test('the zone\'s CAA record and the site\'s shared name belong to the first region; the other\'s site has a name of its own', () => {
  expect(stages.map((s, i) => records(i, s.domain!).map((r) => r.Type))).toEqual([['CAA'], []]);
  expect(stages.map((s, i) => [...new Set(records(i, s.staticSite).map((r) => r.Name))])).toEqual([['www.example.com.'], ['www-us-east-1.example.com.']]);
});

test('each Domain stack alarms on its own region\'s health checks', () => {
  stages.forEach((s, i) => {
    const read = Object.values(resourcesOf(templateOf(i, s.domain!), 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties.Dimensions[0].Value['Fn::GetStackOutput']).filter(Boolean).map((o) => [o.StackName, o.Region]);
    expect(read).toEqual([['Production-WebTier', REGIONS[i]], ['Production-ServerlessApi', REGIONS[i]]]);
  });
});
