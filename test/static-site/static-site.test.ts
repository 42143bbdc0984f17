import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatFindings } from '../../lib/shared/compliance';
import { StaticSite } from '../../lib/static-site/static-site';
import { StaticSiteProps } from '../../lib/static-site/static-site-props';
import { nagFindings, resourcesOf, testStack } from '../harness';

function build(props: StaticSiteProps) {
  const stack = testStack();
  const site = new StaticSite(stack, 'Site', props);
  return { stack, site, template: Template.fromStack(stack) };
}
const distributionConfig = (t: Template) => Object.values(resourcesOf(t, 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;

describe('OAC mode with an SSE-KMS bucket', () => {
  const { stack, template, site } = build({ originAccess: 'oac', encryption: 'KMS' });
  const bucketId = stack.resolve((site.bucket.node.defaultChild as any).logicalId);

  test('an origin access control signs every request with SigV4; no identity exists', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    expect(distributionConfig(template).Origins[0].OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/OriginAccessControl/), 'Id'] });
  });

  test('only this distribution (the CloudFront service, conditioned on its ARN) may read the content', () => {
    const policy = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).find((p) => p.Properties.Bucket.Ref === bucketId)!;
    const readers = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(readers).toEqual([expect.objectContaining({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    })]);
  });

  test('the bucket is encrypted with a customer-managed key that CloudFront may decrypt with', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 'kms:Decrypt' })]) },
    });
  });

  test('the five packs report nothing unacknowledged, and the OAC rule needs no acknowledgement', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
    expect(JSON.stringify(template.toJSON())).not.toContain('AwsSolutions-CFR7');
  });
});

describe('options', () => {
  test('SPA mode answers 403 and 404 with /index.html and 200', () => {
    const { template } = build({ spa: true });
    expect(distributionConfig(template).CustomErrorResponses).toEqual([
      { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
      { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
    ]);
  });

  test('a custom domain uses its us-east-1 certificate with TLS 1.2 (2021) at least', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e';
    const { template, stack } = build({ domainNames: ['www.example.com'], certificateArn });
    expect(distributionConfig(template)).toMatchObject({
      Aliases: ['www.example.com'],
      ViewerCertificate: { AcmCertificateArn: certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
    });
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('geo restriction: an allow list, or a deny list', () => {
    expect(distributionConfig(build({ allowCountries: ['DE', 'FR'] }).template).Restrictions)
      .toEqual({ GeoRestriction: { Locations: ['DE', 'FR'], RestrictionType: 'whitelist' } });
    expect(distributionConfig(build({ denyCountries: ['KP'] }).template).Restrictions)
      .toEqual({ GeoRestriction: { Locations: ['KP'], RestrictionType: 'blacklist' } });
  });

  test('a web ACL of CLOUDFRONT scope is attached', () => {
    const webAclArn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(distributionConfig(build({ webAclArn }).template).WebACLId).toBe(webAclArn);
  });

  test('a dynamic path goes uncached to its HTTPS origin over TLS 1.2', () => {
    const { template, stack } = build({ dynamicContent: { pathPattern: '/api/*', originDomainName: 'api.example.com' } });
    const config = distributionConfig(template);
    expect(config.CacheBehaviors).toEqual([expect.objectContaining({
      PathPattern: '/api/*', ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // managed CachingDisabled
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
    })]);
    expect(config.Origins).toEqual(expect.arrayContaining([expect.objectContaining({
      DomainName: 'api.example.com',
      CustomOriginConfig: expect.objectContaining({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }),
    })]));
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('a user-set content security policy replaces the default', () => {
    const { template } = build({ contentSecurityPolicy: "default-src 'self'" });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', { ResponseHeadersPolicyConfig: Match.objectLike({
      SecurityHeadersConfig: Match.objectLike({ ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self'", Override: true } }),
    }) });
  });

  test('buckets are retained, not emptied, when nobody chose a removal policy', () => {
    const { template } = build({});
    for (const b of Object.values(resourcesOf(template, 'AWS::S3::Bucket'))) expect(b.DeletionPolicy).toBe('Retain');
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('bad props throw before anything is built', () => {
    expect(() => build({ encryption: 'KMS' })).toThrow(/^Invalid StaticSite props:\n {2}- encryption: got "KMS"/);
  });
});
