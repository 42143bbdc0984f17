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
   * What happens to the log group and its key on stack deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Key to encrypt the log events with. Its policy must let CloudWatch Logs use it.
   * @default a new customer-managed key with rotation, scoped to this account's log groups
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
    this.key = props.encryptionKey ?? this.createKey(removalPolicy);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.retention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: this.key,
      removalPolicy,
    });
  }

  private createKey(removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'Key', {
      description: `Encrypts the log group ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(removalPolicy),
    });
    const stack = Stack.of(this);
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
    return key;
  }
}
