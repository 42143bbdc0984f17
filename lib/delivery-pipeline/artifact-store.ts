import { Duration, PhysicalName, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CONFIG_RULE_PACKS, acknowledge } from '../shared/compliance';
import { deliverServerAccessLogsByPolicy, LogBucket } from '../shared/log-bucket';
import { bucketRemoval, keyRemoval } from '../shared/removal';

/** Props of {@link ArtifactStore}. */
export interface ArtifactStoreProps {
  /** What happens to the bucket, its key and its access logs on stack deletion. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * Give the bucket and the key's alias generated physical names, so that a
   * pipeline in another region can name them (CloudFormation references do not cross regions).
   * @default false
   */
  readonly crossRegion?: boolean;
  /**
   * Days an artifact is kept. A Production stage's rollback redeploys the last
   * successful run's artifacts: keep them longer than the gap between two releases.
   * @default Duration.days(90)
   */
  readonly artifactExpiration?: Duration;
}

/**
 * A pipeline artifact bucket: SSE-KMS with a rotating customer-managed key
 * (readable by other accounts' deploy roles once the pipeline grants them),
 * TLS only, versioned, no public access, access-logged; artifacts expire
 * (each run writes about 27 MB per region), older versions a week after they
 * are replaced, incomplete uploads after a day.
 */
export class ArtifactStore extends Construct {
  /** The bucket. */
  readonly bucket: s3.Bucket;
  /** The bucket's key. */
  readonly key: kms.Key;
  /** The key's alias, named at synth, when `crossRegion`. */
  readonly alias?: kms.Alias;

  constructor(scope: Construct, id: string, props: ArtifactStoreProps) {
    super(scope, id);
    deliverServerAccessLogsByPolicy(this);
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the pipeline artifacts of ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(props.removalPolicy),
    });
    // The pipeline names the key by its alias across regions, as CDK's own support stacks do.
    this.alias = props.crossRegion
      ? new kms.Alias(this, 'Alias', { aliasName: PhysicalName.GENERATE_IF_NEEDED, targetKey: this.key, removalPolicy: props.removalPolicy })
      : undefined;
    const encryptionKey = this.alias ?? this.key;
    const accessLogs = new LogBucket(this, 'AccessLogs', { removalPolicy: props.removalPolicy });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.crossRegion ? PhysicalName.GENERATE_IF_NEEDED : undefined,
      encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      lifecycleRules: [{
        id: 'expire-old-artifacts',
        expiration: props.artifactExpiration ?? Duration.days(90),
        noncurrentVersionExpiration: Duration.days(7),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      ...bucketRemoval(props.removalPolicy),
    });
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(this.bucket, `${pack}-S3BucketReplicationEnabled`, 'Pipeline artifacts are rebuilt from the repository by the next run; replicating them would double their cost for no recovery need.');
      acknowledge(accessLogs, `${pack}-S3BucketReplicationEnabled`, 'Access logs for troubleshooting, expired after 90 days; cross-region replication would double their cost for no recovery need.');
      acknowledge(accessLogs, `${pack}-S3DefaultEncryptionKMS`, 'S3 server access log delivery supports SSE-S3 target buckets only.');
    }
  }
}

/** Props of {@link ArtifactReplicaStack}. */
export interface ArtifactReplicaStackProps extends StackProps {
  /** What happens to the bucket and its key on stack deletion. */
  readonly removalPolicy: RemovalPolicy;
  /** Days an artifact is kept. @default Duration.days(90) */
  readonly artifactExpiration?: Duration;
}

/**
 * The artifact bucket a pipeline needs in each other region it deploys to
 * (CodePipeline copies the artifacts there), in the tools account. Replaces
 * the support stack CDK would create, so that it meets the same bar as the
 * pipeline's own bucket.
 */
export class ArtifactReplicaStack extends Stack {
  /** The bucket and its key. */
  readonly store: ArtifactStore;

  constructor(scope: Construct, id: string, props: ArtifactReplicaStackProps) {
    super(scope, id, { description: 'Artifact bucket of the delivery pipeline in a region it deploys to', ...props });
    this.store = new ArtifactStore(this, 'Artifacts', { removalPolicy: props.removalPolicy, crossRegion: true, artifactExpiration: props.artifactExpiration });
  }
}
