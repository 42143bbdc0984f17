import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { DomainEndpointProps, publishEndpoint, PublishedEndpoint } from '../domain/endpoint';
import { ConfigError } from '../shared/validation';
import { StaticSite } from './static-site';
import { StaticSiteProps } from './static-site-props';

/** Props of {@link StaticSiteStack}. */
export interface StaticSiteStackProps extends StackProps {
  /**
   * Props of the site.
   * @default the StaticSite defaults (OAC, SSE-S3, sample content)
   */
  readonly site?: StaticSiteProps;
  /**
   * Puts the distribution on a domain: its name as an alias with `domain.certificate`
   * (required: from us-east-1, made by the Domain stack), TLSv1.2_2021 and SNI, alias A and AAAA records.
   * @default none: the distribution's cloudfront.net name
   */
  readonly domain?: DomainEndpointProps;
}

/** Deploys a {@link StaticSite} and outputs its URL, bucket name, distribution id and how a missing path answers. */
export class StaticSiteStack extends Stack {
  readonly site: StaticSite;
  /** The distribution's name and records on the domain, with `domain`. */
  readonly onDomain?: PublishedEndpoint;

  constructor(scope: Construct, id: string, props: StaticSiteStackProps = {}) {
    super(scope, id, props);
    const domain = props.domain;
    if (domain && !domain.certificate) {
      throw new ConfigError('StaticSiteStack props', ['domain.certificate: got undefined; CloudFront needs a certificate from us-east-1: make it there (Domain.cloudFrontCertificate in a us-east-1 stack) and pass it']);
    }
    // Read across regions by Fn::GetStackOutput (weak): no custom resource, and the us-east-1 stack stays deletable.
    if (domain?.certificate) CrossStackReferences.of(domain.certificate).produce(ReferenceStrength.WEAK);
    this.site = new StaticSite(this, 'StaticSite', domain
      ? { ...props.site, domainNames: [domain.domain.fqdn(domain.recordName)], certificateArn: domain.certificate!.certificateArn }
      : props.site);
    if (domain) {
      this.onDomain = publishEndpoint(this, domain, {
        target: route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.site.distribution)),
        cloudFront: true,
        ipv6: true,
        healthCheck: { fqdn: this.site.distribution.distributionDomainName, path: '/' },
      });
    }
    if (this.onDomain) new CfnOutput(this, 'DomainUrl', { value: `https://${this.onDomain.fqdn}/`, description: 'The site on its domain name' });
    new CfnOutput(this, 'SiteUrl', { value: `https://${this.onDomain?.fqdn ?? this.site.distribution.distributionDomainName}/`, description: 'The site, through CloudFront' });
    new CfnOutput(this, 'BucketName', { value: this.site.bucket.bucketName, description: 'Private content bucket (direct access is refused)' });
    new CfnOutput(this, 'DistributionId', { value: this.site.distribution.distributionId, description: 'For cache invalidations' });
    new CfnOutput(this, 'MissingPathStatus', { value: props.site?.spa ? '200' : '404', description: 'What a path with no object answers: 404 with /404.html, or 200 with the app (SPA)' });
  }
}
