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
import { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import { Clients } from './types';

/** Configuration shared by every client: region, credentials, retries and timeouts. */
export interface ClientConfig {
  readonly region: string;
  readonly credentials: SQSClientConfig['credentials'];
  readonly maxAttempts?: number;
  readonly requestHandler?: { readonly requestTimeout: number; readonly connectionTimeout: number };
}

/** The clients the checks use, all with the same configuration. */
export function awsClients(clientConfig: ClientConfig): Clients {
  const config = { ...clientConfig };
  return {
    cloudFormation: new CloudFormationClient(config),
    ec2: new EC2Client(config),
    autoScaling: new AutoScalingClient(config),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    lambda: new LambdaClient(config),
    cloudWatch: new CloudWatchClient(config),
    route53: new Route53Client(config),
    rds: new RDSClient(config),
    dynamoDb: new DynamoDBClient(config),
    s3: new S3Client(config),
  };
}
