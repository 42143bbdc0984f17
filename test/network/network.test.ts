import { CfnParameter, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Network } from '../../lib/network/network';
import { NetworkProps } from '../../lib/network/network-props';
import { formatFindings } from '../../lib/shared/compliance';
import { nagFindings, resourcesOf, testApp, testStack } from '../harness';
import { collidingNames } from '../template-rules';

function build(props: NetworkProps, stack: Stack = testStack()): { network: Network; template: Template; stack: Stack } {
  const network = new Network(stack, 'Network', props);
  return { network, template: Template.fromStack(stack), stack };
}

const aclEntries = (template: Template, tier: string) => Object.entries(resourcesOf(template, 'AWS::EC2::NetworkAclEntry'))
  .filter(([id]) => id.includes(`${tier}Acl`)).map(([, e]) => e.Properties);

describe('NAT instance mode (cheapest egress)', () => {
  const { template, stack } = build({ natMode: 'instance', removalPolicy: RemovalPolicy.DESTROY });

  test('one Graviton NAT instance replaces the NAT gateways', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Instance', 1);
    template.hasResourceProperties('AWS::EC2::Instance', { InstanceType: 't4g.nano', SourceDestCheck: false });
    expect(Object.values(resourcesOf(template, 'AWS::EC2::Route')).filter((r) => 'InstanceId' in r.Properties)).toHaveLength(2);
  });

  test('the NAT instance is hardened: encrypted root volume, detailed monitoring, IMDSv2', () => {
    template.hasResourceProperties('AWS::EC2::Instance', {
      Monitoring: true,
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) }],
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    });
    // No launch template, whose name would be a literal two networks in one region share.
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 0);
    expect(collidingNames(Template.fromStack(stack).toJSON())).toEqual([]);
  });

  test('the NAT instance admits traffic from the VPC only', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroup'));
    const ingress = groups.flatMap((g) => g.Properties.SecurityGroupIngress ?? []);
    expect(ingress.map((r: { CidrIp: string; IpProtocol: string }) => [r.CidrIp, r.IpProtocol]).sort())
      .toEqual([['10.0.0.0/16', 'icmp'], ['10.0.0.0/16', 'tcp'], ['10.0.0.0/16', 'udp']]);
  });

  test('the five packs report nothing unacknowledged', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('nor beside a launch template in the same stack (a web tier), where cdk-nag\'s EBS rule cannot read the instance', () => {
    const shared = testStack('Shared');
    new Network(shared, 'Network', { natMode: 'instance' });
    new ec2.CfnLaunchTemplate(shared, 'WebTierTemplate', { launchTemplateData: {} });
    expect(formatFindings(nagFindings(shared))).toBe('');
  });
});

describe('no NAT', () => {
  test('with public and isolated tiers only: no NAT, no private subnets', () => {
    const { template } = build({ natMode: 'none', subnetSizes: { private: false } });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Instance', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('AWS::EC2::NetworkAcl', 2);
  });

  test('with the isolated tier only: no internet gateway at all', () => {
    const { template, stack } = build({ natMode: 'none', subnetSizes: { public: false, private: false } });
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::Route', 0);
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

describe('blocked CIDRs become deny rules ahead of every allow', () => {
  const blockedCidrs = ['203.0.113.0/24', '198.51.100.7/32'];
  const { template } = build({ blockedCidrs });

  test.each(['Public', 'Private'])('%s tier denies each blocked CIDR in and out with the lowest rule numbers', (tier) => {
    const entries = aclEntries(template, tier);
    const denies = entries.filter((e) => e.RuleAction === 'deny');
    expect(denies.map((e) => [e.CidrBlock, e.Egress, e.RuleNumber]).sort()).toEqual([
      ['198.51.100.7/32', false, 2], ['198.51.100.7/32', true, 2],
      ['203.0.113.0/24', false, 1], ['203.0.113.0/24', true, 1],
    ]);
    const lowestAllow = Math.min(...entries.filter((e) => e.RuleAction === 'allow').map((e) => e.RuleNumber));
    expect(Math.max(...denies.map((e) => e.RuleNumber))).toBeLessThan(lowestAllow);
  });

  test('the isolated tier needs no deny rules: it only talks to the VPC', () => {
    expect(aclEntries(template, 'Isolated').filter((e) => e.RuleAction === 'deny')).toEqual([]);
  });
});

describe('Session Manager interface endpoints (opt-in)', () => {
  const { template, stack } = build({ sessionManagerEndpoints: true });

  test('ssm, ssmmessages and ec2messages, with private DNS, in the private subnets', () => {
    for (const service of ['ssm', 'ssmmessages', 'ec2messages']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        SubnetIds: [{ Ref: Match.stringLikeRegexp('PrivateSubnet1') }, { Ref: Match.stringLikeRegexp('PrivateSubnet2') }],
      });
    }
  });

  test('their security groups admit HTTPS from the VPC only', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroup'));
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      expect(group.Properties.SecurityGroupIngress).toEqual([
        expect.objectContaining({ CidrIp: '10.0.0.0/16', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
      ]);
    }
  });

  test('the five packs report nothing unacknowledged', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

describe('sizes and zones', () => {
  test('custom CIDR and subnet sizes are laid out tier by tier', () => {
    const { template } = build({ cidr: '172.20.0.0/20', subnetSizes: { public: 26, private: 24, isolated: 26 } });
    const cidrs = Object.values(resourcesOf(template, 'AWS::EC2::Subnet')).map((s) => s.Properties.CidrBlock);
    expect(cidrs).toEqual(['172.20.0.0/26', '172.20.0.64/26', '172.20.1.0/24', '172.20.2.0/24', '172.20.3.0/26', '172.20.3.64/26']);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '172.20.0.0/20' });
  });

  test('explicit zone names are used as given', () => {
    const stack = new Stack(testApp(), 'Placed', { env: { account: '123456789012', region: 'eu-west-1' } });
    const { template } = build({ availabilityZones: ['eu-west-1a', 'eu-west-1c'] }, stack);
    const zones = new Set(Object.values(resourcesOf(template, 'AWS::EC2::Subnet')).map((s) => s.Properties.AvailabilityZone));
    expect([...zones]).toEqual(['eu-west-1a', 'eu-west-1c']);
  });

  test('azCount spans that many zones', () => {
    const { template } = build({ azCount: 4, natMode: 'perAz' });
    template.resourceCountIs('AWS::EC2::Subnet', 12);
    template.resourceCountIs('AWS::EC2::NatGateway', 4);
  });
});

describe('construct defaults', () => {
  const { template, network } = build({});

  test('keeps the flow logs and key when nobody chose a removal policy', () => {
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('keeps flow logs for a month and uses a single NAT gateway', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    expect(network.natMode).toBe('single');
  });

  test('exposes the VPC for other architectures', () => {
    expect(network.vpc).toBeInstanceOf(ec2.Vpc);
    expect(network.vpc.privateSubnets).toHaveLength(2);
  });
});

describe('reuse', () => {
  test('two networks in one stack: separate VPCs, flow logs and keys, no findings', () => {
    const stack = testStack();
    new Network(stack, 'Front', { natMode: 'instance' });
    new Network(stack, 'Back', { cidr: '10.1.0.0/16', natMode: 'instance', sessionManagerEndpoints: true });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 2);
    template.resourceCountIs('AWS::EC2::FlowLog', 2);
    template.resourceCountIs('AWS::KMS::Key', 2);
    template.resourceCountIs('AWS::EC2::Instance', 2);
    expect(collidingNames(Template.fromStack(stack).toJSON())).toEqual([]);
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('tokens (parameters) where they can be used: blocked CIDRs, zone names', () => {
    const stack = new Stack(testApp(), 'Placed', { env: { account: '123456789012', region: 'eu-west-1' } });
    const blocked = new CfnParameter(stack, 'Blocked').valueAsString;
    const zones = new CfnParameter(stack, 'Zones', { type: 'List<AWS::EC2::AvailabilityZone::Name>' }).valueAsList;
    const { template } = build({ blockedCidrs: [blocked, '203.0.113.0/24'], availabilityZones: [Fn.select(0, zones), Fn.select(1, zones)] }, stack);
    expect(aclEntries(template, 'Public').filter((e) => e.RuleAction === 'deny').map((e) => e.CidrBlock))
      .toEqual([{ Ref: 'Blocked' }, { Ref: 'Blocked' }, '203.0.113.0/24', '203.0.113.0/24']);
    const zonesUsed = Object.values(resourcesOf(template, 'AWS::EC2::Subnet')).map((s) => s.Properties.AvailabilityZone);
    expect(zonesUsed).toContainEqual({ 'Fn::Select': [1, { Ref: 'Zones' }] });
  });

  test('a token where the template depends on the value fails with the reason', () => {
    const stack = testStack();
    const cidr = new CfnParameter(stack, 'Cidr').valueAsString;
    expect(() => new Network(stack, 'Network', { cidr })).toThrow(
      'cidr: got "a token"; expected a value known at synth: the VPC divides it into subnets at synth, which a value known only at deploy (a parameter, an imported value) cannot drive');
  });
});
