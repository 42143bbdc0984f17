import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { LogBucket } from '../shared/log-bucket';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { bucketRemoval, DEFAULT_REMOVAL_POLICY, keyRemoval } from '../shared/removal';
import { acknowledgeSiteFindings } from './site-findings';
import { OriginAccess, StaticSiteProps, validateStaticSiteProps } from './static-site-props';

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
 * the content only through CloudFront, by Origin Access Identity (the notes)
 * or Origin Access Control (AWS's current recommendation).
 */
export class StaticSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly originAccess: OriginAccess;
  /** The identity CloudFront reads the bucket with, in OAI mode. */
  readonly originAccessIdentity?: cloudfront.OriginAccessIdentity;

  constructor(scope: Construct, id: string, props: StaticSiteProps = {}) {
    super(scope, id);
    validateStaticSiteProps(props);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    this.originAccess = props.originAccess ?? 'oai';
    // CloudFront's standard logs are written with ACLs, which bucket-owner-enforced forbids.
    this.logBucket = new LogBucket(this, 'Logs', { removalPolicy, objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED });
    this.bucket = this.newContentBucket(props, removalPolicy);
    const origin = this.newOrigin();
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Static site ${this.node.path}`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        compress: true,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.newHeadersPolicy(props.contentSecurityPolicy ?? DEFAULT_CONTENT_SECURITY_POLICY),
      },
      additionalBehaviors: props.dynamicContent ? {
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
      } : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass[priceClassKey(props.priceClass ?? 'PriceClass_100')],
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      domainNames: props.domainNames,
      certificate: props.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) : undefined,
      // Only a custom certificate takes a minimum; the default certificate's policy is CloudFront's.
      minimumProtocolVersion: props.certificateArn ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      geoRestriction: geoRestriction(props),
      webAclId: props.webAclArn,
      errorResponses: props.spa
        ? [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(10) }))
        : [{ httpStatus: 404, responseHttpStatus: 404, responsePagePath: '/404.html', ttl: Duration.minutes(1) }],
    });
    this.deployContent(props.contentPath ?? path.join(__dirname, 'site'), removalPolicy);
    acknowledgeSiteFindings(this, props);
  }

  /**
   * Uploads the folder on every deploy and invalidates the cache, through
   * CDK's deployment function, given a role whose grants are in a managed
   * policy and an encrypted log group with finite retention.
   */
  private deployContent(contentPath: string, removalPolicy: RemovalPolicy): void {
    const role = new ManagedPolicyRole(this, 'DeployRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the site content into the bucket and invalidates the cache',
    });
    const { logGroup } = new EncryptedLogGroup(this, 'DeployLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy });
    logGroup.grantWrite(role);
    new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [s3deploy.Source.asset(contentPath)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
      role,
      logGroup,
    });
  }

  private newContentBucket(props: StaticSiteProps, removalPolicy: RemovalPolicy): s3.Bucket {
    const kmsEncrypted = props.encryption === 'KMS';
    return new s3.Bucket(this, 'Content', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: kmsEncrypted ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: kmsEncrypted ? new kms.Key(this, 'ContentKey', { enableKeyRotation: true, ...keyRemoval(removalPolicy) }) : undefined,
      bucketKeyEnabled: kmsEncrypted || undefined,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30) }],
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'content-access/',
      ...bucketRemoval(removalPolicy),
    });
  }

  private newOrigin(): cloudfront.IOrigin {
    if (this.originAccess === 'oac') return origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const identity = new cloudfront.OriginAccessIdentity(this, 'OriginAccessIdentity', { comment: `Reads ${this.node.path}` });
    (this as { originAccessIdentity?: cloudfront.OriginAccessIdentity }).originAccessIdentity = identity;
    return origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket, { originAccessIdentity: identity });
  }

  private newHeadersPolicy(contentSecurityPolicy: string): cloudfront.ResponseHeadersPolicy {
    return new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
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

function priceClassKey(priceClass: string): keyof typeof cloudfront.PriceClass {
  return ({ PriceClass_100: 'PRICE_CLASS_100', PriceClass_200: 'PRICE_CLASS_200', PriceClass_All: 'PRICE_CLASS_ALL' } as const)[priceClass as 'PriceClass_100'];
}

function geoRestriction(props: StaticSiteProps): cloudfront.GeoRestriction | undefined {
  if (props.allowCountries) return cloudfront.GeoRestriction.allowlist(...props.allowCountries);
  if (props.denyCountries) return cloudfront.GeoRestriction.denylist(...props.denyCountries);
  return undefined;
}
