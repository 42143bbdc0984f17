import { RemovalPolicy, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { STAGE_PROFILES } from '../../lib/stages/stage-config';
import { isNotice } from '../../lib/stages/stage-selection';
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

/** The regions a reviewer listed as opt-in, where CloudFront cannot deliver standard logs to a bucket (kept apart from lib's list). */
const OPT_IN_REGIONS = ['af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
  'ap-southeast-6', 'ap-southeast-7', 'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1',
  'me-south-1', 'mx-central-1'];

const distributionOf = (t: Template) => Object.values(resourcesOf(t, 'AWS::CloudFront::Distribution'))[0];
const standardLogs = (t: Template) => ({ Bucket: { 'Fn::GetAtt': [logBucketId(t), 'RegionalDomainName'] }, Prefix: 'cloudfront/' });

/** Evaluates a template condition the way CloudFormation would in `region`. */
function holdsIn(conditions: Record<string, any>, expression: any, region: string): boolean {
  if (expression.Condition) return holdsIn(conditions, conditions[expression.Condition], region);
  if (expression['Fn::Or']) {
    expect(expression['Fn::Or'].length).toBeGreaterThanOrEqual(2);
    expect(expression['Fn::Or'].length).toBeLessThanOrEqual(10);
    return expression['Fn::Or'].some((e: any) => holdsIn(conditions, e, region));
  }
  if (expression['Fn::Equals']) {
    const [a, b] = expression['Fn::Equals'];
    expect(a).toEqual({ Ref: 'AWS::Region' });
    return b === region;
  }
  throw new Error(`unexpected condition ${JSON.stringify(expression)}`);
}

describe('standard (legacy) logging, which CloudFront cannot deliver to a bucket in an opt-in region', () => {
  test.each([['Sandbox', sandboxTemplate], ['Production', productionTemplate]])('%s, environment-agnostic: logs only where the deployment region is not an opt-in one', (_n, template) => {
    const logging = distributionOf(template).Properties.DistributionConfig.Logging;
    expect(logging).toEqual({ 'Fn::If': [expect.any(String), { Ref: 'AWS::NoValue' }, standardLogs(template)] });
    const conditions = template.toJSON().Conditions;
    const inOptInRegion = conditions[logging['Fn::If'][0]];
    for (const region of OPT_IN_REGIONS) expect([region, holdsIn(conditions, inOptInRegion, region)]).toEqual([region, true]);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1']) expect([region, holdsIn(conditions, inOptInRegion, region)]).toEqual([region, false]);
  });

  test('Production pinned to ap-southeast-7 (opt-in): no Logging, no condition, and a warning naming the region', () => {
    const template = stackTemplate('Production pinned', 'StaticSite');
    expect(distributionOf(template).Properties.DistributionConfig).not.toHaveProperty('Logging');
    expect(template.toJSON().Conditions).toBeUndefined();
    const warnings = synthesizedStack('Production pinned', 'StaticSite').messages.filter((m) => m.level === 'warning').map((m) => m.text);
    expect(warnings).toContainEqual(expect.stringMatching(/no standard logging.*ap-southeast-7.*standard logging \(v2\)/));
    // No ACL-written CloudFront logs there, so the log bucket needs no ACLs either.
    expect(buckets(template)[logBucketId(template)].Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  test('Sandbox pinned to eu-west-1: plain standard logging, no condition, no warning', () => {
    const template = stackTemplate('Sandbox pinned', 'StaticSite');
    expect(distributionOf(template).Properties.DistributionConfig.Logging).toEqual(standardLogs(template));
    expect(template.toJSON().Conditions).toBeUndefined();
    expect(synthesizedStack('Sandbox pinned', 'StaticSite').messages.filter((m) => /standard logging/.test(m.text))).toEqual([]);
  });
});

test('on sandbox destroy the distribution is deleted before its log bucket is emptied (late logs would leave it "not empty")', () => {
  const autoDelete = Object.entries(resourcesOf(sandboxTemplate, 'Custom::S3AutoDeleteObjects'))
    .find(([, r]) => r.Properties.BucketName.Ref === logBucketId(sandboxTemplate))![0];
  // CloudFormation deletes a resource before what it depends on: the distribution, then the emptying.
  expect(distributionOf(sandboxTemplate).DependsOn).toContain(autoDelete);
});

test('in SPA mode the stack tells the smoke check that a missing path answers 200 (with the app)', () => {
  const stack = new StaticSiteStack(testApp(), 'Spa', { site: { spa: true } });
  Template.fromStack(stack).hasOutput('MissingPathStatus', { Value: '200' });
});

describe('the sandbox\'s Origin Access Identity where S3 refuses it (regions opened after 2022)', () => {
  test('environment-agnostic, the Sandbox template refuses such a region at deploy, before anything is created', () => {
    const rule = Object.entries(sandboxTemplate.toJSON().Rules).find(([id]) => id.startsWith('StaticSiteOriginAccessIdentityRegion'))![1] as any;
    expect(rule.Assertions[0].Assert['Fn::Contains'][0]).not.toContain('ap-southeast-7');
    expect(rule.Assertions[0].Assert['Fn::Contains'][0]).toContain('eu-west-1');
  });

  test('pinned to such a region, the Sandbox\'s site falls back to Origin Access Control and the stage says so', () => {
    const stage = new Stage(testApp(), 'Sandbox', { env: { account: '123456789012', region: 'ap-southeast-7' } });
    const stack = new StaticSiteStack(stage, 'StaticSite', { site: { ...STAGE_PROFILES.Sandbox.staticSite, removalPolicy: RemovalPolicy.DESTROY } });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((m) => String(m.entry.data));
    expect(warnings.filter((w) => !isNotice(w))).toEqual([]);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringContaining('Origin Access Control instead of the Origin Access Identity asked for: S3 buckets in ap-southeast-7')]));
  });

  test('pinned to an older region, the Sandbox keeps the notes\' OAI, without the rule', () => {
    const template = stackTemplate('Sandbox pinned', 'StaticSite');
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 1);
    expect(Object.keys(template.toJSON().Rules)).toEqual(['CheckBootstrapVersion']);
  });
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
