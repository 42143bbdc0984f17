import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { WebTier } from './web-tier';
import { WebTierProps } from './web-tier-props';

/** Props of {@link WebTierStack}. */
export interface WebTierStackProps extends StackProps {
  /** Props of the web tier, its VPC included (pass the stage's Network VPC). */
  readonly webTier: WebTierProps;
}

/**
 * Deploys a {@link WebTier} and outputs the load balancer's URL. Its instance
 * security group and role are exported (strong references).
 */
export class WebTierStack extends Stack {
  readonly webTier: WebTier;

  constructor(scope: Construct, id: string, props: WebTierStackProps) {
    super(scope, id, props);
    this.webTier = new WebTier(this, 'WebTier', props.webTier);
    // Other stacks admit this security group and attach policies to this role (the
    // stage's DataTier does): strong references (Export/ImportValue) stop this stack
    // from being deleted, or the group replaced, while a consumer's rules still use them.
    for (const resource of [this.webTier.instanceSecurityGroup, this.webTier.instanceRole]) {
      CrossStackReferences.of(resource).produce(ReferenceStrength.STRONG);
    }
    new CfnOutput(this, 'LoadBalancerUrl', { value: this.webTier.url, description: 'The web tier, through the load balancer' });
    new CfnOutput(this, 'AutoScalingGroupName', { value: this.webTier.autoScalingGroup.autoScalingGroupName, description: 'aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names <name>' });
  }
}
