import * as path from 'path';
import { CfnResource, CustomResource, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IDependable } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { HardenedFunction } from '../shared/hardened-function';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { PASSWORD_EXCLUDED_CHARACTERS } from './rotation';

/** What the application user needs from the data tier. */
export interface AppDatabaseUserProps {
  readonly cluster: rds.DatabaseCluster;
  readonly masterSecret: secretsmanager.ISecret;
  readonly key: kms.IKey;
  readonly username: string;
  readonly databaseName: string;
  /** Where the function runs: the rotation functions' subnets and security group (the database port and Secrets Manager). */
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The database instances: the user is created once the writer accepts connections. */
  readonly instances: IDependable[];
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Regions the secret is replicated to, each with its key there. */
  readonly secretReplicas?: secretsmanager.ReplicaRegion[];
}

/**
 * The application's own database user and its secret. The secret (username,
 * password, host, port, dbname and the master secret's ARN, as multi-user
 * rotation needs) is generated in Secrets Manager; at deploy a function in
 * the VPC, run through CDK's provider framework (which answers CloudFormation
 * from outside the VPC), logs in as the master user and creates the user with
 * the secret's password and its grants, again harmlessly on every update.
 */
/** The tag on the application user's secret (never on the master secret). */
export const APP_SECRET_TAG = { key: 'database-user', value: 'application' } as const;

export class AppDatabaseUser extends Construct {
  readonly secret: rds.DatabaseSecret;
  readonly resource: CustomResource;
  readonly function: HardenedFunction;

  constructor(scope: Construct, id: string, props: AppDatabaseUserProps) {
    super(scope, id);
    this.secret = new rds.DatabaseSecret(this, 'Secret', {
      username: props.username,
      dbname: props.databaseName,
      encryptionKey: props.key,
      masterSecret: props.masterSecret,
      excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
      replicaRegions: props.secretReplicas,
    });
    this.secret.applyRemovalPolicy(props.removalPolicy);
    // Lets a policy name this secret, and not the master's, by tag (the pipeline's smoke role does).
    Tags.of(this.secret).add(APP_SECRET_TAG.key, APP_SECRET_TAG.value);
    const attached = this.secret.attach(props.cluster);
    this.function = new HardenedFunction(this, 'Handler', {
      entry: path.join(__dirname, 'app-user', 'handler.ts'),
      description: 'Creates the application database user and its grants, as the master user',
      timeout: Duration.minutes(5),
      memorySize: 256,
      encryptionKey: props.key,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [props.securityGroup],
      // The Lambda Node.js runtime's bundle of Amazon CAs, the RDS ones included, to verify the database's certificate.
      environment: { NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' },
    });
    // Written out rather than secret.grantRead, which would also put the role in the key's policy (a cycle through the log group's key).
    this.function.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [props.masterSecret.secretArn, this.secret.secretArn],
    }));
    this.function.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [props.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
    }));
    const provider = this.provider(props);
    this.resource = new CustomResource(this, 'User', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DatabaseUser',
      properties: { MasterSecretArn: props.masterSecret.secretArn, AppSecretArn: attached.secretArn, Username: props.username, Database: props.databaseName },
    });
    this.resource.node.addDependency(...props.instances, this.function.role);
    this.acknowledge();
  }

  /** CDK's provider framework with a role whose grants are in a managed policy and an encrypted log group of ours. */
  private provider(props: AppDatabaseUserProps): cr.Provider {
    const role = new ManagedPolicyRole(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'CDK provider framework calling the application user function',
    });
    const { logGroup } = new EncryptedLogGroup(this, 'ProviderLogs', {
      encryptionKey: props.key, retention: props.logRetention, removalPolicy: props.removalPolicy,
    });
    logGroup.grantWrite(role);
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.function.function,
      frameworkOnEventRole: role,
      logGroup,
      providerFunctionEnvEncryption: props.key,
    });
    // It only relays one call: the smallest size that loads Node.js quickly, set where CDK offers no prop.
    (provider.node.findChild('framework-onEvent').node.defaultChild as lambda.CfnFunction).memorySize = 256;
    return provider;
  }

  private acknowledge(): void {
    const fn = this.function.function;
    const framework = this.node.findChild('Provider').node.findChild('framework-onEvent');
    const providerRole = this.node.findChild('ProviderRole') as ManagedPolicyRole;
    for (const target of [fn, framework]) {
      for (const pack of ['Serverless', 'NIST.800.53.R5', 'HIPAA.Security']) {
        acknowledge(target, `${pack}-LambdaDLQ`, 'Invoked only during deployments, synchronously: a failure fails the stack operation, which reports it; no event waits to be retried.');
      }
      for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
        acknowledge(target, `${pack}-LambdaConcurrency`, 'Runs once per deployment; reserved concurrency would only take from a brand-new account\'s small pool.');
      }
    }
    acknowledge(framework, 'Serverless-LambdaTracing', 'CDK\'s provider framework function, whose settings aws-cdk-lib manages (no tracing setting); it only relays one call per deployment, which CloudFormation stack events record.');
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(framework, `${pack}-LambdaInsideVPC`, 'CDK\'s provider framework function invokes the user function and answers CloudFormation\'s S3 response URL; outside the VPC it needs no NAT or S3 endpoint for that.');
    }
    const fnLogicalId = Stack.of(this).resolve((fn.node.defaultChild as CfnResource).logicalId);
    acknowledge(providerRole.grantsPolicy!, `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
      'The provider framework may invoke every version of the one user function (CDK\'s grant); nothing else.');
    acknowledge(this.function.role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'AWSLambdaVPCAccessExecutionRole is the AWS-maintained policy Lambda needs to attach the function to the VPC (network interfaces) and write its logs.');
  }
}
