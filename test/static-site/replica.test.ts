import { RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { formatFindings, recordAcknowledgements } from '../../lib/shared/compliance';
import { SiteReplicaBucket } from '../../lib/static-site/site-replica-bucket';
import { StaticSite } from '../../lib/static-site/static-site';
import { StaticSiteProps, validateStaticSiteProps } from '../../lib/static-site/static-site-props';
import { nagFindings, problemsOf, resourcesOf, testApp } from '../harness';

const REPLICA = { bucketName: 'production-site-eu-west-1-123456789012-us-west-2', region: 'us-west-2' };

function stack(id: string, region: string) {
  const stage = new Stage(testApp(), 'Unit');
  recordAcknowledgements(stage);
  return new Stack(stage, id, { env: { account: '123456789012', region } });
}

function site(props: StaticSiteProps) {
  const s = stack('Site', 'eu-west-1');
  new StaticSite(s, 'Site', { removalPolicy: RemovalPolicy.RETAIN, ...props });
  return { stack: s, template: Template.fromStack(s) };
}

const contentBucket = (t: Template) => Object.entries(resourcesOf(t, 'AWS::S3::Bucket')).find(([id]) => id.startsWith('SiteContent'))!;

describe('the site replicated to the standby region', () => {
  const plain = site({});
  const replicated = site({ replica: REPLICA });

  test('every version and delete marker is replicated to the replica bucket, by a role of the site', () => {
    const [, bucket] = contentBucket(replicated.template);
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.ReplicationConfiguration).toEqual({
      Role: { 'Fn::GetAtt': [expect.stringMatching(/^SiteReplicationRole/), 'Arn'] },
      Rules: [{
        Destination: { Bucket: `arn:aws:s3:::${REPLICA.bucketName}` },
        Status: 'Enabled', Priority: 1, Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Enabled' },
      }],
    });
    const statements = Object.values(resourcesOf(replicated.template, 'AWS::IAM::ManagedPolicy'))
      .filter((p) => p.Properties.Roles?.some((r: any) => r.Ref.startsWith('SiteReplicationRole')))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      's3:GetObjectVersionAcl', 's3:GetObjectVersionForReplication', 's3:GetObjectVersionTagging', 's3:GetReplicationConfiguration', 's3:ListBucket',
      's3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags',
    ]);
    const onReplica = statements.filter((s) => JSON.stringify(s.Resource).includes(REPLICA.bucketName));
    expect(onReplica.flatMap((s) => [s.Action].flat()).sort()).toEqual(['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags']);
  });

  test('redeploy safety: the content bucket keeps its logical id and only gains its replication configuration', () => {
    const [plainId, plainBucket] = contentBucket(plain.template);
    const [id, bucket] = contentBucket(replicated.template);
    expect(id).toBe(plainId);
    const { ReplicationConfiguration: _, ...rest } = bucket.Properties;
    expect(rest).toEqual(plainBucket.Properties);
    expect(plainBucket.Properties.ReplicationConfiguration).toBeUndefined();
  });

  test('the distribution fails over to the replica on the content bucket\'s 500, 502, 503 and 504, signing with the same access control', () => {
    const config = Object.values(resourcesOf(replicated.template, 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
    expect(config.OriginGroups.Quantity).toBe(1);
    const group = config.OriginGroups.Items[0];
    expect(group.FailoverCriteria.StatusCodes).toEqual({ Items: [500, 502, 503, 504], Quantity: 4 });
    const members = group.Members.Items.map((m: any) => m.OriginId);
    const origins = members.map((id: string) => config.Origins.find((o: any) => o.Id === id));
    expect(JSON.stringify(origins[0].DomainName)).toContain('RegionalDomainName');
    expect(origins[1].DomainName).toBe(`${REPLICA.bucketName}.s3.us-west-2.amazonaws.com`);
    expect(origins[1].OriginAccessControlId).toEqual(origins[0].OriginAccessControlId);
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(group.Id);
    // Origin groups serve GET and HEAD only: the site allows nothing else.
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
  });

  test('without a replica: no replication, one origin, no group', () => {
    const config = Object.values(resourcesOf(plain.template, 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
    expect(config.OriginGroups).toBeUndefined();
    expect(config.Origins).toHaveLength(1);
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(replicated.stack))).toBe(''));
});

describe('the replica bucket in the standby region', () => {
  const s = stack('Replica', 'us-west-2');
  new SiteReplicaBucket(s, 'Replica', { bucketName: REPLICA.bucketName, removalPolicy: RemovalPolicy.DESTROY });
  const template = Template.fromStack(s);
  const bucket = () => Object.entries(resourcesOf(template, 'AWS::S3::Bucket')).find(([id]) => id.startsWith('ReplicaContent'))!;

  test('named for the site to replicate to; versioned, private, SSE-S3, access logged, noncurrent versions expired', () => {
    expect(bucket()[1].Properties).toMatchObject({
      BucketName: REPLICA.bucketName,
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { LogFilePrefix: 'replica-access/' },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] },
    });
  });

  test('CloudFront reads it for this account\'s distributions only, over TLS', () => {
    const policy = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p.Properties.Bucket).includes('ReplicaContent'))!;
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    expect(statements.some((st) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    const reads = statements.filter((st) => st.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(reads.map((st) => st.Action).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
    for (const read of reads) {
      expect(read.Condition).toEqual({
        StringEquals: { 'AWS:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'AWS:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/*']] } },
      });
    }
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(s))).toBe(''));
});

describe('bad input', () => {
  test('fails when the replica would be read by an Origin Access Identity, or replicate SSE-KMS content', () => {
    expect(problemsOf((p: StaticSiteProps) => validateStaticSiteProps(p, 'eu-west-1'), { originAccess: 'oai', replica: REPLICA })).toEqual([
      'replica: got "us-west-2"; the replica is read through Origin Access Control; an Origin Access Identity of this stack cannot be named in the replica\'s bucket policy in another region: use originAccess: "oac"',
    ]);
    expect(problemsOf((p: StaticSiteProps) => validateStaticSiteProps(p, 'eu-west-1'), { encryption: 'KMS', replica: REPLICA })).toEqual([
      'replica: got "us-west-2"; replicates SSE-S3 content; SSE-KMS content would need a replica key and KMS grants the site does not make: use encryption: "S3_MANAGED"',
    ]);
  });

  test('fails when the replica is in the content bucket\'s region or has no bucket name', () => {
    expect(problemsOf((p: StaticSiteProps) => validateStaticSiteProps(p, 'us-west-2'), { replica: { bucketName: 'Site_Replica', region: 'us-west-2' } })).toEqual([
      'replica.bucketName: got "Site_Replica"; expected an S3 bucket name: 3 to 63 lower-case letters, digits, dots or hyphens',
      'replica.region: got "us-west-2"; expected a region other than the content bucket\'s (us-west-2)',
    ]);
  });
});
