import { CfnResource, Stack } from 'aws-cdk-lib';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import type { EventStream } from './event-stream';

/**
 * Findings that are the stream's chosen trade-offs, each acknowledged on its
 * one resource with the reason. Findings that can be fixed are fixed in the
 * construct instead.
 */
export function acknowledgeStreamFindings(s: EventStream): void {
  acknowledge(s.stream, 'AwsSolutions-KDS3', 'A customer-managed key by requirement: its key policy, not the AWS-managed aws/kinesis key\'s, decides who may read the records, and its use is logged in CloudTrail.');
  acknowledge(s.failureQueue, 'AwsSolutions-SQS3', 'This queue is the on-failure destination of the stream\'s event source mapping (it receives the description of a batch Lambda gave up on), which the rule does not recognise as a dead-letter queue.');
  acknowledge(s.failureQueue, 'Serverless-SQSRedrivePolicy', 'The failure queue is the end of the line: its messages are kept 14 days, alarmed on arrival and read by an operator, not sent to yet another queue.');
  acknowledge(s.deliveryStream, 'AwsSolutions-KDF1', 'Firehose takes no server-side encryption of its own when it reads a Kinesis Data Stream: the records are encrypted in the stream with the customer-managed key and written to S3 with the same key.');
  acknowledgeConsumer(s);
  acknowledgeRoles(s);
  for (const pack of CONFIG_RULE_PACKS) {
    acknowledge(s.bucket, `${pack}-S3BucketReplicationEnabled`, 'The records are a copy of the stream, versioned and kept for the delivery\'s expiration; replicate the bucket where a second region must hold them.');
    acknowledge(s.accessLogBucket, `${pack}-S3BucketReplicationEnabled`, 'Access logs for troubleshooting, expired after 90 days; cross-region replication would double their cost for no recovery need.');
    acknowledge(s.accessLogBucket, `${pack}-S3DefaultEncryptionKMS`, 'S3 server access logs can be delivered only to a bucket encrypted with SSE-S3, not with a customer-managed key.');
  }
}

function acknowledgeConsumer(s: EventStream): void {
  const fn = s.consumer.function;
  const viaMapping = 'The function is invoked synchronously by its Kinesis event source mapping; a batch it gives up on is described in the mapping\'s on-failure queue, not in a function DLQ (which applies to asynchronous invocations).';
  for (const pack of [...CONFIG_RULE_PACKS, 'Serverless']) acknowledge(fn, `${pack}-LambdaDLQ`, viaMapping);
  for (const pack of CONFIG_RULE_PACKS) {
    acknowledge(fn, `${pack}-LambdaInsideVPC`, 'The consumer reaches only regional AWS endpoints (Kinesis, SQS, KMS, CloudWatch) and no VPC resource; a VPC would add NAT cost and nothing else.');
  }
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
    acknowledge(fn, `${pack}-LambdaConcurrency`, 'Concurrency is bounded by the stream: one invocation per shard and parallelization factor at a time, which leaves the account\'s unreserved pool alone, as reserved concurrency would not.');
  }
}

function acknowledgeRoles(s: EventStream): void {
  const keyActions = 'These wildcard actions come with reading the stream and writing the failure queue, both encrypted with the customer-managed key, and are granted on that one key only.';
  for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) acknowledge(s.consumer.role, `AwsSolutions-IAM5[Action::${action}]`, keyActions);
  const bucket = Stack.of(s).resolve((s.bucket.node.defaultChild as CfnResource).logicalId);
  acknowledge(s.deliveryRole, `AwsSolutions-IAM5[Resource::<${bucket}.Arn>/*]`, 'Firehose writes objects under date prefixes it generates: the grant covers the objects of the delivery bucket only, and no delete.');
}
