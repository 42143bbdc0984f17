import { CfnOutput, Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { Domain } from './domain';
import { DomainProps } from './domain-props';

/** Props of {@link DomainStack}. */
export interface DomainStackProps extends StackProps {
  /** Props of the domain. */
  readonly domain: DomainProps;
  /**
   * Labels (`www`) to cover with a certificate CloudFront can use; the stack must then be in us-east-1.
   * @default none
   */
  readonly cloudFrontNames?: string[];
}

/**
 * Deploys a {@link Domain}, and the us-east-1 certificate of the site's
 * distribution, and outputs the zone's id (and a created zone's name servers).
 */
export class DomainStack extends Stack {
  readonly domain: Domain;
  /** The certificate for `cloudFrontNames`, when given. */
  readonly cloudFrontCertificate?: acm.Certificate;

  constructor(scope: Construct, id: string, props: DomainStackProps) {
    super(scope, id, props);
    this.domain = new Domain(this, 'Domain', props.domain);
    const names = props.cloudFrontNames ?? [];
    if (names.length > 0) {
      this.cloudFrontCertificate = this.domain.cloudFrontCertificate(this, 'CloudFrontCertificate', names.map((n) => this.domain.fqdn(n)));
    }
    new CfnOutput(this, 'HostedZoneId', { value: this.domain.hostedZoneId, description: 'Route 53 hosted zone of the domain' });
    if (this.domain.zone instanceof route53.PublicHostedZone) {
      new CfnOutput(this, 'NameServers', { value: Fn.join(',', this.domain.zone.hostedZoneNameServers!), description: 'Delegate the domain to these at your registrar' });
    }
  }
}
