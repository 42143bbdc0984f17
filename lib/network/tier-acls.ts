import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** One allow rule of a tier's network ACL. */
interface AllowRule {
  readonly name: string;
  readonly cidr: string;
  readonly traffic: ec2.AclTraffic;
  readonly direction: ec2.TrafficDirection;
}

/** What one subnet tier's network ACL admits. */
export interface TierAclProps {
  readonly vpc: ec2.IVpc;
  /** The subnet group the ACL is associated with. */
  readonly subnetGroupName: string;
  /** Allow rules, numbered from 100 in the order given. */
  readonly allow: AllowRule[];
  /** CIDRs denied both ways ahead of the allows (rules 1 to N). */
  readonly deny: string[];
}

/** First rule number of the allow rules; deny rules take 1 to 99. */
const FIRST_ALLOW_RULE = 100;
const ANYWHERE = '0.0.0.0/0';
const EPHEMERAL_TCP = ec2.AclTraffic.tcpPortRange(1024, 65535);
const EPHEMERAL_UDP = ec2.AclTraffic.udpPortRange(1024, 65535);
// ICMP "fragmentation needed", without which path MTU discovery breaks.
const FRAGMENTATION_NEEDED = ec2.AclTraffic.icmp({ type: 3, code: 4 });
const IN = ec2.TrafficDirection.INGRESS;
const OUT = ec2.TrafficDirection.EGRESS;

/**
 * A stateless network ACL for one tier. Unlike a security group, return
 * traffic must be allowed explicitly, and rules match in number order, so the
 * deny rules come first.
 */
export class TierAcl extends Construct {
  readonly acl: ec2.NetworkAcl;

  constructor(scope: Construct, id: string, props: TierAclProps) {
    super(scope, id);
    this.acl = new ec2.NetworkAcl(this, 'Acl', {
      vpc: props.vpc,
      subnetSelection: { subnetGroupName: props.subnetGroupName },
    });
    props.deny.forEach((cidr, i) => {
      for (const direction of [IN, OUT]) {
        this.acl.addEntry(`Deny${i + 1}${direction === IN ? 'In' : 'Out'}`, {
          ruleNumber: i + 1,
          cidr: ec2.AclCidr.ipv4(cidr),
          traffic: ec2.AclTraffic.allTraffic(),
          direction,
          ruleAction: ec2.Action.DENY,
        });
      }
    });
    props.allow.forEach((rule, i) => {
      this.acl.addEntry(rule.name, {
        ruleNumber: FIRST_ALLOW_RULE + i * 10,
        cidr: ec2.AclCidr.ipv4(rule.cidr),
        traffic: rule.traffic,
        direction: rule.direction,
        ruleAction: ec2.Action.ALLOW,
      });
    });
  }
}

/**
 * Public tier: web traffic and return traffic in from anywhere, anything from
 * inside the VPC, everything out (NAT forwards the private tier's traffic).
 */
export function publicTierRules(vpcCidr: string): AllowRule[] {
  return [
    { name: 'VpcIn', cidr: vpcCidr, traffic: ec2.AclTraffic.allTraffic(), direction: IN },
    { name: 'HttpIn', cidr: ANYWHERE, traffic: ec2.AclTraffic.tcpPort(80), direction: IN },
    { name: 'HttpsIn', cidr: ANYWHERE, traffic: ec2.AclTraffic.tcpPort(443), direction: IN },
    { name: 'EphemeralTcpIn', cidr: ANYWHERE, traffic: EPHEMERAL_TCP, direction: IN },
    { name: 'EphemeralUdpIn', cidr: ANYWHERE, traffic: EPHEMERAL_UDP, direction: IN },
    { name: 'PathMtuIn', cidr: ANYWHERE, traffic: FRAGMENTATION_NEEDED, direction: IN },
    { name: 'AllOut', cidr: ANYWHERE, traffic: ec2.AclTraffic.allTraffic(), direction: OUT },
  ];
}

/** Private tier: nothing unsolicited from outside the VPC; only return traffic. */
export function privateTierRules(vpcCidr: string): AllowRule[] {
  return [
    { name: 'VpcIn', cidr: vpcCidr, traffic: ec2.AclTraffic.allTraffic(), direction: IN },
    { name: 'EphemeralTcpIn', cidr: ANYWHERE, traffic: EPHEMERAL_TCP, direction: IN },
    { name: 'EphemeralUdpIn', cidr: ANYWHERE, traffic: EPHEMERAL_UDP, direction: IN },
    { name: 'PathMtuIn', cidr: ANYWHERE, traffic: FRAGMENTATION_NEEDED, direction: IN },
    { name: 'AllOut', cidr: ANYWHERE, traffic: ec2.AclTraffic.allTraffic(), direction: OUT },
  ];
}

/** Isolated tier: reachable from, and talking to, the VPC only. */
export function isolatedTierRules(vpcCidr: string): AllowRule[] {
  return [
    { name: 'VpcIn', cidr: vpcCidr, traffic: ec2.AclTraffic.allTraffic(), direction: IN },
    { name: 'VpcOut', cidr: vpcCidr, traffic: ec2.AclTraffic.allTraffic(), direction: OUT },
  ];
}
