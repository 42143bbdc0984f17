import { App, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Domain } from '../../lib/domain/domain';
import { DomainStack } from '../../lib/domain/domain-stack';
import { DomainProps } from '../../lib/domain/domain-props';
import { formatFindings, recordAcknowledgements } from '../../lib/shared/compliance';
import { nagFindings, resourcesOf, testApp } from '../harness';

const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const US_EAST_1 = { account: '123456789012', region: 'us-east-1' };

/** A stack in a stage of its own, environment-agnostic or pinned; acknowledgements recorded as in the app. */
function stackIn(env?: { account: string; region: string }, app: App = testApp()): Stack {
  const stage = new Stage(app, 'Unit');
  recordAcknowledgements(stage);
  return new Stack(stage, 'Test', { env });
}
function build(props: Partial<DomainProps>, stack = stackIn(US_EAST_1)) {
  const domain = new Domain(stack, 'Domain', { domainName: 'example.com', ...props });
  // Synthesized on first read, so that a test may add to the stack first.
  return { stack, domain, get template() { return Template.fromStack(stack); } };
}
const rulesOf = (t: Template) => Object.keys(t.toJSON().Rules ?? {}).filter((id) => id !== 'CheckBootstrapVersion');

describe('an imported zone (by id and name: no lookup, synth stays offline)', () => {
  const { template, domain } = build({ hostedZoneId: ZONE_ID });

  test('creates no zone, and its records land in the zone of that id', () => {
    template.resourceCountIs('AWS::Route53::HostedZone', 0);
    expect(domain.hostedZoneId).toBe(ZONE_ID);
    for (const r of Object.values(resourcesOf(template, 'AWS::Route53::RecordSet'))) expect(r.Properties.HostedZoneId).toBe(ZONE_ID);
  });

  test('CAA records allow Amazon\'s CA alone to issue, names and wildcards', () => {
    expect(Object.values(resourcesOf(template, 'AWS::Route53::RecordSet')).map((r) => r.Properties)).toEqual([{
      HostedZoneId: ZONE_ID, Name: 'example.com.', Type: 'CAA', TTL: '3600',
      ResourceRecords: ['amazon.com', 'amazontrust.com', 'awstrust.com', 'amazonaws.com'].flatMap((ca) => [`0 issue "${ca}"`, `0 issuewild "${ca}"`]),
    }]);
  });

  test('caa: false leaves them out (another stack owns the zone\'s CAA)', () => {
    build({ hostedZoneId: ZONE_ID, caa: false }).template.resourceCountIs('AWS::Route53::RecordSet', 0);
  });
});

describe('a created zone with DNSSEC and query logging, in us-east-1', () => {
  const { stack, template, domain } = build({ dnssec: true, queryLogging: true, logRetention: 90, removalPolicy: RemovalPolicy.RETAIN });
  const zoneId = Object.keys(resourcesOf(template, 'AWS::Route53::HostedZone'))[0];

  test('the zone is retained, and logs its queries to its own encrypted log group', () => {
    const zone = resourcesOf(template, 'AWS::Route53::HostedZone')[zoneId];
    expect(zone.DeletionPolicy).toBe('Retain');
    const groupId = stack.resolve(domain.queryLogs!.node.defaultChild && (domain.queryLogs!.node.defaultChild as any).logicalId);
    expect(zone.Properties.QueryLoggingConfig).toEqual({ CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [groupId, 'Arn'] } });
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')[groupId].Properties).toMatchObject({ RetentionInDays: 90, KmsKeyId: expect.anything() });
  });

  test('only Route 53, for this account, may write to the log group, before the zone logs to it (Route 53 checks)', () => {
    const [[policyId, policy]] = Object.entries(resourcesOf(template, 'AWS::Logs::ResourcePolicy'));
    expect(resourcesOf(template, 'AWS::Route53::HostedZone')[zoneId].DependsOn).toContain(policyId);
    // The document is JSON joined with the account and the group's ARN.
    const parts = policy.Properties.PolicyDocument['Fn::Join'][1];
    const document = JSON.parse(parts.map((p: unknown) => (typeof p === 'string' ? p : JSON.stringify(p).replace(/"/g, "'"))).join(''));
    expect(document.Statement).toEqual([{
      Effect: 'Allow', Principal: { Service: 'route53.amazonaws.com' }, Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Condition: { StringEquals: { 'aws:SourceAccount': "{'Ref':'AWS::AccountId'}" } },
      Resource: `{'Fn::GetAtt':['${stack.resolve((domain.queryLogs!.node.defaultChild as any).logicalId)}','Arn']}`,
    }]);
  });

  test('DNSSEC: an ECC_NIST_P256 signing key only Route 53\'s DNSSEC service of this account may use, an active key-signing key, then signing', () => {
    const [keyId, key] = Object.entries(resourcesOf(template, 'AWS::KMS::Key')).find(([, k]) => k.Properties.KeySpec)!;
    expect(key.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(key.DeletionPolicy).toBe('Retain');
    const dnssec = key.Properties.KeyPolicy.Statement.filter((s: any) => s.Principal.Service === 'dnssec-route53.amazonaws.com');
    expect(dnssec.map((s: any) => [s.Action, s.Condition.StringEquals['aws:SourceAccount']])).toEqual([
      [['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Sign'], { Ref: 'AWS::AccountId' }], ['kms:CreateGrant', { Ref: 'AWS::AccountId' }]]);
    const [kskId, ksk] = Object.entries(resourcesOf(template, 'AWS::Route53::KeySigningKey'))[0];
    expect(ksk.Properties).toEqual({ HostedZoneId: { Ref: zoneId }, KeyManagementServiceArn: { 'Fn::GetAtt': [keyId, 'Arn'] }, Name: 'ksk', Status: 'ACTIVE' });
    expect(Object.values(resourcesOf(template, 'AWS::Route53::DNSSEC'))).toEqual([{ Type: 'AWS::Route53::DNSSEC', Properties: { HostedZoneId: { Ref: zoneId } }, DependsOn: [kskId] }]);
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

describe('health checks with alarms', () => {
  const { stack, template } = build({ hostedZoneId: ZONE_ID, alarmEmail: 'ops@example.com', healthChecks: {
    App: { fqdn: 'app.example.com', path: '/health' }, Api: { fqdn: 'api.example.com', protocol: 'TCP' },
  } });
  const checks = Object.values(resourcesOf(template, 'AWS::Route53::HealthCheck')).map((c) => c.Properties.HealthCheckConfig);

  test('HTTPS with SNI on the path, or TCP on 443; every 30 s, unhealthy after 3 failures', () => {
    expect(checks).toEqual([
      expect.objectContaining({ Type: 'HTTPS', FullyQualifiedDomainName: 'app.example.com', Port: 443, ResourcePath: '/health', EnableSNI: true, RequestInterval: 30, FailureThreshold: 3 }),
      expect.objectContaining({ Type: 'TCP', FullyQualifiedDomainName: 'api.example.com', Port: 443, RequestInterval: 30, FailureThreshold: 3 }),
    ]);
    expect(checks[1].ResourcePath).toBeUndefined();
  });

  test('each alarms below 1 (unhealthy) for two minutes, or when it stops reporting, to the topic and back', () => {
    const topic = { Ref: Object.keys(resourcesOf(template, 'AWS::SNS::Topic'))[0] };
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Statistic: 'Minimum', Period: 60, Threshold: 1,
        ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 2, TreatMissingData: 'breaching', AlarmActions: [topic], OKActions: [topic],
        Dimensions: [{ Name: 'HealthCheckId', Value: { Ref: expect.stringMatching(/HealthCheck/) } }],
      });
    }
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

describe('us-east-1: pinned elsewhere it fails at synth; environment-agnostic a template rule refuses other regions', () => {
  test('fails in another pinned region', () => {
    expect(() => build({ dnssec: true }, stackIn({ account: '123456789012', region: 'eu-west-1' }))).toThrow(/region: got "eu-west-1"; dnssec need the Domain's stack in us-east-1/);
  });

  test('agnostic: one rule asserting us-east-1, before anything is created', () => {
    const { template } = build({ dnssec: true, healthChecks: { App: { fqdn: 'app.example.com' } } }, stackIn());
    expect(rulesOf(template)).toEqual(['UsEast1Only']);
    expect(template.toJSON().Rules.UsEast1Only.Assertions).toEqual([{
      Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
      AssertDescription: 'This stack holds what Route 53 and CloudFront read in us-east-1 only (dnssec, health-check alarms): deploy it to us-east-1.',
    }]);
  });

  test('agnostic without those features: no rule', () => {
    expect(rulesOf(build({ hostedZoneId: ZONE_ID }, stackIn()).template)).toEqual([]);
  });
});

describe('certificates, validated through DNS in the zone', () => {
  test('a regional certificate in another region\'s stack imports the zone by id: no reference between the stacks', () => {
    const app = testApp();
    const { domain } = build({ hostedZoneId: ZONE_ID }, stackIn(US_EAST_1, app));
    const regional = new Stack(app, 'Regional', { env: { account: '123456789012', region: 'eu-west-1' } });
    domain.certificate(regional, 'Certificate', ['app.example.com', 'api.example.com']);
    const t = Template.fromStack(regional);
    expect(Object.values(resourcesOf(t, 'AWS::CertificateManager::Certificate'))[0].Properties).toMatchObject({
      DomainName: 'app.example.com', SubjectAlternativeNames: ['api.example.com'], ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'app.example.com', HostedZoneId: ZONE_ID }, { DomainName: 'api.example.com', HostedZoneId: ZONE_ID }],
    });
    expect(JSON.stringify(t.toJSON())).not.toMatch(/ImportValue|GetStackOutput/);
  });

  test('a CloudFront certificate outside us-east-1 fails, naming the fix', () => {
    const stack = stackIn({ account: '123456789012', region: 'eu-west-1' });
    const { domain } = build({ hostedZoneId: ZONE_ID }, stack);
    expect(() => domain.cloudFrontCertificate(stack, 'Certificate', ['www.example.com']))
      .toThrow('region: got "eu-west-1"; CloudFront uses certificates from us-east-1 only: create this one in a stack with env.region "us-east-1" (the stages\' Domain stack)');
  });

  test('a CloudFront certificate in an agnostic stack: the rule refuses any region but us-east-1', () => {
    const stack = stackIn();
    const { domain } = build({ hostedZoneId: ZONE_ID }, stack);
    domain.cloudFrontCertificate(stack, 'Certificate', ['www.example.com']);
    const t = Template.fromStack(stack);
    expect(rulesOf(t)).toEqual(['UsEast1Only']);
    t.resourceCountIs('AWS::CertificateManager::Certificate', 1);
  });
});

describe('publishing a name with a routing policy', () => {
  const target = route53.RecordTarget.fromAlias({ bind: () => ({ dnsName: 'lb.example.net', hostedZoneId: 'Z2ABCDEFGHIJKL' }) });
  const recordsOf = (records: Parameters<Domain['publish']>[2], ipv6 = false) => {
    const stack = stackIn(US_EAST_1);
    const { domain } = build({ hostedZoneId: ZONE_ID, caa: false }, stack);
    domain.publish(stack, 'App', records, ipv6);
    return Object.values(resourcesOf(Template.fromStack(stack), 'AWS::Route53::RecordSet')).map((r) => r.Properties);
  };

  test('latency records, one per region, each with its set identifier and health check, A only for an IPv4 target', () => {
    const healthCheck = { healthCheckId: 'hc-eu' } as route53.IHealthCheck;
    expect(recordsOf([
      { recordName: 'app.example.com', target, routing: { kind: 'latency', setIdentifier: 'eu-west-1', region: 'eu-west-1' }, healthCheck, evaluateTargetHealth: true },
      { recordName: 'app.example.com', target, routing: { kind: 'latency', setIdentifier: 'us-east-1', region: 'us-east-1' }, evaluateTargetHealth: true },
    ])).toEqual([
      { HostedZoneId: ZONE_ID, Name: 'app.example.com.', Type: 'A', SetIdentifier: 'eu-west-1', Region: 'eu-west-1', HealthCheckId: 'hc-eu',
        AliasTarget: { DNSName: 'lb.example.net', HostedZoneId: 'Z2ABCDEFGHIJKL', EvaluateTargetHealth: true } },
      { HostedZoneId: ZONE_ID, Name: 'app.example.com.', Type: 'A', SetIdentifier: 'us-east-1', Region: 'us-east-1',
        AliasTarget: { DNSName: 'lb.example.net', HostedZoneId: 'Z2ABCDEFGHIJKL', EvaluateTargetHealth: true } },
    ]);
  });

  test('A and AAAA for an IPv6 target, with the same routing', () => {
    const records = recordsOf([{ recordName: 'www.example.com', target, routing: { kind: 'weighted', setIdentifier: 'blue', weight: 10 } }], true);
    expect(records.map((r) => [r.Type, r.SetIdentifier, r.Weight, r.AliasTarget.EvaluateTargetHealth])).toEqual([['A', 'blue', 10, false], ['AAAA', 'blue', 10, false]]);
  });

  test.each([
    [{ kind: 'failover', setIdentifier: 'a', role: 'SECONDARY' }, { Failover: 'SECONDARY' }],
    [{ kind: 'geolocation', setIdentifier: 'a', continent: 'EU' }, { GeoLocation: { ContinentCode: 'EU' } }],
    [{ kind: 'geolocation', setIdentifier: 'a', country: '*' }, { GeoLocation: { CountryCode: '*' } }],
    [{ kind: 'geoproximity', setIdentifier: 'a', region: 'eu-west-1', bias: -20 }, { GeoProximityLocation: { AWSRegion: 'eu-west-1', Bias: -20 } }],
  ] as const)('%j', (routing, expected) => {
    const failover = routing.kind === 'failover';
    const partner = failover ? [{ recordName: 'app.example.com', target, routing: { kind: 'failover', setIdentifier: 'b', role: 'PRIMARY' }, evaluateTargetHealth: true } as const] : [];
    const [record] = recordsOf([{ recordName: 'app.example.com', target, routing, evaluateTargetHealth: failover }, ...partner]);
    expect(record).toMatchObject({ SetIdentifier: 'a', ...expected });
  });

  test('multivalue answer: IP addresses, not an alias', () => {
    const ips = route53.RecordTarget.fromIpAddresses('192.0.2.1', '192.0.2.2');
    expect(recordsOf([{ recordName: 'app.example.com', target: ips, routing: { kind: 'multivalue', setIdentifier: 'a' } }])).toEqual([expect.objectContaining({
      SetIdentifier: 'a', MultiValueAnswer: true, ResourceRecords: ['192.0.2.1', '192.0.2.2'] })]);
    expect(() => recordsOf([{ recordName: 'app.example.com', target, routing: { kind: 'multivalue', setIdentifier: 'a' } }]))
      .toThrow('records[0].target: got "an alias"; a multivalue answer record holds IP addresses (RecordTarget.fromIpAddresses), never an alias');
  });

  test('bad routing fails before any record is made', () => {
    expect(() => recordsOf([{ recordName: 'app.example.com', target, routing: { kind: 'weighted', setIdentifier: 'a', weight: 300 } }]))
      .toThrow(/^Invalid routed records:\n {2}- records\[0\]\.routing\.weight: got 300; expected a whole number from 0 to 255$/);
  });
});

test('bad props throw before anything is built, every problem at once', () => {
  expect(() => build({ domainName: 'Example', hostedZoneId: 'bad' })).toThrow(/^Invalid Domain props:\n {2}- domainName: got "Example".*\n {2}- hostedZoneId: got "bad"/);
});

test('a Domain needs a created zone\'s name servers delegated: the zone is destroyed with the sandbox', () => {
  const { template } = build({ removalPolicy: RemovalPolicy.DESTROY });
  expect(Object.values(resourcesOf(template, 'AWS::Route53::HostedZone'))[0].DeletionPolicy).toBe('Delete');
  template.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'example.com.', HostedZoneConfig: { Comment: Match.stringLikeRegexp('Zone of') } });
});

describe('fails when', () => {
  test('a certificate is asked for no name', () => {
    const { domain, stack } = build({ hostedZoneId: ZONE_ID });
    expect(() => domain.certificate(stack, 'Certificate', [])).toThrow('names: got []; expected at least one name');
  });

  test('an alarm is asked of a Domain with no alarm topic', () => {
    const { domain } = build({ hostedZoneId: ZONE_ID });
    expect(() => domain.alarmOnHealthCheck('App', { healthCheckId: 'hc' } as route53.IHealthCheck, { fqdn: 'app.example.com' }))
      .toThrow(/healthChecks: got undefined; the Domain has no alarm topic/);
  });
});

describe('DomainStack', () => {
  test('outputs the zone\'s id, and a created zone\'s name servers to delegate to', () => {
    const stack = new DomainStack(testApp(), 'Domain', { env: US_EAST_1, domain: { domainName: 'example.com' }, cloudFrontNames: ['www'] });
    const template = Template.fromStack(stack);
    template.hasOutput('HostedZoneId', { Value: { Ref: Match.stringLikeRegexp('DomainZone') } });
    template.hasOutput('NameServers', { Value: { 'Fn::Join': [',', { 'Fn::GetAtt': [Match.stringLikeRegexp('DomainZone'), 'NameServers'] }] } });
    expect(Object.values(resourcesOf(template, 'AWS::CertificateManager::Certificate')).map((c) => c.Properties.DomainName)).toEqual(['www.example.com']);
  });
});
