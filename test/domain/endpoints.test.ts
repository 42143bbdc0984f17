import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Domain } from '../../lib/domain/domain';
import { ReferenceStage } from '../../lib/stages/reference-stage';
import { stageConfig } from '../../lib/stages/stage-config';
import { StaticSiteStack } from '../../lib/static-site/static-site-stack';
import { WebTierStack } from '../../lib/web-tier/web-tier-stack';
import { resourcesOf, testApp } from '../harness';

const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const account = '123456789012';

describe('a web tier on the domain without a certificate of its own', () => {
  const app = testApp();
  const domain = new Domain(new Stack(app, 'DomainStack', { env: { account, region: 'us-east-1' } }), 'Domain', { domainName: 'example.com', hostedZoneId: ZONE_ID });
  const network = new Stack(app, 'Net', { env: { account, region: 'eu-west-1' } });
  // Imported: the web tier's certificate, listener and record are read, not its network.
  const vpc = ec2.Vpc.fromVpcAttributes(network, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0', vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    publicSubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'], privateSubnetIds: ['subnet-0000000000000000c', 'subnet-0000000000000000d'],
  });
  const stack = new WebTierStack(app, 'Web', { env: { account, region: 'eu-west-1' }, webTier: { vpc, deletionProtection: false }, domain: { domain, recordName: 'app' } });
  const template = Template.fromStack(stack);

  test('gets one for its name in its own region, DNS-validated in the zone, and serves HTTPS with it', () => {
    const [[certificateId, certificate]] = Object.entries(resourcesOf(template, 'AWS::CertificateManager::Certificate'));
    expect(certificate.Properties).toMatchObject({ DomainName: 'app.example.com', ValidationMethod: 'DNS', DomainValidationOptions: [{ DomainName: 'app.example.com', HostedZoneId: ZONE_ID }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: { Ref: certificateId } }] });
    template.hasOutput('DomainUrl', { Value: 'https://app.example.com/' });
  });

  test('no health check unless asked, and a simple A alias', () => {
    template.resourceCountIs('AWS::Route53::HealthCheck', 0);
    expect(Object.values(resourcesOf(template, 'AWS::Route53::RecordSet')).map((r) => [r.Properties.Name, r.Properties.Type, r.Properties.SetIdentifier])).toEqual([['app.example.com.', 'A', undefined]]);
  });
});

test('a site on the domain without a us-east-1 certificate fails, naming where to make it', () => {
  const app = testApp();
  const domain = new Domain(new Stack(app, 'DomainStack', { env: { account, region: 'us-east-1' } }), 'Domain', { domainName: 'example.com', hostedZoneId: ZONE_ID });
  expect(() => new StaticSiteStack(app, 'Site', { env: { account, region: 'eu-west-1' }, domain: { domain, recordName: 'www' } }))
    .toThrow('domain.certificate: got undefined; CloudFront needs a certificate from us-east-1: make it there (Domain.cloudFrontCertificate in a us-east-1 stack) and pass it');
});

describe('the Sandbox on a domain', () => {
  // Built, not synthesized: the names and the records' owners are in the construct tree.
  const stage = new ReferenceStage(testApp(), stageConfig({ stage: 'Sandbox', account, region: 'eu-west-1', domainName: 'example.com', hostedZoneId: ZONE_ID }));

  test('has its names under sandbox., never Production\'s', () => {
    expect([stage.webTier.onDomain!.fqdn, stage.staticSite.onDomain!.fqdn, stage.serverlessApi.onDomain!.fqdn])
      .toEqual(['app.sandbox.example.com', 'www.sandbox.example.com', 'api.sandbox.example.com']);
  });

  test('leaves the zone\'s CAA record to Production (CAA is read up the tree from its names)', () => {
    expect(stage.domain!.domain.node.tryFindChild('Caa')).toBeUndefined();
  });
});
