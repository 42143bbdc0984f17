import { CfnParameter, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as path from 'path';
import { formatFindings, recordAcknowledgements } from '../../lib/shared/compliance';
import { StaticSite } from '../../lib/static-site/static-site';
import { StaticSiteProps } from '../../lib/static-site/static-site-props';
import { acknowledgedRules, nagFindings, resourcesOf, testApp, testStack } from '../harness';

const PINNED = { account: '123456789012', region: 'eu-west-1' };

/** A stack in a stage of its own, environment-agnostic or pinned to an account and region. */
function stackIn(env?: { account: string; region: string }): Stack {
  const stage = new Stage(testApp(), 'Unit');
  recordAcknowledgements(stage);
  return new Stack(stage, 'Test', { env });
}

function build(props: StaticSiteProps, stack = testStack()) {
  const site = new StaticSite(stack, 'Site', props);
  return { stack, site, template: Template.fromStack(stack) };
}

const builds = new Map<string, ReturnType<typeof build>>();
/**
 * The site built with plain props, agnostic or pinned, once for the file:
 * the tests that only read a configuration share its synthesis (a tenth of a
 * CPU second each). Tests that add to a stack or expect a throw build their own.
 */
function builtOnce(props: StaticSiteProps, env?: { account: string; region: string }) {
  const key = JSON.stringify([props, env ?? null]);
  let built = builds.get(key);
  if (!built) {
    built = build(props, stackIn(env));
    builds.set(key, built);
  }
  return built;
}
const reports = new Map<Stack, string>();
/** The five packs' unacknowledged findings on a shared build (which no test changes), run once for the tests that check it. */
function sharedFindings(stack: Stack): string {
  let report = reports.get(stack);
  if (report === undefined) {
    report = formatFindings(nagFindings(stack));
    reports.set(stack, report);
  }
  return report;
}
const distributionConfig = (t: Template) => Object.values(resourcesOf(t, 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.resolve((construct.node.defaultChild as any).logicalId);
/** The template's rules but CDK's own bootstrap-version check. */
const ruleIds = (t: Template) => Object.keys(t.toJSON().Rules ?? {}).filter((id) => id !== 'CheckBootstrapVersion');
const bucketStatements = (t: Template, bucketId: string) => Object.values(resourcesOf(t, 'AWS::S3::BucketPolicy'))
  .find((p) => p.Properties.Bucket.Ref === bucketId)!.Properties.PolicyDocument.Statement as any[];

describe('placement: the same findings, none, whether the stack is pinned or environment-agnostic', () => {
  test.each([
    ['agnostic', undefined, {}],
    ['pinned', PINNED, {}],
    ['agnostic', undefined, { originAccess: 'oai' }],
    ['pinned', PINNED, { originAccess: 'oai' }],
    ['agnostic', undefined, { encryption: 'KMS' }],
    ['pinned', PINNED, { encryption: 'KMS' }],
  ] as const)('%s, %j: the five packs report nothing unacknowledged', (_n, env, props) => {
    const { stack } = builtOnce(props as StaticSiteProps, env);
    expect(sharedFindings(stack)).toBe('');
  });

  test('pinned: the asset bucket is acknowledged by its resolved ARN, not the agnostic one', () => {
    const { template } = builtOnce({}, PINNED);
    const rules = [...acknowledgedRules(template).keys()];
    expect(rules).toContain('AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-hnb659fds-assets-123456789012-eu-west-1/*]');
    expect(rules.some((r) => r.includes('<AWS::AccountId>'))).toBe(false);
  });
});

describe('Origin Access Control (the default)', () => {
  const { stack, template, site } = builtOnce({});
  const bucketId = logicalId(stack, site.bucket);
  const distributionArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: logicalId(stack, site.distribution) }]] };

  test('an origin access control signs every request with SigV4; no identity exists', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    expect(distributionConfig(template).Origins[0]).toMatchObject({
      OriginAccessControlId: { 'Fn::GetAtt': [expect.stringMatching(/OriginAccessControl/), 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });

  test('only this distribution may read objects and list the bucket (so S3 answers 404 for a missing key), nobody else', () => {
    const allows = bucketStatements(template, bucketId).filter((s) => s.Effect === 'Allow');
    const cloudFront = { Principal: { Service: 'cloudfront.amazonaws.com' }, Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } } };
    expect(allows).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] }, ...cloudFront },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] }, ...cloudFront },
    ]);
  });

  test('a missing object gets the site\'s 404 page with status 404; 403 (refusals) is not rewritten', () => {
    expect(distributionConfig(template).CustomErrorResponses).toEqual([{ ErrorCode: 404, ResponseCode: 404, ResponsePagePath: '/404.html', ErrorCachingMinTTL: 60 }]);
  });

  test('the OAC rule needs no acknowledgement', () => {
    expect(acknowledgedRules(template).has('AwsSolutions-CFR7')).toBe(false);
    expect(sharedFindings(stack)).toBe('');
  });
});

describe('OAC with an SSE-KMS bucket: the key lets this one distribution decrypt', () => {
  const { stack, template, site } = build({ encryption: 'KMS', logRetention: 7 });
  const keyId = logicalId(stack, site.encryptionKey as kms.Key);

  test('the bucket is encrypted with a customer-managed key with rotation', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } }] },
    });
    expect(resourcesOf(template, 'AWS::KMS::Key')[keyId].Properties.EnableKeyRotation).toBe(true);
  });

  test('no key statement lets every distribution of the account decrypt, and CDK warns of none', () => {
    const keyPolicy = JSON.stringify(resourcesOf(template, 'AWS::KMS::Key')[keyId].Properties.KeyPolicy);
    expect(keyPolicy).not.toContain('cloudfront');
    expect(keyPolicy).not.toContain('distribution/*');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('after deploy, a custom resource adds the statement for this distribution to the key policy', () => {
    template.hasResourceProperties('Custom::DistributionKeyAccess', {
      KeyId: { Ref: keyId },
      DistributionArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: logicalId(stack, site.distribution) }])] },
      ServiceTimeout: '300',
    });
  });

  test('a change to the key policy in the template writes the statement again (CloudFormation rewrites the whole policy)', () => {
    const keyPolicy = resourcesOf(template, 'AWS::KMS::Key')[keyId].Properties.KeyPolicy;
    template.hasResourceProperties('Custom::DistributionKeyAccess', { TemplateKeyPolicy: keyPolicy });
  });

  test('its function may read and write that key\'s policy, nothing else, and logs with the site\'s retention', () => {
    const handlerPolicies = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).filter((p) => /KeyAccess/.test(p.Properties.Description));
    const statements = handlerPolicies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('kms:') && /KeyPolicy/.test(a)))).toEqual([
      expect.objectContaining({ Action: ['kms:GetKeyPolicy', 'kms:PutKeyPolicy'], Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } })]);
    const retentions = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup')).map((g) => g.Properties.RetentionInDays);
    expect(retentions).toEqual([7, 7]);
  });

  test('the five packs report nothing unacknowledged', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('an imported key (IKey) is granted the same way, by the custom resource', () => {
    const { template: t } = build({ encryption: 'KMS', encryptionKey: kms.Key.fromKeyArn(testStack(), 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/0f8fad5b-d9cb-469f-a165-70867728950e') });
    t.hasResourceProperties('Custom::DistributionKeyAccess', { KeyId: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    t.resourceCountIs('AWS::KMS::Key', 1); // the deployment logs' key only
  });
});

describe('Origin Access Identity (the notes, the sandbox)', () => {
  const { stack, template, site } = builtOnce({ originAccess: 'oai' });
  const bucketId = logicalId(stack, site.bucket);

  test('only the identity may read objects and list the bucket', () => {
    const identity = { CanonicalUser: { 'Fn::GetAtt': [expect.stringMatching(/OriginAccessIdentity/), 'S3CanonicalUserId'] } };
    expect(bucketStatements(template, bucketId).filter((s) => s.Effect === 'Allow')).toEqual([
      expect.objectContaining({ Action: 's3:GetObject', Principal: identity, Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] } }),
      expect.objectContaining({ Action: 's3:ListBucket', Principal: identity, Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] } }),
    ]);
  });

  test('the OAC rule is acknowledged on the distribution with its reason', () => {
    expect(acknowledgedRules(template).get('AwsSolutions-CFR7')).toMatch(/one prop/);
  });

  test.each(['ap-southeast-4', 'il-central-1', 'ca-west-1', 'mx-central-1'])('fails at synth in %s, a region launched after December 2022', (region) => {
    expect(() => build({ originAccess: 'oai' }, stackIn({ account: '123456789012', region })))
      .toThrow(`originAccess: got "oai"; S3 buckets in ${region}, a region launched after December 2022, do not accept an Origin Access Identity; use originAccess: "oac"`);
    expect(() => build({}, stackIn({ account: '123456789012', region }))).not.toThrow();
  });

  test.each(['ap-southeast-7', 'mx-central-1'])('with originAccessFallback, pinned to %s: Origin Access Control instead, with a warning', (region) => {
    const { stack, template, site } = build({ originAccess: 'oai', originAccessFallback: true }, stackIn({ account: '123456789012', region }));
    expect(site.originAccess).toBe('oac');
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    expect(ruleIds(template)).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/Unit/Test/Site', Match.stringLikeRegexp(`Origin Access Control instead of the Origin Access Identity asked for: S3 buckets in ${region}`));
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('with originAccessFallback, pinned to a region that accepts it: the OAI, no warning', () => {
    const { stack, template, site } = build({ originAccess: 'oai', originAccessFallback: true }, stackIn(PINNED));
    expect(site.originAccess).toBe('oai');
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 1);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('environment-agnostic: a template rule refuses, before anything is created, every region that does not accept it', () => {
    const { template } = build({ originAccess: 'oai', originAccessFallback: true });
    expect(ruleIds(template)).toEqual([expect.stringMatching(/^SiteOriginAccessIdentityRegion/)]);
    const rule = template.toJSON().Rules[ruleIds(template)[0]];
    const [{ Assert, AssertDescription }] = rule.Assertions;
    const [regions, region] = Assert['Fn::Contains'];
    expect(region).toEqual({ Ref: 'AWS::Region' });
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-3', 'me-central-1', 'cn-north-1']));
    for (const refused of ['ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'il-central-1', 'ca-west-1', 'mx-central-1']) expect(regions).not.toContain(refused);
    expect(AssertDescription).toMatch(/Origin Access Identity.*originAccess: "oac"/);
  });

  test('pinned, or with OAC: no rule', () => {
    expect(ruleIds(builtOnce({ originAccess: 'oai' }, PINNED).template)).toEqual([]);
    expect(ruleIds(builtOnce({}).template)).toEqual([]);
  });
});

describe('single-page app', () => {
  test('a path with no object is answered with /index.html and 200; 403 is left alone', () => {
    const { template } = build({ spa: true });
    expect(distributionConfig(template).CustomErrorResponses).toEqual([{ ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 }]);
  });
});

describe('no literal physical name: two stages, two regions or a retained leftover never collide', () => {
  // Account-global names (CloudFront) carry the deployed stack's UUID; everything else is named by CloudFormation.
  const stackUuid = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };
  const NAME_PROPERTIES = ['BucketName', 'LogGroupName', 'RoleName', 'FunctionName', 'ManagedPolicyName', 'PolicyName', 'AliasName', 'Name'];

  test.each([[{}], [{ originAccess: 'oai' }], [{ encryption: 'KMS' }]] as const)('%j', (props) => {
    const { template } = builtOnce(props as StaticSiteProps);
    const named: string[] = [];
    const visit = (value: unknown, where: string): void => {
      if (!value || typeof value !== 'object') return;
      for (const [key, child] of Object.entries(value)) {
        if (NAME_PROPERTIES.includes(key) && !where.includes('Statement')) {
          expect({ where, name: child }).toEqual({ where, name: { 'Fn::Join': ['', [expect.any(String), stackUuid]] } });
          named.push(where);
        } else visit(child, `${where}.${key}`);
      }
    };
    for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, { Properties?: unknown }>)) visit(resource.Properties, id);
    expect(named.length).toBeGreaterThan(0);
  });
});

describe('reusable: two sites and a user\'s own BucketDeployment in one stack', () => {
  const stack = testStack();
  const first = new StaticSite(stack, 'First', {});
  const second = new StaticSite(stack, 'Second', { encryption: 'KMS' });
  const userBucket = new s3.Bucket(stack, 'UserBucket');
  new s3deploy.BucketDeployment(stack, 'UserDeployment', { sources: [s3deploy.Source.asset(path.join(__dirname, '..', '..', 'lib', 'static-site', 'site'))], destinationBucket: userBucket });
  const template = Template.fromStack(stack);
  const functions = resourcesOf(template, 'AWS::Lambda::Function');
  const deployFunctions = Object.entries(functions).filter(([id]) => id.startsWith('CustomCDKBucketDeployment'));
  const roleOf = (id: string) => functions[id].Properties.Role['Fn::GetAtt'][0];

  test('both sites deploy through one function with one role and log group, which grants each its own bucket', () => {
    expect(deployFunctions).toHaveLength(2); // ours (256 MiB) and the user's (CDK's default memory)
    const ours = deployFunctions.find(([, f]) => f.Properties.MemorySize === 256)!;
    expect(roleOf(ours[0])).toMatch(/^StaticSiteContentDeployerRole/);
    expect(ours[1].Properties.LoggingConfig.LogGroup.Ref).toMatch(/^StaticSiteContentDeployerLogs/);
    const grants = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find((p) => /StaticSiteContentDeployer/.test(p.Properties.Description))!;
    const resources = JSON.stringify(grants.Properties.PolicyDocument);
    for (const site of [first, second]) expect(resources).toContain(logicalId(stack, site.bucket));
    expect(resources).not.toContain(logicalId(stack, userBucket));
    // No role or log group of ours left unused: the deployer's, and the KMS site's key-access function's.
    const ourLogs = Object.keys(resourcesOf(template, 'AWS::Logs::LogGroup')).filter((id) => !id.startsWith('CustomCDKBucketDeployment'));
    expect(ourLogs.sort()).toEqual([expect.stringMatching(/^SecondKeyAccessHandler/), expect.stringMatching(/^StaticSiteContentDeployerLogs/)]);
    template.resourceCountIs('AWS::IAM::Role', 3); // our deployer's, the key-access function's, the user's deployment's
  });

  test('the user\'s deployment function and role carry none of our acknowledgements; ours are on our function', () => {
    const userFunction = deployFunctions.find(([, f]) => f.Properties.MemorySize !== 256)!;
    const ours = deployFunctions.find(([, f]) => f.Properties.MemorySize === 256)!;
    expect(userFunction[1].Metadata?.cdk_nag).toBeUndefined();
    expect(resourcesOf(template, 'AWS::IAM::Role')[roleOf(userFunction[0])].Metadata?.cdk_nag).toBeUndefined();
    expect(ours[1].Metadata.cdk_nag.rules_to_suppress.map((r: { id: string }) => r.id)).toContain('AwsSolutions-L1');
  });

  test('the findings left are the user\'s deployment\'s own, none of ours', () => {
    const paths = [...new Set(nagFindings(stack).map((f) => f.path))];
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p).not.toMatch(/\/(First|Second|StaticSiteContentDeployer)\//);
  });

  test('a second site with the same deployment-log settings shares the first one\'s function', () => {
    const s = testStack();
    new StaticSite(s, 'A', { logRetention: 7 });
    new StaticSite(s, 'B', { logRetention: 7 });
    const t = Template.fromStack(s);
    expect(Object.keys(resourcesOf(t, 'AWS::Lambda::Function')).filter((id) => id.startsWith('CustomCDKBucketDeployment'))).toHaveLength(1);
  });
});

describe('a production site and a preview site in one stack: other removal policy and log retention', () => {
  const stack = testStack();
  new StaticSite(stack, 'Production', { removalPolicy: RemovalPolicy.RETAIN, logRetention: 365 });
  new StaticSite(stack, 'Preview', { removalPolicy: RemovalPolicy.DESTROY, logRetention: 7 });
  const template = Template.fromStack(stack);
  const functions = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).filter(([id]) => id.startsWith('CustomCDKBucketDeployment'));
  const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');

  test('each deploys through a function of its own, logging to a log group with its own retention and removal policy', () => {
    const byMemory = Object.fromEntries(functions.map(([, f]) => [f.Properties.MemorySize, logGroups[f.Properties.LoggingConfig.LogGroup.Ref]]));
    expect(Object.keys(byMemory).sort()).toEqual(['256', '257']);
    expect(byMemory[256]).toMatchObject({ Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
    expect(byMemory[257]).toMatchObject({ Properties: { RetentionInDays: 7 }, DeletionPolicy: 'Delete' });
  });

  test('each function\'s role may write only its own site\'s bucket', () => {
    const roleOf = (memory: number) => functions.find(([, f]) => f.Properties.MemorySize === memory)![1].Properties.Role['Fn::GetAtt'][0];
    const policyIdsOf = (roleId: string) => resourcesOf(template, 'AWS::IAM::Role')[roleId].Properties.ManagedPolicyArns.map((a: { Ref?: string }) => a.Ref);
    const grantsOf = (memory: number) => JSON.stringify(policyIdsOf(roleOf(memory)).filter(Boolean)
      .map((id: string) => resourcesOf(template, 'AWS::IAM::ManagedPolicy')[id].Properties.PolicyDocument));
    const bucketIdOf = (site: string) => Object.keys(resourcesOf(template, 'AWS::S3::Bucket')).find((id) => id.startsWith(`${site}Content`))!;
    expect(grantsOf(256)).toContain(bucketIdOf('Production'));
    expect(grantsOf(256)).not.toContain(bucketIdOf('Preview'));
    expect(grantsOf(257)).toContain(bucketIdOf('Preview'));
    expect(grantsOf(257)).not.toContain(bucketIdOf('Production'));
  });

  test('the five packs report nothing unacknowledged', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

describe('bring your own bucket', () => {
  test('existingBucket: the site grants its distribution on your bucket and acknowledges nothing on it', () => {
    const stack = testStack();
    const bucket = new s3.Bucket(stack, 'Mine', { enforceSSL: true });
    const { template, site } = build({ existingBucket: bucket }, stack);
    expect(site.bucket).toBe(bucket);
    template.resourceCountIs('AWS::S3::Bucket', 2); // yours and the CloudFront log bucket
    const statements = bucketStatements(template, logicalId(stack, bucket)).filter((s) => s.Effect === 'Allow');
    expect(statements.map((s) => s.Action)).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(resourcesOf(template, 'AWS::S3::Bucket')[logicalId(stack, bucket)].Metadata?.cdk_nag).toBeUndefined();
  });

  test('existingBucket with your own KMS key: the key is granted to this distribution after deploy, and the five packs stay clean', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack, 'Mine', { encryptionKey: key, enforceSSL: true });
    const { template } = build({ existingBucket: bucket }, stack);
    template.hasResourceProperties('Custom::DistributionKeyAccess', { KeyId: { Ref: logicalId(stack, key) } });
    expect(nagFindings(stack).filter((f) => f.path.includes('/Site/'))).toEqual([]);
  });

  test('existingBucket that is imported fails clearly: its policy cannot be changed', () => {
    const stack = testStack();
    expect(() => build({ existingBucket: s3.Bucket.fromBucketName(stack, 'Imported', 'my-site') }, stack))
      .toThrow(/existingBucket: got "Unit\/Test\/Imported"; the site cannot change the policy of an imported bucket/);
  });

  test('bucketProps are merged over the defaults', () => {
    const { template } = build({ bucketProps: { transferAcceleration: true } });
    template.hasResourceProperties('AWS::S3::Bucket', { AccelerateConfiguration: { AccelerationStatus: 'Enabled' }, VersioningConfiguration: { Status: 'Enabled' } });
  });
});

describe('tokens are accepted where users pass them', () => {
  test('domain names, certificate and origin domain from CloudFormation parameters', () => {
    const stack = testStack();
    const param = (id: string) => new CfnParameter(stack, id).valueAsString;
    const { template } = build({
      domainNames: [param('Domain')], certificateArn: param('Certificate'), webAclArn: param('WebAcl'),
      dynamicContent: { pathPattern: '/api/*', originDomainName: param('Api') },
    }, stack);
    expect(distributionConfig(template)).toMatchObject({ Aliases: [{ Ref: 'Domain' }], ViewerCertificate: { AcmCertificateArn: { Ref: 'Certificate' } }, WebACLId: { Ref: 'WebAcl' } });
  });

  test('a list parameter of domain names', () => {
    const stack = testStack();
    const domains = new CfnParameter(stack, 'Domains', { type: 'CommaDelimitedList' }).valueAsList;
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(distributionConfig(build({ domainNames: domains, certificateArn }, stack).template).Aliases).toEqual({ Ref: 'Domains' });
  });
});

describe('options', () => {
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

  test('buckets and logs are retained, not emptied, when nobody chose a removal policy; logs kept a month', () => {
    const { template } = builtOnce({});
    for (const b of Object.values(resourcesOf(template, 'AWS::S3::Bucket'))) expect(b.DeletionPolicy).toBe('Retain');
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('bad props throw before anything is built', () => {
    expect(() => build({ originAccess: 'oai', encryption: 'KMS' })).toThrow(/^Invalid StaticSite props:\n {2}- encryption: got "KMS"/);
  });
});
