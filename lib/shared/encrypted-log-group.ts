import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_REMOVAL_POLICY, keyRemoval } from './removal';

/** Props of {@link EncryptedLogGroup}. */
export interface EncryptedLogGroupProps {
  /**
   * How long log events are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly retention?: logs.RetentionDays;
  /**
   * Name of the log group.
   * @default a name CloudFormation generates
   */
  readonly logGroupName?: string;
  /**
   * What happens to the log group and its key on stack deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Key to encrypt the log events with. A `kms.Key` of the same stack gets the
   * key-policy statement CloudWatch Logs needs; an imported key must have it already.
   * @default a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A CloudWatch log group with finite retention, encrypted with a KMS key whose
 * policy lets the regional CloudWatch Logs service use it for this account's
 * log groups only (without that grant, log delivery fails at deploy time).
 */
export class EncryptedLogGroup extends Construct {
  /** The log group. */
  readonly logGroup: logs.LogGroup;
  /** The key the log group is encrypted with. */
  readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    this.key = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: `Encrypts the log group ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(removalPolicy),
    });
    if (this.key instanceof kms.Key) allowCloudWatchLogs(this.key);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      retention: props.retention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: this.key,
      removalPolicy,
    });
  }
}

const keysAllowingLogs = new WeakSet<kms.Key>();

/**
 * Lets the regional CloudWatch Logs service use `key` for this account's log
 * groups only; without it, creating an encrypted log group fails at deploy time.
 * Idempotent per key.
 */
export function allowCloudWatchLogs(key: kms.Key): void {
  if (keysAllowingLogs.has(key)) return;
  keysAllowingLogs.add(key);
  const stack = Stack.of(key);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsOfThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  }));
}
