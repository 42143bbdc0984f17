import { Template } from 'aws-cdk-lib/assertions';
import { formatFindings } from '../../lib/shared/compliance';
import { resourcesOf, stackTemplate, synthesizedStack } from '../harness';

// Production pinned to ap-southeast-7 on example.com (test/synth/variants.ts):
// the Domain stack in us-east-1, every public endpoint on the domain over HTTPS.
const VARIANT = 'Production pinned';
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const domain = stackTemplate(VARIANT, 'Domain');
const web = stackTemplate(VARIANT, 'WebTier');
const site = stackTemplate(VARIANT, 'StaticSite');
const api = stackTemplate(VARIANT, 'ServerlessApi');
const records = (t: Template) => Object.values(resourcesOf(t, 'AWS::Route53::RecordSet')).map((r) => r.Properties);
const certificates = (t: Template) => Object.entries(resourcesOf(t, 'AWS::CertificateManager::Certificate'));

describe('the Domain stack', () => {
  test('is in us-east-1, whatever the stage\'s region, and termination-protected in production', () => {
    expect(synthesizedStack(VARIANT, 'Domain')).toMatchObject({ stackName: 'Production-Domain', environment: 'aws://123456789012/us-east-1', terminationProtection: true });
  });

  test('imports the zone by id (no zone created, no lookup) and sets CAA for Amazon\'s CA at its apex', () => {
    domain.resourceCountIs('AWS::Route53::HostedZone', 0);
    expect(records(domain)).toEqual([expect.objectContaining({ HostedZoneId: ZONE_ID, Name: 'example.com.', Type: 'CAA' })]);
  });

  test('holds the site\'s certificate, DNS-validated in the zone, for CloudFront', () => {
    expect(certificates(domain).map(([, c]) => c.Properties)).toEqual([expect.objectContaining({
      DomainName: 'www.example.com', ValidationMethod: 'DNS', DomainValidationOptions: [{ DomainName: 'www.example.com', HostedZoneId: ZONE_ID }] })]);
  });

  test('alarms on the health checks of the site (its own), the load balancer and the API (theirs, read from ap-southeast-7)', () => {
    const alarms = Object.values(resourcesOf(domain, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.map((a) => a.AlarmDescription)).toEqual([
      'Site fails its Route 53 health check (HTTPS /)', 'App fails its Route 53 health check (HTTPS /health)', 'Api fails its Route 53 health check (TCP 443)']);
    const [, app, apiAlarm] = alarms.map((a) => a.Dimensions[0].Value);
    expect(app['Fn::GetStackOutput']).toMatchObject({ StackName: 'Production-WebTier', Region: 'ap-southeast-7' });
    expect(apiAlarm['Fn::GetStackOutput']).toMatchObject({ StackName: 'Production-ServerlessApi', Region: 'ap-southeast-7' });
    for (const alarm of alarms) expect(alarm).toMatchObject({ Namespace: 'AWS/Route53', ComparisonOperator: 'LessThanThreshold', Threshold: 1, TreatMissingData: 'breaching' });
    domain.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('the five packs report nothing unacknowledged', () => {
    expect(formatFindings(synthesizedStack(VARIANT, 'Domain').findings)).toBe('');
  });
});

describe('every public endpoint on the domain, over HTTPS only', () => {
  test('the load balancer: app.example.com, an A alias that answers while its targets are healthy, HTTPS with TLS 1.3 and HTTP redirected', () => {
    expect(records(web)).toEqual([{
      HostedZoneId: ZONE_ID, Name: 'app.example.com.', Type: 'A',
      AliasTarget: { DNSName: expect.anything(), HostedZoneId: { 'Fn::GetAtt': [expect.stringMatching(/LoadBalancer/), 'CanonicalHostedZoneID'] }, EvaluateTargetHealth: true },
    }]);
    const listeners = Object.values(resourcesOf(web, 'AWS::ElasticLoadBalancingV2::Listener')).map((l) => l.Properties);
    expect(listeners.map((l) => [l.Port, l.Protocol, l.SslPolicy ?? l.DefaultActions[0].Type]).sort()).toEqual([[443, 'HTTPS', 'ELBSecurityPolicy-TLS13-1-2-2021-06'], [80, 'HTTP', 'redirect']]);
    web.hasOutput('DomainUrl', { Value: 'https://app.example.com/' });
  });

  test('the load balancer\'s health check requests /health over HTTPS on the load balancer itself', () => {
    expect(Object.values(resourcesOf(web, 'AWS::Route53::HealthCheck')).map((h) => h.Properties.HealthCheckConfig)).toEqual([expect.objectContaining({
      Type: 'HTTPS', Port: 443, ResourcePath: '/health', EnableSNI: true, FullyQualifiedDomainName: { 'Fn::GetAtt': [expect.stringMatching(/LoadBalancer/), 'DNSName'] } })]);
  });

  test('the site: www.example.com on the distribution with the us-east-1 certificate (read by Fn::GetStackOutput), TLSv1.2_2021, SNI, A and AAAA', () => {
    const config = Object.values(resourcesOf(site, 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
    expect(config.Aliases).toEqual(['www.example.com']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: { 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'Production-Domain', Region: 'us-east-1' }) },
      MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only',
    });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(records(site).map((r) => [r.Name, r.Type, r.AliasTarget.EvaluateTargetHealth])).toEqual([['www.example.com.', 'A', false], ['www.example.com.', 'AAAA', false]]);
    site.hasOutput('SiteUrl', { Value: 'https://www.example.com/' });
    expect(JSON.stringify(site.toJSON())).not.toContain('ImportValue');
  });

  test('the API: api.example.com, a regional custom domain with TLS 1.2 at least and IPv6, its root mapped to the stage, A and AAAA aliases', () => {
    expect(Object.values(resourcesOf(api, 'AWS::ApiGateway::DomainName')).map((d) => d.Properties)).toEqual([expect.objectContaining({
      DomainName: 'api.example.com', EndpointConfiguration: { Types: ['REGIONAL'], IpAddressType: 'dualstack' }, SecurityPolicy: 'TLS_1_2',
      RegionalCertificateArn: { Ref: certificates(api)[0][0] } })]);
    expect(Object.values(resourcesOf(api, 'AWS::ApiGateway::BasePathMapping')).map((m) => m.Properties.BasePath)).toEqual([undefined]);
    expect(records(api).map((r) => [r.Name, r.Type])).toEqual([['api.example.com.', 'A'], ['api.example.com.', 'AAAA']]);
    expect(certificates(api).map(([, c]) => c.Properties.DomainName)).toEqual(['api.example.com']);
    api.hasOutput('ApiUrl', { Value: 'https://api.example.com/items' });
  });

  test('the regional certificates are made in their own stacks, the zone imported by id: no reference to the Domain stack', () => {
    for (const t of [web, api]) expect(JSON.stringify(t.toJSON())).not.toMatch(/Production-Domain/);
  });

  test.each(['WebTier', 'StaticSite', 'ServerlessApi'])('%s: the five packs report nothing unacknowledged', (id) => {
    expect(formatFindings(synthesizedStack(VARIANT, id).findings)).toBe('');
  });
});
