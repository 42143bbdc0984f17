import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { StaticSite } from './static-site';
import { StaticSiteProps } from './static-site-props';

/** Props of {@link StaticSiteStack}. */
export interface StaticSiteStackProps extends StackProps {
  /**
   * Props of the site.
   * @default the StaticSite defaults (OAC, SSE-S3, sample content)
   */
  readonly site?: StaticSiteProps;
}

/** Deploys a {@link StaticSite} and outputs its URL, bucket name, distribution id and how a missing path answers. */
export class StaticSiteStack extends Stack {
  readonly site: StaticSite;

  constructor(scope: Construct, id: string, props: StaticSiteStackProps = {}) {
    super(scope, id, props);
    this.site = new StaticSite(this, 'StaticSite', props.site);
    new CfnOutput(this, 'SiteUrl', { value: `https://${this.site.distribution.distributionDomainName}/`, description: 'The site, through CloudFront' });
    new CfnOutput(this, 'BucketName', { value: this.site.bucket.bucketName, description: 'Private content bucket (direct access is refused)' });
    new CfnOutput(this, 'DistributionId', { value: this.site.distribution.distributionId, description: 'For cache invalidations' });
    new CfnOutput(this, 'MissingPathStatus', { value: props.site?.spa ? '200' : '404', description: 'What a path with no object answers: 404 with /404.html, or 200 with the app (SPA)' });
  }
}
