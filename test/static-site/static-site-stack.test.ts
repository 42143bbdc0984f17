import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatFindings } from '../../lib/shared/compliance';
import { DEFAULT_CONTENT_SECURITY_POLICY } from '../../lib/static-site/static-site';
import { StaticSiteStack } from '../../lib/static-site/static-site-stack';
import { acknowledgedRules, normalised, resourcesOf, stackTemplate, synthesizedStack, testApp } from '../harness';

// Each stage variant is synthesized once per run (test/setup/global-setup.js).
const sandboxTemplate = stackTemplate('Sandbox', 'StaticSite');
const productionTemplate = stackTemplate('Production', 'StaticSite');

const buckets = (t: Template) => resourcesOf(t, 'AWS::S3::Bucket');
const contentBucketId = (t: Template) => Object.keys(buckets(t)).find((id) => id.startsWith('StaticSiteContent'))!;
const logBucketId = (t: Template) => Object.keys(buckets(t)).find((id) => id.startsWith('StaticSiteLogs'))!;
const contentPolicy = (t: Template) => Object.values(resourcesOf(t, 'AWS::S3::BucketPolicy'))
  .find((p) => p.Properties.Bucket.Ref === contentBucketId(t))!.Properties.PolicyDocument.Statement as any[];

describe.each([['Sandbox', sandboxTemplate], ['Production', productionTemplate]])('StaticSite stack, %s profile', (_n, template) => {
  test('the content bucket is private: all public access blocked, owner-enforced, SSE-S3, versioned, logged', () => {
    expect(buckets(template)[contentBucketId(template)].Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' })] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucketId(template) }, LogFilePrefix: 'content-access/' },
    });
  });

  test('CloudFront alone may read objects and list the bucket (so a missing key is a 404); no other principal', () => {
    const statements = contentPolicy(template);
    const readers = statements.filter((s) => s.Effect === 'Allow' && [s.Action].flat().some((a: string) => /^s3:(\*|GetObject|ListBucket)/.test(a)));
    expect(readers.map((s) => s.Action)).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(readers.map((s) => s.Resource)).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [contentBucketId(template), 'Arn'] }, '/*']] }, { 'Fn::GetAtt': [contentBucketId(template), 'Arn'] }]);
    for (const s of statements.filter((x) => x.Effect === 'Allow' && !readers.includes(x))) {
      // The only other allow is the sandbox's auto-delete helper, which may list and delete, never read.
      expect(s.Principal).toEqual({ AWS: { 'Fn::GetAtt': [expect.stringMatching(/AutoDeleteObjects/), 'Arn'] } });
      expect([s.Action].flat().every((a: string) => /^s3:(List|Delete|GetBucket|PutBucketPolicy)/.test(a))).toBe(true);
    }
  });

  test('requests without TLS are denied on both buckets', () => {
    for (const policy of Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy'))) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
        Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      })]));
    }
  });

  test('the distribution: HTTPS only, compressed, HTTP/2 and 3, managed caching-optimized policy, index.html', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({
      DefaultRootObject: 'index.html',
      HttpVersion: 'http2and3',
      Enabled: true,
      DefaultCacheBehavior: Match.objectLike({
        ViewerProtocolPolicy: 'redirect-to-https', Compress: true,
        CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
        AllowedMethods: ['GET', 'HEAD'],
        ResponseHeadersPolicyId: { Ref: Match.stringLikeRegexp('SecurityHeaders') },
      }),
      Logging: { Bucket: { 'Fn::GetAtt': [logBucketId(template), 'RegionalDomainName'] }, Prefix: 'cloudfront/' },
      CustomErrorResponses: [{ ErrorCode: 404, ResponseCode: 404, ResponsePagePath: '/404.html', ErrorCachingMinTTL: 60 }],
    }) });
  });

  test('security headers: HSTS, nosniff, frame options, referrer policy and the default CSP', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', { ResponseHeadersPolicyConfig: Match.objectLike({
      SecurityHeadersConfig: {
        StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: false, Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
        ContentSecurityPolicy: { ContentSecurityPolicy: DEFAULT_CONTENT_SECURITY_POLICY, Override: true },
      },
    }) });
  });

  test('the content is deployed from the repository, with a cache invalidation', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: contentBucketId(template) },
      DistributionId: { Ref: Match.stringLikeRegexp('Distribution') },
      DistributionPaths: ['/*'],
    });
  });

  test('outputs the site URL and the bucket name', () => {
    template.hasOutput('SiteUrl', { Value: Match.anyValue() });
    template.hasOutput('BucketName', { Value: { Ref: contentBucketId(template) } });
    // The smoke check reads it to expect the 404 page (or, in SPA mode, the app with 200).
    template.hasOutput('MissingPathStatus', { Value: '404' });
  });
});

describe('stage differences', () => {
  const readers = (t: Template) => contentPolicy(t).filter((s) => s.Effect === 'Allow' && /^s3:(GetObject|ListBucket)$/.test(s.Action)).map((s) => s.Principal);

  test('the sandbox reads through the notes\' Origin Access Identity', () => {
    expect(readers(sandboxTemplate)).toEqual(Array(2).fill({ CanonicalUser: { 'Fn::GetAtt': [expect.stringMatching(/OriginAccessIdentity/), 'S3CanonicalUserId'] } }));
    sandboxTemplate.resourceCountIs('AWS::CloudFront::OriginAccessControl', 0);
  });

  test('production reads through Origin Access Control, for its one distribution only', () => {
    productionTemplate.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    expect(readers(productionTemplate)).toEqual(Array(2).fill({ Service: 'cloudfront.amazonaws.com' }));
    for (const s of contentPolicy(productionTemplate).filter((x) => x.Principal?.Service)) {
      expect(s.Condition.StringEquals['AWS:SourceArn']['Fn::Join'][1]).toContainEqual({ Ref: expect.stringMatching(/^StaticSiteDistribution/) });
    }
    const origin = Object.values(resourcesOf(productionTemplate, 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig.Origins[0];
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/OriginAccessControl/), 'Id'] });
  });

  test('the content deployment logs follow the stage\'s retention: a week in the sandbox, a year in production', () => {
    sandboxTemplate.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    productionTemplate.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    sandboxTemplate.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  test('price class: the cheapest in the sandbox, every edge in production', () => {
    sandboxTemplate.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ PriceClass: 'PriceClass_100' }) });
    productionTemplate.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ PriceClass: 'PriceClass_All' }) });
  });

  test('the sandbox empties and deletes its buckets on destroy; production retains them', () => {
    for (const b of Object.values(buckets(sandboxTemplate))) expect(b.DeletionPolicy).toBe('Delete');
    sandboxTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    for (const b of Object.values(buckets(productionTemplate))) expect(b.DeletionPolicy).toBe('Retain');
    productionTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });
});

test('in SPA mode the stack tells the smoke check that a missing path answers 200 (with the app)', () => {
  const stack = new StaticSiteStack(testApp(), 'Spa', { site: { spa: true } });
  Template.fromStack(stack).hasOutput('MissingPathStatus', { Value: '200' });
});

describe('compliance', () => {
  test.each(['Sandbox', 'Production', 'Sandbox pinned', 'Production pinned'] as const)('%s: the five packs report nothing unacknowledged', (variant) => {
    expect(formatFindings(synthesizedStack(variant, 'StaticSite').findings)).toBe('');
  });

  test('in OAI mode the OAC rule is acknowledged on the distribution with its reason', () => {
    const distribution = Object.values(resourcesOf(sandboxTemplate, 'AWS::CloudFront::Distribution'))[0];
    const rules = distribution.Metadata.cdk_nag.rules_to_suppress.map((r: { id: string }) => r.id);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-CFR7', 'AwsSolutions-CFR4']));
    expect(acknowledgedRules(sandboxTemplate).get('AwsSolutions-CFR7')).toMatch(/one prop/);
  });
});

describe('snapshots (drift only; the assertions above are the specification)', () => {
  test('Sandbox', () => expect(normalised(sandboxTemplate)).toMatchSnapshot());
  test('Production', () => expect(normalised(productionTemplate)).toMatchSnapshot());
});
