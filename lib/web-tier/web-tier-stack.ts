import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { DomainEndpointProps, endpointCertificate, publishEndpoint, PublishedEndpoint } from '../domain/endpoint';
import { HEALTH_PATH } from './user-data';
import { WebTier } from './web-tier';
import { WebTierProps } from './web-tier-props';


/** Props of {@link WebTierStack}. */
export interface WebTierStackProps extends StackProps {
  /** Props of the web tier, its VPC included (pass the stage's Network VPC). */
  readonly webTier: WebTierProps;
  /**
   * Puts the load balancer on a domain: HTTPS with a certificate for its name (unless
   * `webTier.certificateArn` is given), HTTP redirected, and an alias A record.
   * @default none: the load balancer's own DNS name
   */
  readonly domain?: DomainEndpointProps;
}

/**
 * Deploys a {@link WebTier} and outputs the load balancer's URL. Its instance
 * security group and role are exported (strong references).
 */
export class WebTierStack extends Stack {
  readonly webTier: WebTier;
  /** The load balancer's name, records and health check on the domain, with `domain`. */
  readonly onDomain?: PublishedEndpoint;

  constructor(scope: Construct, id: string, props: WebTierStackProps) {
    super(scope, id, props);
    const certificateArn = props.webTier.certificateArn ?? (props.domain && endpointCertificate(this, props.domain).certificateArn);
    this.webTier = new WebTier(this, 'WebTier', { ...props.webTier, certificateArn });
    if (props.domain) {
      const alb = this.webTier.loadBalancer;
      // The ALB of an IPv4 VPC answers over IPv4 only: an A record, no AAAA.
      this.onDomain = publishEndpoint(this, props.domain, {
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(alb)),
        evaluateTargetHealth: true,
        ipv6: false,
        healthCheck: { fqdn: alb.loadBalancerDnsName, path: props.webTier.healthCheck?.path ?? HEALTH_PATH },
      });
    }
    // Other stacks admit this security group and attach policies to this role (the
    // stage's DataTier does): strong references (Export/ImportValue) stop this stack
    // from being deleted, or the group replaced, while a consumer's rules still use them.
    for (const resource of [this.webTier.instanceSecurityGroup, this.webTier.instanceRole]) {
      CrossStackReferences.of(resource).produce(ReferenceStrength.STRONG);
    }
    new CfnOutput(this, 'LoadBalancerUrl', { value: this.webTier.url, description: 'The web tier, through the load balancer' });
    if (this.onDomain) new CfnOutput(this, 'DomainUrl', { value: `https://${this.onDomain.fqdn}/`, description: 'The web tier on its domain name' });
    new CfnOutput(this, 'AutoScalingGroupName', { value: this.webTier.autoScalingGroup.autoScalingGroupName, description: 'aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names <name>' });
  }
}
