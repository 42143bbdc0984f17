import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** Props of {@link RestrictedEgressSecurityGroup}: a security group's, outbound always restricted. */
export type RestrictedEgressSecurityGroupProps = Omit<ec2.SecurityGroupProps, 'allowAllOutbound' | 'allowAllIpv6Outbound' | 'disableInlineRules'>;

/** The rule CDK uses to match no traffic: no host has 255.255.255.255, and ICMP type 252 code 86 does not exist. */
const NO_TRAFFIC_PEER = ec2.Peer.ipv4('255.255.255.255/32');
const NO_TRAFFIC_PORT = ec2.Port.icmpTypeAndCode(252, 86);

/**
 * A security group whose only outbound traffic is what its egress rules allow,
 * including rules to other security groups.
 *
 * EC2 gives every new group an allow-all egress rule; CloudFormation revokes
 * it only when the group's own `SecurityGroupEgress` list is not empty. A
 * rule to another security group is written as a separate
 * `AWS::EC2::SecurityGroupEgress` resource, and CDK then drops its inline
 * "match no traffic" rule, so `allowAllOutbound: false` plus
 * `connections.allowTo(group)` leaves the list empty and the group open to
 * 0.0.0.0/0. This group keeps the inline no-traffic rule whenever its other
 * egress rules are separate resources.
 */
export class RestrictedEgressSecurityGroup extends ec2.SecurityGroup {
  constructor(scope: Construct, id: string, props: RestrictedEgressSecurityGroupProps) {
    super(scope, id, { ...props, allowAllOutbound: false });
  }

  override addEgressRule(peer: ec2.IPeer, connection: ec2.Port, description?: string, remoteRule?: boolean): void {
    super.addEgressRule(peer, connection, description, remoteRule);
    // An inline rule revokes the default itself; a separate rule needs the no-traffic rule back in the list.
    if (!peer.canInlineRule || !connection.canInlineRule) {
      super.addEgressRule(NO_TRAFFIC_PEER, NO_TRAFFIC_PORT, 'Disallow all traffic');
    }
  }
}
