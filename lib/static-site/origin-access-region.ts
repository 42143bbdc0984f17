import { Annotations, Aws, CfnRule, Fn, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { effectiveOriginAccess, OAI_REGIONS, OriginAccess, StaticSiteProps } from './static-site-props';

/** Id of the warning a site gets when it falls back from an OAI to OAC (`originAccessFallback`). */
export const OAC_FALLBACK_WARNING = '@aws-reference-architectures/static-site:originAccessControlFallback';

/**
 * The origin access the site uses, fitted to the bucket's region. Pinned to a
 * region that refuses an Origin Access Identity, `originAccessFallback` turns
 * an OAI into OAC with a warning (validation has failed already without it).
 * Environment-agnostic with an OAI, a template rule refuses such a region
 * before CloudFormation creates anything: the OAI bucket policy would fail
 * there after the distribution and buckets were made.
 */
export function fitOriginAccessToRegion(site: Construct, props: StaticSiteProps, region: string): OriginAccess {
  const agnostic = Token.isUnresolved(region);
  const access = effectiveOriginAccess(props, agnostic ? undefined : region);
  if (access === 'oac' && props.originAccess === 'oai') {
    Annotations.of(site).addWarningV2(OAC_FALLBACK_WARNING, `${site.node.path} reads its bucket through Origin Access Control instead of the `
      + `Origin Access Identity asked for: S3 buckets in ${region}, a region launched after December 2022, do not accept an OAI.`);
  }
  if (access === 'oai' && agnostic) {
    new CfnRule(site, 'OriginAccessIdentityRegion', {
      assertions: [{
        assert: Fn.conditionContains([...OAI_REGIONS], Aws.REGION),
        assertDescription: 'This static site reads its bucket through an Origin Access Identity, which S3 buckets in regions launched after '
          + 'December 2022 do not accept. Deploy it to an older region, or synthesize it with originAccess: "oac" (or pinned to the region with originAccessFallback).',
      }],
    });
  }
  return access;
}
