import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Clock } from './clock';
import { HttpClient } from './http';
import { RequestSigner } from './signer';

/** How one check ended, and why, in words a person acts on. */
export interface Outcome {
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
}

export const pass = (detail: string): Outcome => ({ status: 'pass', detail });
export const fail = (detail: string): Outcome => ({ status: 'fail', detail });
export const skip = (detail: string): Outcome => ({ status: 'skip', detail });

/** The AWS clients the checks use, each with a request timeout. */
export interface Clients {
  readonly cloudFormation: CloudFormationClient;
  readonly ec2: EC2Client;
  readonly autoScaling: AutoScalingClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly lambda: LambdaClient;
  readonly cloudWatch: CloudWatchClient;
  /** Route 53 is global: its client answers the same in every region. */
  readonly route53: Route53Client;
  readonly rds: RDSClient;
  readonly dynamoDb: DynamoDBClient;
  readonly s3: S3Client;
}

/** Everything a check needs; tests build it with mocked clients and a local HTTP server. */
export interface SmokeContext {
  readonly stage: string;
  readonly region: string;
  readonly clients: Clients;
  readonly http: HttpClient;
  /** A unique id of this run, put on everything the checks create. */
  readonly runId: string;
  /** The direct S3 URL of an object, which must be refused. */
  readonly s3ObjectUrl: (bucket: string, key: string) => string;
  /** How long to wait for an asynchronous effect (a message arriving), in ms. */
  readonly waitMs: number;
  /** The clock those waits are measured and slept on (SYSTEM_CLOCK against AWS). */
  readonly clock: Clock;
  /** A SigV4 signer for an AWS service (`execute-api`, `apigateway`) with the caller's credentials. */
  readonly signer: (service: string) => RequestSigner;
  /**
   * The other regions where a stack is deployed, so that a stack missing from
   * `region` but deployed elsewhere is reported, not silently skipped.
   * @default none: a missing stack is only skipped
   */
  readonly locateStack?: StackLocator;
  /**
   * The same clients in another region, for checks of the stage's stacks there
   * (the standby region's, us-east-1's health-check metrics).
   * @default none: such checks are skipped
   */
  readonly clientsIn?: (region: string) => Clients;
  /**
   * Run only the checks that change nothing (`readOnly`); the others are
   * skipped. The pipeline checks Production this way, through a role that can only read.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** The regions, other than the one asked, where a stack is deployed. */
export type StackLocator = (stackName: string) => Promise<string[]>;

/** One check of one deployed architecture. */
export interface SmokeCheck {
  /** The architecture (stack id inside the stage), e.g. `WebTier`. */
  readonly architecture: string;
  /** What the check proves, e.g. `answers 200 from more than one instance`. */
  readonly name: string;
  /**
   * True when the check only reads (HTTP GETs, describe calls): it runs in a
   * read-only run. A check that publishes, writes, raises an alarm or runs a
   * command leaves it unset.
   * @default false
   */
  readonly readOnly?: boolean;
  run(ctx: SmokeContext, outputs: Record<string, string>): Promise<Outcome>;
}
