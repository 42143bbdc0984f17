import * as path from 'path';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import { HardenedFunction } from '../shared/hardened-function';

/** Props of {@link DistributionKeyAccess}. */
export interface DistributionKeyAccessProps {
  /** The key encrypting the distribution's S3 origin; a key of this stack or an imported one. */
  readonly key: kms.IKey;
  /** The distribution that may decrypt. */
  readonly distribution: cloudfront.IDistribution;
  /** Key encrypting the function's log group. */
  readonly logKey: kms.IKey;
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** What happens to the function's log group on stack deletion. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Lets one distribution decrypt with a key, and no other distribution. The
 * key policy cannot name the distribution in the template (the distribution
 * depends on the bucket, which depends on the key), so a custom resource adds
 * the statement once the distribution exists, as AWS Solutions Constructs'
 * cloudfront-s3 does, and removes it when the site is deleted; and again
 * whenever CloudFormation rewrites the policy of a key of this stack.
 */
export class DistributionKeyAccess extends Construct {
  readonly handler: HardenedFunction;

  constructor(scope: Construct, id: string, props: DistributionKeyAccessProps) {
    super(scope, id);
    this.handler = new HardenedFunction(this, 'Handler', {
      entry: path.join(__dirname, 'key-policy-handler', 'index.ts'),
      description: 'Lets one CloudFront distribution decrypt with the site\'s KMS key',
      timeout: Duration.minutes(1),
      memorySize: 256,
      encryptionKey: props.logKey,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    props.key.grant(this.handler.role, 'kms:GetKeyPolicy', 'kms:PutKeyPolicy');
    new CustomResource(this, 'Resource', {
      serviceToken: this.handler.function.functionArn,
      resourceType: 'Custom::DistributionKeyAccess',
      properties: {
        KeyId: props.key.keyId,
        DistributionArn: props.distribution.distributionArn,
        // CloudFormation rewrites a key policy of this stack whole, dropping the statement: a
        // changed policy changes this property too, so the statement is written again after.
        TemplateKeyPolicy: props.key instanceof kms.Key ? (props.key.node.defaultChild as kms.CfnKey).keyPolicy : undefined,
      },
      // The handler always answers within its timeout; never wait CloudFormation's default hour.
      serviceTimeout: Duration.minutes(5),
    });
    acknowledgeHandler(this.handler);
  }
}

function acknowledgeHandler(handler: HardenedFunction): void {
  const fn = handler.function;
  for (const pack of ['Serverless', 'NIST.800.53.R5', 'HIPAA.Security']) {
    acknowledge(fn, `${pack}-LambdaDLQ`, 'CloudFormation invokes the function and fails the deployment on its error; nothing is lost to retry from a dead-letter queue.');
  }
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
    acknowledge(fn, `${pack}-LambdaConcurrency`, 'One invocation per deployment of the site; reserving concurrency for it would only take capacity from the account.');
  }
  for (const pack of CONFIG_RULE_PACKS) {
    acknowledge(fn, `${pack}-LambdaInsideVPC`, 'The function calls only the KMS API and CloudFormation\'s response URL; a VPC would add NAT or endpoint cost and nothing else.');
  }
}
