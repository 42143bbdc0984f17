import { Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { BackupTag, DEFAULT_BACKUP_TAG } from './disaster-recovery-props';

/** The resource types the stages back up with AWS Backup. */
export const BACKED_UP_TYPES = ['AWS::RDS::DBCluster', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::S3::Bucket'] as const;

/**
 * Puts a resource in the backup plan that selects `tag`: tags the resource
 * itself, not what it contains (an Aurora cluster's instances are backed up
 * with the cluster; AWS Backup refuses them alone).
 */
export function tagForBackup(resource: IConstruct, tag: BackupTag = DEFAULT_BACKUP_TAG): void {
  Tags.of(resource).add(tag.key, tag.value, { includeResourceTypes: [...BACKED_UP_TYPES] });
}

/**
 * Why each other stateful thing of the stages is not backed up, by
 * CloudFormation type; buckets by the construct that owns them. The coverage
 * test holds every stage variant to this list.
 */
export const NOT_BACKED_UP: Readonly<Record<string, string>> = {
  'AWS::ElastiCache::ReplicationGroup': 'The cache is rebuilt from the database: it holds no data of record.',
  'AWS::SQS::Queue': 'Queues are transient buffers (messages live days); producers retry, and AWS Backup does not back queues up.',
  'AWS::Kinesis::Stream': 'The stream is a transient buffer (a day or a week); Firehose keeps its records in the data-lake bucket, which is backed up.',
  'AWS::Events::Archive': 'The archive replays events of its bus only; AWS Backup does not back archives up, and the data-lake bucket keeps the stream\'s records.',
  'AWS::Logs::LogGroup': 'Operational logs; AWS Backup does not back up CloudWatch Logs (the audit trail is in its backed-up bucket).',
  'AWS::KMS::Key': 'Keys are not data: they are retained in Production, and the vaults have keys of their own.',
  'AWS::SecretsManager::Secret': 'Credentials, rotated; a restored cluster keeps its users, whose passwords are reset from a new secret.',
  'AWS::EC2::LaunchTemplate': 'The web tier\'s instances hold no state: their root volumes are built from user data at launch and deleted on termination.',
  'Bucket:content': 'The site\'s content is redeployed from the repository on every deploy; the repository is its second copy.',
  'Standby:replica': 'The standby side holds replicas of the primary\'s data (the global database\'s secondary cluster, the site\'s replica bucket): the primary\'s recovery points, copied to the standby region\'s RecoveryVault, cover it.',
  'Bucket:access logs': 'Access logs record requests to other resources; they are kept 90 days, and no recovery needs them.',
};
