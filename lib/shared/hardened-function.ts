import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './compliance';
import { EncryptedLogGroup } from './encrypted-log-group';
import { ManagedPolicyRole } from './managed-policy-role';

/** The Node.js runtime every function of the project uses. */
export const NODE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Props of {@link HardenedFunction}. */
export interface HardenedFunctionProps {
  /** Path of the TypeScript handler file; its export `handler` is invoked. */
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
}

/**
 * A TypeScript Lambda function with the project's defaults: Graviton (arm64),
 * the current Node.js runtime, bundled by the locally installed esbuild (no
 * Docker), X-Ray tracing, structured JSON logs to an encrypted log group with
 * finite retention, and a role whose every grant is in a managed policy.
 */
export class HardenedFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
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
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
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
      bundling: { minify: true, sourceMap: true, target: 'node24', forceDockerBundling: false },
    });
    this.logGroup.grantWrite(this.role);
    acknowledge(this.role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; every other grant names its resource.');
  }
}
