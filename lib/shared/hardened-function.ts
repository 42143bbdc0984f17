import * as fs from 'fs';
import * as path from 'path';
import { DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './compliance';
import { EncryptedLogGroup } from './encrypted-log-group';
import { bundleHandler, prebuiltBundleDir } from './handler-bundle';
import { ManagedPolicyRole } from './managed-policy-role';

/** The Node.js runtime every function of the project uses. */
export const NODE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Props of {@link HardenedFunction}. */
export interface HardenedFunctionProps {
  /**
   * Path of the TypeScript handler file; its export `handler` is invoked.
   * A prebuilt bundle beside it ({@link prebuiltBundleDir}) is used instead when present.
   */
  readonly entry: string;
  /** What the function does, for the console. */
  readonly description: string;
  /** Timeout. */
  readonly timeout: Duration;
  /** Memory in MB. */
  readonly memorySize: number;
  /** Key encrypting the log group (and environment variables). */
  readonly encryptionKey: kms.IKey;
  /** Log retention. */
  readonly logRetention: logs.RetentionDays;
  /** What happens to the log group on stack deletion. */
  readonly removalPolicy: RemovalPolicy;
  /** Environment variables. @default none */
  readonly environment?: Record<string, string>;
  /** Reserved concurrency. @default none */
  readonly reservedConcurrentExecutions?: number;
  /** The VPC to run in, for a function that reaches a resource there. @default none */
  readonly vpc?: ec2.IVpc;
  /** Its subnets in `vpc`. @default the VPC's private subnets */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Its security groups in `vpc`. @default one CDK creates, all egress open */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * The code of a handler: its prebuilt bundle when there is one (the installed
 * package), else the TypeScript source bundled at synth (this repository,
 * or a handler of your own). Synthesis with the `aws:cdk:bundling-stacks`
 * context empty skips the bundling, as CDK's own bundling does.
 */
export function bundledCode(entry: string): lambda.Code {
  const prebuilt = prebuiltBundleDir(entry);
  if (fs.existsSync(path.join(prebuilt, 'index.js'))) return lambda.Code.fromAsset(prebuilt);
  if (!fs.existsSync(entry)) throw new Error(`No handler at ${entry} and no prebuilt bundle at ${prebuilt}.`);
  return lambda.Code.fromAsset(path.dirname(entry), {
    bundling: {
      // Required by the type, never pulled: local bundling either succeeds or throws.
      image: DockerImage.fromRegistry('unused-local-bundling-only'),
      local: {
        tryBundle(outputDir: string): boolean {
          bundleHandler(entry, outputDir);
          return true;
        },
      },
    },
  });
}

/**
 * A TypeScript Lambda function with the project's defaults: Graviton (arm64),
 * the current Node.js runtime, bundled by the locally installed esbuild (no
 * Docker, see {@link bundledCode}), X-Ray tracing, structured JSON logs to an encrypted log group with
 * finite retention, and a role whose every grant is in a managed policy.
 */
export class HardenedFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: ManagedPolicyRole;
  readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: HardenedFunctionProps) {
    super(scope, id);
    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.logGroup = new EncryptedLogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
      encryptionKey: props.encryptionKey,
    }).logGroup;
    this.function = new lambda.Function(this, 'Function', {
      code: bundledCode(props.entry),
      handler: 'index.handler',
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      environment: props.environment,
      environmentEncryption: props.encryptionKey,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
    });
    this.logGroup.grantWrite(this.role);
    // In a VPC, Lambda creates the function's network interfaces with the function's role:
    // without these permissions the function is not created (CDK adds them only to a role it makes).
    if (props.vpc) this.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
    acknowledge(this.role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; every other grant names its resource.');
  }
}
