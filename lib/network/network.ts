import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { DEFAULT_REMOVAL_POLICY } from '../shared/removal';
import { NetworkProps, ResolvedNetworkProps, resolveNetworkProps } from './network-props';
import { isolatedTierRules, privateTierRules, publicTierRules, TierAcl } from './tier-acls';

/** Subnet group names, used by other architectures to select subnets. */
export const SUBNET_GROUPS = { public: 'Public', private: 'Private', isolated: 'Isolated' } as const;

/**
 * The network every other architecture stands on: a VPC with public, private
 * (egress through NAT) and isolated subnet tiers over several AZs, flow logs
 * of all traffic, free gateway endpoints for S3 and DynamoDB, a closed default
 * security group and a network ACL per tier.
 */
export class Network extends Construct {
  /** The VPC. Pass it (or this construct) to other architectures. */
  readonly vpc: ec2.Vpc;
  /** The log group receiving the VPC flow log. */
  readonly flowLogGroup: logs.ILogGroup;
  /** The NAT mode in use. */
  readonly natMode: ResolvedNetworkProps['natMode'];

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const config = resolveNetworkProps(props);
    this.natMode = config.natMode;
    const natInstances = config.natMode === 'instance' ? natInstance(props.natInstanceType) : undefined;
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(config.cidr),
      availabilityZones: config.availabilityZones ?? firstZones(config.azCount),
      subnetConfiguration: subnetConfiguration(config),
      natGateways: natCount(config),
      natGatewayProvider: natInstances,
      createInternetGateway: config.subnetSizes.public !== false,
      restrictDefaultSecurityGroup: true,
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    // Outbound-only by default: admit the VPC's own traffic to forward, nothing from outside.
    if (natInstances) {
      // TCP, UDP and ICMP rather than "all protocols", and the literal CIDR rather
      // than the VPC's token, so the compliance rules can read the rule.
      for (const port of [ec2.Port.allTcp(), ec2.Port.allUdp(), ec2.Port.allIcmp()]) {
        natInstances.connections.allowFrom(ec2.Peer.ipv4(config.cidr), port, 'Traffic to forward from the VPC');
      }
      hardenNatInstances(this.vpc);
    }
    this.flowLogGroup = this.addFlowLog(props);
    this.addTierAcls(config);
    if (props.sessionManagerEndpoints) this.addSessionManagerEndpoints(config.cidr);
    this.acknowledgeInherentFindings();
  }

  private addFlowLog(props: NetworkProps): logs.ILogGroup {
    const { logGroup } = new EncryptedLogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention,
      removalPolicy: props.removalPolicy ?? DEFAULT_REMOVAL_POLICY,
    });
    const role = new ManagedPolicyRole(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'),
      description: 'Delivers the VPC flow log to its log group',
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup, role),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    return logGroup;
  }

  private addTierAcls(config: ResolvedNetworkProps): void {
    const { cidr, blockedCidrs, subnetSizes } = config;
    const tiers = [
      { name: SUBNET_GROUPS.public, present: subnetSizes.public !== false, allow: publicTierRules(cidr), deny: blockedCidrs },
      { name: SUBNET_GROUPS.private, present: subnetSizes.private !== false, allow: privateTierRules(cidr), deny: blockedCidrs },
      { name: SUBNET_GROUPS.isolated, present: subnetSizes.isolated !== false, allow: isolatedTierRules(cidr), deny: [] },
    ];
    for (const tier of tiers.filter((t) => t.present)) {
      const { acl } = new TierAcl(this, `${tier.name}Acl`, {
        vpc: this.vpc, subnetGroupName: tier.name, allow: tier.allow, deny: tier.deny,
      });
      acknowledge(acl, 'AwsSolutions-VPC3', 'Network ACLs are deliberate here: stateless per-tier rules that deny blocked CIDRs and keep the isolated tier inside the VPC, which security groups cannot express.');
    }
  }

  private addSessionManagerEndpoints(vpcCidr: string): void {
    const services = {
      Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
      SsmMessages: ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES,
      Ec2Messages: ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES,
    };
    for (const [name, service] of Object.entries(services)) {
      // open: false keeps the endpoint security group closed to the world; allow the VPC only.
      const endpoint = this.vpc.addInterfaceEndpoint(`${name}Endpoint`, {
        service,
        privateDnsEnabled: true,
        open: false,
        subnets: { subnetGroupName: SUBNET_GROUPS.private },
      });
      endpoint.connections.allowFrom(ec2.Peer.ipv4(vpcCidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    }
  }

  /** Findings that are the architecture itself, each acknowledged on its one resource. */
  private acknowledgeInherentFindings(): void {
    for (const subnet of this.vpc.publicSubnets) {
      const route = subnet.node.tryFindChild('DefaultRoute');
      if (!route) continue;
      for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
        acknowledge(route, `${pack}-VPCNoUnrestrictedRouteToIGW`, 'The public tier exists to reach the internet: its 0.0.0.0/0 route to the internet gateway is what makes a subnet public. Private and isolated tiers have no such route.');
      }
    }
  }
}

/** The first `count` AZs of the region, resolved by CloudFormation, so synth needs no lookup. */
function firstZones(count: number): string[] {
  return Array.from({ length: count }, (_, i) => Fn.select(i, Fn.getAzs()));
}

function subnetConfiguration(config: ResolvedNetworkProps): ec2.SubnetConfiguration[] {
  const { public: pub, private: priv, isolated } = config.subnetSizes;
  const tiers: ec2.SubnetConfiguration[] = [];
  // No public IPs on launch: the load balancers and NAT gateways here do not need them.
  if (pub !== false) tiers.push({ name: SUBNET_GROUPS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: pub, mapPublicIpOnLaunch: false });
  if (priv !== false) tiers.push({ name: SUBNET_GROUPS.private, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: priv });
  if (isolated !== false) tiers.push({ name: SUBNET_GROUPS.isolated, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: isolated });
  return tiers;
}

function natCount(config: ResolvedNetworkProps): number {
  switch (config.natMode) {
    case 'perAz': return config.azCount;
    case 'single':
    case 'instance': return 1;
    case 'none': return 0;
  }
}

function natInstance(instanceType?: ec2.InstanceType): ec2.NatInstanceProviderV2 {
  return ec2.NatProvider.instanceV2({
    instanceType: instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
    associatePublicIpAddress: true,
  });
}

/**
 * NAT instances are built inside the VPC construct: harden them through their
 * CloudFormation resource (encrypted root volume, detailed monitoring, IMDSv2)
 * and acknowledge what a NAT instance is by nature. IMDSv2 is set on the
 * instance itself, not by CDK's aspect, whose launch template gets a literal
 * name that two networks in one region would share.
 */
function hardenNatInstances(vpc: ec2.Vpc): void {
  for (const subnet of vpc.publicSubnets) {
    const instance = subnet.node.tryFindChild('NatInstance') as ec2.Instance | undefined;
    if (!instance) continue;
    const cfn = instance.instance;
    cfn.metadataOptions = { httpTokens: 'required', httpEndpoint: 'enabled' };
    cfn.monitoring = true;
    cfn.blockDeviceMappings = [{ deviceName: '/dev/xvda', ebs: { encrypted: true, volumeType: 'gp3', deleteOnTermination: true } }];
    const natReason = 'A NAT instance forwards the private tier to the internet: it needs a public IP and sits in a public subnet by design.';
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(instance, `${pack}-EC2InstanceNoPublicIp`, natReason);
      acknowledge(instance, `${pack}-EC2InstancesInVPC`, 'The NAT instance is in the VPC: it is placed through a network interface in a public subnet, which this rule does not read.');
    }
    // The root volume is encrypted above; cdk-nag's EC26 rule throws (and so
    // reports) on an instance without a launch template when the same stack
    // holds another launch template, e.g. a WebTier next to this Network.
    acknowledge(instance, 'AwsSolutions-EC26', 'The root volume is encrypted (BlockDeviceMappings Encrypted: true); the rule cannot read an instance without a launch template in a stack that has another one.');
    acknowledge(instance, 'AwsSolutions-EC29', 'Termination protection would make cdk destroy fail; the NAT instance holds no state and CloudFormation recreates it.');
  }
}
