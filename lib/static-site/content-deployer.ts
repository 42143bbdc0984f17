import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
// cdk-nag's own rendering of a resource in a finding id, so acknowledgements match it exactly.
import { Construct } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS, nagFindingName } from '../shared/compliance';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { ConfigError } from '../shared/validation';

/** Memory of the first deployment function of a stack; CDK shares one function per stack and memory size. */
export const DEPLOY_MEMORY_MIB = 256;

/** What one site deploys. */
export interface SiteDeploymentProps {
  /** Folder uploaded on every deploy. */
  readonly contentPath: string;
  /** The site's content bucket. */
  readonly bucket: s3.IBucket;
  /** The distribution whose cache is invalidated after the upload. */
  readonly distribution: cloudfront.IDistribution;
}

/** Settings of the deployment function's logs, taken from the first site of the stack. */
export interface ContentDeployerProps {
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The role and log group of CDK's content-deployment function. `BucketDeployment`
 * runs every deployment of a stack with the same memory size on one function,
 * so every `StaticSite` of a stack shares this one role (each site adds its
 * grants) and log group, instead of leaving its own unused.
 */
export class ContentDeployer extends Construct {
  /**
   * The deployer of the stack for these log settings, created by the first
   * site asking for them. Sites with other settings (a production site and a
   * preview site in one stack) get a deployer of their own: CDK tells its
   * shared functions apart by memory size only, so the n-th set of settings
   * runs with DEPLOY_MEMORY_MIB + n - 1 MiB.
   */
  static of(scope: Construct, props: ContentDeployerProps): ContentDeployer {
    const stack = Stack.of(scope);
    const deployers = stack.node.children.filter((c): c is ContentDeployer => c instanceof ContentDeployer);
    const same = deployers.find((d) => d.logRetention === props.logRetention && d.removalPolicy === props.removalPolicy);
    if (same) return same;
    const n = deployers.length;
    return new ContentDeployer(stack, n === 0 ? ContentDeployer.ID : `${ContentDeployer.ID}${n + 1}`, props, DEPLOY_MEMORY_MIB + n);
  }

  private static readonly ID = 'StaticSiteContentDeployer';

  readonly role: ManagedPolicyRole;
  readonly logGroup: logs.ILogGroup;
  /** The key of the log group, also used for the site's other function logs. */
  readonly logGroupKey: kms.IKey;
  private readonly logRetention: logs.RetentionDays;
  private readonly removalPolicy: RemovalPolicy;
  private acknowledged = false;

  private constructor(scope: Construct, id: string, props: ContentDeployerProps, readonly memoryLimit: number) {
    super(scope, id);
    this.logRetention = props.logRetention;
    this.removalPolicy = props.removalPolicy;
    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the static sites\' content into their buckets and invalidates their caches',
    });
    const deployLogs = new EncryptedLogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.logGroup = deployLogs.logGroup;
    this.logGroupKey = deployLogs.key;
    this.logGroup.grantWrite(this.role);
  }

  /**
   * Deploys a folder into a site's bucket (then invalidates its distribution)
   * with this role and log group, and acknowledges what CDK's function needs;
   * fails if another deployment of the stack already owns the function.
   */
  deploy(scope: Construct, id: string, props: SiteDeploymentProps): s3deploy.BucketDeployment {
    let assetBucket: s3.IBucket | undefined;
    const asset = s3deploy.Source.asset(props.contentPath);
    // Keeps the asset's bucket, whose ARN is acknowledged as the stack places it (pinned or not).
    const source: s3deploy.ISource = { bind: (s, context) => { const config = asset.bind(s, context); assetBucket = config.bucket; return config; } };
    const deployment = new s3deploy.BucketDeployment(scope, id, {
      sources: [source],
      destinationBucket: props.bucket,
      distribution: props.distribution,
      distributionPaths: ['/*'],
      memoryLimit: this.memoryLimit,
      role: this.role,
      logGroup: this.logGroup,
    });
    if (deployment.handlerRole !== this.role) {
      throw new ConfigError('StaticSite', [`${scope.node.path}: another BucketDeployment with memoryLimit ${this.memoryLimit}, created before the first StaticSite of this stack, owns CDK's shared deployment function; create the StaticSite first or give that deployment another memoryLimit`]);
    }
    this.acknowledgeFunction();
    this.acknowledgeGrants([props.bucket.arnForObjects('*'), assetBucket!.arnForObjects('*')], props.bucket.encryptionKey !== undefined);
    return deployment;
  }

  /** The wildcards of CDK's grants, acknowledged as cdk-nag renders them for this stack. */
  private acknowledgeGrants(objectArns: string[], kmsEncrypted: boolean): void {
    const grants = this.role.grantsPolicy!;
    const stack = Stack.of(this);
    const reason = 'CDK\'s content deployment copies every object of the asset into the site\'s content bucket and invalidates its distribution; these are the grants it needs, on the asset bucket, the content bucket (and its key) and CloudFront invalidation only.';
    const kmsFindings = kmsEncrypted ? ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'] : [];
    const resources = objectArns.map((arn) => `Resource::${nagFindingName(stack.resolve(arn))}`);
    for (const finding of [...kmsFindings, 'Action::s3:List*', 'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*',
      'Resource::*', ...resources]) {
      acknowledge(grants, `AwsSolutions-IAM5[${finding}]`, reason);
    }
  }

  private acknowledgeFunction(): void {
    const fn = Stack.of(this).node.children.find((c) => c instanceof lambda.Function && c.role === this.role);
    if (!fn || this.acknowledged) return;
    this.acknowledged = true;
    const managedByCdk = 'CDK\'s content-deployment function, whose runtime and code aws-cdk-lib manages; it runs once per deploy.';
    acknowledge(fn, 'AwsSolutions-L1', managedByCdk);
    acknowledge(fn, 'Serverless-LambdaLatestVersion', managedByCdk);
    acknowledge(fn, 'Serverless-LambdaTracing', `${managedByCdk} Its log group records every run.`);
    for (const pack of ['Serverless', 'NIST.800.53.R5', 'HIPAA.Security']) {
      acknowledge(fn, `${pack}-LambdaDLQ`, 'CloudFormation invokes the function and fails the deployment on its error; nothing is lost to retry from a dead-letter queue.');
    }
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      acknowledge(fn, `${pack}-LambdaConcurrency`, 'One invocation per deployment; reserving concurrency for it would only take capacity from the account.');
    }
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(fn, `${pack}-LambdaInsideVPC`, 'The function talks only to S3 and CloudFront endpoints; a VPC would add NAT cost and nothing else.');
    }
  }
}
