import type { SQSClientConfig } from '@aws-sdk/client-sqs';
import { Clients } from './types';

/** Configuration shared by every client: region, credentials, retries and timeouts. */
export interface ClientConfig {
  readonly region: string;
  readonly credentials: SQSClientConfig['credentials'];
  readonly maxAttempts?: number;
  readonly requestHandler?: { readonly requestTimeout: number; readonly connectionTimeout: number };
}

/**
 * How each client is made. The SDK packages are required on first use: a run
 * (or a test) that checks two architectures loads two or three clients, not eleven.
 */
const CLIENT_MAKERS: { readonly [K in keyof Clients]: (config: ClientConfig) => Clients[K] } = {
  cloudFormation: (c) => new (require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation')).CloudFormationClient(c),
  ec2: (c) => new (require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2')).EC2Client(c),
  autoScaling: (c) => new (require('@aws-sdk/client-auto-scaling') as typeof import('@aws-sdk/client-auto-scaling')).AutoScalingClient(c),
  sns: (c) => new (require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns')).SNSClient(c),
  sqs: (c) => new (require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs')).SQSClient(c),
  lambda: (c) => new (require('@aws-sdk/client-lambda') as typeof import('@aws-sdk/client-lambda')).LambdaClient(c),
  cloudWatch: (c) => new (require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch')).CloudWatchClient(c),
  route53: (c) => new (require('@aws-sdk/client-route-53') as typeof import('@aws-sdk/client-route-53')).Route53Client(c),
  rds: (c) => new (require('@aws-sdk/client-rds') as typeof import('@aws-sdk/client-rds')).RDSClient(c),
  dynamoDb: (c) => new (require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb')).DynamoDBClient(c),
  s3: (c) => new (require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3')).S3Client(c),
};

/** The clients the checks use, all with the same configuration; each made when first used, then kept. */
export function awsClients(clientConfig: ClientConfig): Clients {
  const config = { ...clientConfig };
  const made = new Map<keyof Clients, Clients[keyof Clients]>();
  const clients = {} as Clients;
  for (const name of Object.keys(CLIENT_MAKERS) as (keyof Clients)[]) {
    Object.defineProperty(clients, name, {
      enumerable: true,
      get: () => made.get(name) ?? made.set(name, CLIENT_MAKERS[name](config)).get(name),
    });
  }
  return clients;
}
