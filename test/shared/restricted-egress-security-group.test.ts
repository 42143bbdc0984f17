import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RestrictedEgressSecurityGroup } from '../../lib/shared/restricted-egress-security-group';
import { resourcesOf, testStack } from '../harness';

const NO_TRAFFIC = { CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', IpProtocol: 'icmp', FromPort: 252, ToPort: 86 };

/** An imported VPC: the groups need one to live in, and its own resources would only lengthen the synthesis. */
const existingVpc = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] });

/** A restricted group and a peer group in a fresh stack; `rules` adds egress rules to the restricted group. */
function inlineEgress(rules: (group: ec2.SecurityGroup, peer: ec2.SecurityGroup) => void): unknown {
  const stack = testStack();
  const vpc = existingVpc(stack);
  const group = new RestrictedEgressSecurityGroup(stack, 'Restricted', { vpc });
  rules(group, new ec2.SecurityGroup(stack, 'Peer', { vpc }));
  const template = Template.fromStack(stack);
  return Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup')).find(([id]) => id.startsWith('Restricted'))![1].Properties.SecurityGroupEgress;
}

describe('RestrictedEgressSecurityGroup: the inline egress list is never empty, so EC2\'s default allow-all is revoked', () => {
  test('without rules: the no-traffic rule', () => {
    expect(inlineEgress(() => undefined)).toEqual([NO_TRAFFIC]);
  });

  test('with only a rule to another group (a separate resource): the no-traffic rule stays', () => {
    expect(inlineEgress((group, peer) => group.connections.allowTo(peer, ec2.Port.tcp(80)))).toEqual([NO_TRAFFIC]);
  });

  test('a CIDR rule is inline: a rule to a group after it adds the no-traffic rule (harmless), one before it is replaced by it', () => {
    const https = { CidrIp: '0.0.0.0/0', Description: 'HTTPS', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 };
    expect(inlineEgress((group, peer) => {
      group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS');
      group.connections.allowTo(peer, ec2.Port.tcp(80));
    })).toEqual([https, NO_TRAFFIC]);
    expect(inlineEgress((group, peer) => {
      group.connections.allowTo(peer, ec2.Port.tcp(80));
      group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS');
    })).toEqual([https]);
  });

  test('a plain SecurityGroup with allowAllOutbound false loses the list (why this class exists)', () => {
    const stack = testStack();
    const vpc = existingVpc(stack);
    const plain = new ec2.SecurityGroup(stack, 'Plain', { vpc, allowAllOutbound: false });
    plain.connections.allowTo(new ec2.SecurityGroup(stack, 'Peer', { vpc }), ec2.Port.tcp(80));
    const group = Object.entries(resourcesOf(Template.fromStack(stack), 'AWS::EC2::SecurityGroup')).find(([id]) => id.startsWith('Plain'))![1];
    expect(group.Properties.SecurityGroupEgress).toBeUndefined();
  });
});
