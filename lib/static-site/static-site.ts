import * as path from 'path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, nagFindingName } from '../shared/compliance';
import { deliverServerAccessLogsByPolicy, LogBucket } from '../shared/log-bucket';
import { bucketRemoval, DEFAULT_REMOVAL_POLICY, keyRemoval } from '../shared/removal';
import { ConfigError, show } from '../shared/validation';
import { ContentDeployer } from './content-deployer';
import { DistributionKeyAccess } from './distribution-key-access';
import { OacBucketOrigin } from './oac-origin';
import { stackUniqueName } from './physical-name';
import { acknowledgeSiteFindings } from './site-findings';
import { CLOUDFRONT_LOG_PREFIX, fitStandardLoggingToRegion, legacyLoggingOf } from './standard-logging';
import { fitOriginAccessToRegion } from './origin-access-region';
import { FAILOVER_STATUS_CODES, OriginAccess, StaticSiteProps, validateStaticSiteProps } from './static-site-props';

/**
 * Allows what a typical single-page app needs (its own scripts, inline styles,
 * images and fonts from data: and https:, API calls over https:) and nothing
 * that enables injection (no inline or remote scripts, no plugins, no framing).
 */
export const DEFAULT_CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: https:",
  "font-src 'self' data: https:", "connect-src 'self' https:", "object-src 'none'", "base-uri 'self'",
  "frame-ancestors 'none'", "form-action 'self'", 'upgrade-insecure-requests',
].join('; ');

/**
 * CloudFront in front of a private S3 bucket (notes 001, 002, 004): users reach
 * the content only through CloudFront, by Origin Access Control (AWS's current
 * recommendation, the default) or Origin Access Identity (the notes).
 */
export class StaticSite extends Construct {
  /** The content bucket: the site's own, or `existingBucket`. */
  readonly bucket: s3.IBucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly originAccess: OriginAccess;
  /** The identity CloudFront reads the bucket with, in OAI mode. */
  readonly originAccessIdentity?: cloudfront.OriginAccessIdentity;
  /** The access control CloudFront signs its requests with, in OAC mode. */
  readonly originAccessControl?: cloudfront.S3OriginAccessControl;
  /** The key of an SSE-KMS content bucket. */
  readonly encryptionKey?: kms.IKey;
  /** True when the site created the content bucket (not `existingBucket`). */
  readonly ownsBucket: boolean;
  /** True when the content is replicated to another region's bucket, the distribution's fallback origin. */
  readonly replicated: boolean;

  constructor(scope: Construct, id: string, props: StaticSiteProps = {}) {
    super(scope, id);
    deliverServerAccessLogsByPolicy(this);
    const bucketRegion = props.existingBucket?.env.region ?? Stack.of(this).region;
    validateStaticSiteProps(props, bucketRegion);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.originAccess = fitOriginAccessToRegion(this, props, bucketRegion);
    const legacyLogging = legacyLoggingOf(this);
    // CloudFront's standard logs are written with ACLs, which bucket-owner-enforced forbids.
    this.logBucket = new LogBucket(this, 'Logs', {
      removalPolicy,
      objectOwnership: legacyLogging === 'never' ? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED : s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    });
    this.ownsBucket = props.existingBucket === undefined;
    this.replicated = props.replica !== undefined;
    // The replica (another region's bucket), written to by replication and read by the fallback origin.
    const replica = props.replica && s3.Bucket.fromBucketAttributes(this, 'Replica', { bucketName: props.replica.bucketName, region: props.replica.region });
    this.bucket = props.existingBucket ?? this.newContentBucket(props, removalPolicy, replica);
    this.encryptionKey = this.bucket.encryptionKey;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Static site ${this.node.path}`.slice(0, 128),
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: this.newOrigin(replica),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        compress: true,
        // Forwards no query string, so no viewer request becomes a bucket listing.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.newHeadersPolicy(props.contentSecurityPolicy ?? DEFAULT_CONTENT_SECURITY_POLICY),
      },
      additionalBehaviors: dynamicBehaviors(props),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass as cloudfront.PriceClass | undefined ?? cloudfront.PriceClass.PRICE_CLASS_100,
      ...legacyLogging === 'never' ? {} : { enableLogging: true, logBucket: this.logBucket, logFilePrefix: CLOUDFRONT_LOG_PREFIX },
      domainNames: props.domainNames,
      certificate: props.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) : undefined,
      // Only a custom certificate takes a minimum; the default certificate's policy is CloudFront's.
      minimumProtocolVersion: props.certificateArn ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      geoRestriction: geoRestriction(props),
      webAclId: props.webAclArn,
      errorResponses: [notFoundResponse(props.spa ?? false)],
    });
    fitStandardLoggingToRegion(this, this.distribution, this.logBucket, legacyLogging);
    this.deleteDistributionBeforeEmptyingLogs();
    this.grantRead();
    const deployer = ContentDeployer.of(this, { logRetention, removalPolicy });
    deployer.deploy(this, 'Deploy', { contentPath: props.contentPath ?? path.join(__dirname, 'site'), bucket: this.bucket, distribution: this.distribution });
    if (this.originAccess === 'oac' && this.encryptionKey) {
      new DistributionKeyAccess(this, 'KeyAccess', { key: this.encryptionKey, distribution: this.distribution, logKey: deployer.logGroupKey, logRetention, removalPolicy });
    }
    acknowledgeSiteFindings(this, props);
  }

  /**
   * On stack deletion CloudFront keeps delivering logs while the distribution is
   * disabled and deleted (minutes); emptying the log bucket before that leaves
   * it "not empty" at its own deletion. The distribution depends on the
   * auto-delete resource, so CloudFormation deletes the distribution first.
   */
  private deleteDistributionBeforeEmptyingLogs(): void {
    const autoDelete = this.logBucket.node.tryFindChild('AutoDeleteObjectsCustomResource');
    if (autoDelete) this.distribution.node.addDependency(autoDelete);
  }

  private newContentBucket(props: StaticSiteProps, removalPolicy: RemovalPolicy, replica: s3.IBucket | undefined): s3.Bucket {
    const kmsEncrypted = props.encryption === 'KMS';
    const key = kmsEncrypted ? props.encryptionKey ?? new kms.Key(this, 'ContentKey', { enableKeyRotation: true, ...keyRemoval(removalPolicy) }) : undefined;
    const replication = replica && {
      role: new iam.Role(this, 'ReplicationRole', { assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'), description: `Replicates the content of ${this.node.path}` }),
      destination: replica,
    };
    const bucket = new s3.Bucket(this, 'Content', {
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30) }],
      replicationRole: replication?.role,
      replicationRules: replication && [{
        destination: replication.destination,
        priority: 1,
        // A deleted page is deleted at the replica too, so failover never serves withdrawn content.
        deleteMarkerReplication: true,
      }],
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'content-access/',
      ...bucketRemoval(removalPolicy),
      ...props.bucketProps,
      // Not overridable (validated): private, TLS only, encrypted as `encryption` says.
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: kmsEncrypted ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: key,
      bucketKeyEnabled: kmsEncrypted || undefined,
    });
    if (replication) {
      // A managed policy naming the role (the NIST, HIPAA and PCI packs refuse inline ones); attached from the policy's side,
      // since the bucket names the role and the policy the bucket.
      const grants = new iam.ManagedPolicy(this, 'ReplicationGrants', {
        description: `Grants of the replication role of ${this.node.path}`,
        roles: [replication.role],
        statements: [
          new iam.PolicyStatement({ actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'], resources: [bucket.bucketArn] }),
          new iam.PolicyStatement({ actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], resources: [bucket.arnForObjects('*')] }),
          new iam.PolicyStatement({ actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], resources: [replication.destination.arnForObjects('*')] }),
        ],
      });
      const stack = Stack.of(this);
      for (const objects of [bucket.arnForObjects('*'), replication.destination.arnForObjects('*')]) {
        acknowledge(grants, `AwsSolutions-IAM5[Resource::${nagFindingName(stack.resolve(objects))}]`,
          'S3 replication reads every object version of the content bucket and writes each to the replica: object-level actions on the two buckets\' objects, nothing wider.');
      }
    }
    return bucket;
  }

  private newOrigin(replica: s3.IBucket | undefined): cloudfront.IOrigin {
    if (this.originAccess === 'oac') {
      const control = new cloudfront.S3OriginAccessControl(this, 'OriginAccessControl', {
        originAccessControlName: stackUniqueName(this, 64),
        description: `Signs requests of ${this.node.path} to its bucket`.slice(0, 256),
      });
      (this as { originAccessControl?: cloudfront.S3OriginAccessControl }).originAccessControl = control;
      const origin = new OacBucketOrigin(this.bucket, control);
      if (!replica) return origin;
      // The replica is read with the same access control: CloudFront signs for whichever bucket it asks.
      return new origins.OriginGroup({ primaryOrigin: origin, fallbackOrigin: new OacBucketOrigin(replica, control), fallbackStatusCodes: FAILOVER_STATUS_CODES });
    }
    const identity = new cloudfront.OriginAccessIdentity(this, 'OriginAccessIdentity', { comment: `Reads ${this.node.path}`.slice(0, 128) });
    (this as { originAccessIdentity?: cloudfront.OriginAccessIdentity }).originAccessIdentity = identity;
    return origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket, { originAccessIdentity: identity });
  }

  /**
   * Lets CloudFront read objects and list the bucket. With s3:ListBucket, S3
   * answers 404 (not 403) for a missing key, so only 404 needs the site's
   * error page, and real refusals (geo restriction, WAF, a broken key policy)
   * stay 403 instead of posing as "not found". The listing itself is out of
   * reach: the root object is index.html and no query string is forwarded.
   */
  private grantRead(): void {
    const reader = this.originAccessIdentity
      ? { principals: [this.originAccessIdentity.grantPrincipal] }
      : {
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        conditions: { StringEquals: { 'AWS:SourceArn': this.distribution.distributionArn } },
      };
    const statements = [
      // The OAI origin of aws-cdk-lib grants s3:GetObject itself.
      ...this.originAccessIdentity ? [] : [new iam.PolicyStatement({ ...reader, actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects('*')] })],
      new iam.PolicyStatement({ ...reader, actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    ];
    for (const statement of statements) {
      if (!this.bucket.addToResourcePolicy(statement).statementAdded) {
        throw new ConfigError('StaticSite props', [`existingBucket: got ${show(this.bucket.node.path)}; the site cannot change the policy of an imported bucket; pass an s3.Bucket of this app`]);
      }
    }
  }

  private newHeadersPolicy(contentSecurityPolicy: string): cloudfront.ResponseHeadersPolicy {
    return new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: stackUniqueName(this, 128),
      comment: 'HSTS, nosniff, frame options, referrer policy and CSP',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: false, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        contentSecurityPolicy: { contentSecurityPolicy, override: true },
      },
    });
  }
}

/** A missing object (S3 answers 404): the site's 404 page, or in SPA mode the app with 200. */
function notFoundResponse(spa: boolean): cloudfront.ErrorResponse {
  return spa
    ? { httpStatus: 404, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(10) }
    : { httpStatus: 404, responseHttpStatus: 404, responsePagePath: '/404.html', ttl: Duration.minutes(1) };
}

function dynamicBehaviors(props: StaticSiteProps): Record<string, cloudfront.BehaviorOptions> | undefined {
  if (!props.dynamicContent) return undefined;
  return {
    [props.dynamicContent.pathPattern]: {
      origin: new origins.HttpOrigin(props.dynamicContent.originDomainName!, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    },
  };
}

function geoRestriction(props: StaticSiteProps): cloudfront.GeoRestriction | undefined {
  if (props.allowCountries) return cloudfront.GeoRestriction.allowlist(...props.allowCountries);
  if (props.denyCountries) return cloudfront.GeoRestriction.denylist(...props.denyCountries);
  return undefined;
}
