import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { WebTier } from './web-tier';
import { WebTierProps } from './web-tier-props';

/** Props of {@link WebTierStack}. */
export interface WebTierStackProps extends StackProps {
  /** Props of the web tier, its VPC included (pass the stage's Network VPC). */
  readonly webTier: WebTierProps;
}

/** Deploys a {@link WebTier} and outputs the load balancer's URL. */
export class WebTierStack extends Stack {
  readonly webTier: WebTier;

  constructor(scope: Construct, id: string, props: WebTierStackProps) {
    super(scope, id, props);
    this.webTier = new WebTier(this, 'WebTier', props.webTier);
    new CfnOutput(this, 'LoadBalancerUrl', { value: this.webTier.url, description: 'The web tier, through the load balancer' });
    new CfnOutput(this, 'AutoScalingGroupName', { value: this.webTier.autoScalingGroup.autoScalingGroupName, description: 'aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names <name>' });
  }
}
