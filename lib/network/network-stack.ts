import { CfnOutput, CrossStackReferences, Fn, ReferenceStrength, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { Network } from './network';
import { NetworkProps } from './network-props';

/** Props of {@link NetworkStack}. */
export interface NetworkStackProps extends StackProps {
  /**
   * Props of the network.
   * @default the Network defaults
   */
  readonly network?: NetworkProps;
}

/** The most Availability Zones a region has today (us-east-1: 6). */
const MAX_AZS = 6;

/** Deploys a {@link Network} and outputs its VPC id and subnet ids per tier. */
export class NetworkStack extends Stack {
  readonly network: Network;

  /**
   * The zones CloudFormation picks (`Fn::GetAZs`), pinned or not: a stack
   * pinned to an account and region would otherwise look its zones up at synth,
   * which needs AWS credentials (and fails `cdk synth` without them).
   */
  get availabilityZones(): string[] {
    return Array.from({ length: MAX_AZS }, (_, i) => Fn.select(i, Fn.getAzs()));
  }

  constructor(scope: Construct, id: string, props: NetworkStackProps = {}) {
    super(scope, id, props);
    this.network = new Network(this, 'Network', props.network);
    const { vpc } = this.network;
    // Tiers in other stacks stand on this VPC and its subnets: strong references
    // (Export/ImportValue) stop this stack from being deleted, or a subnet
    // replaced, while a consumer still uses them. Other references stay weak.
    for (const resource of [vpc, ...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets]) {
      CrossStackReferences.of(resource).produce(ReferenceStrength.STRONG);
    }
    new CfnOutput(this, 'VpcId', { value: vpc.vpcId, description: 'VPC id' });
    outputSubnets(this, 'PublicSubnetIds', vpc.publicSubnets);
    outputSubnets(this, 'PrivateSubnetIds', vpc.privateSubnets);
    outputSubnets(this, 'IsolatedSubnetIds', vpc.isolatedSubnets);
  }
}

function outputSubnets(scope: Construct, id: string, subnets: ec2.ISubnet[]): void {
  if (subnets.length === 0) return;
  new CfnOutput(scope, id, { value: Fn.join(',', subnets.map((s) => s.subnetId)), description: `${id}, comma-separated` });
}
