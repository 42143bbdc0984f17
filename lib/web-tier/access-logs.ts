import { Aws, CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { FactName } from 'aws-cdk-lib/region-info';

/**
 * Sends the load balancer's access logs to `bucket` under `prefix`, with the
 * bucket policy log delivery needs (without it: the classic "Access Denied").
 * Regions launched before August 2022 deliver as a regional ELB account, later
 * ones as the `logdelivery.elasticloadbalancing.amazonaws.com` service: both are
 * granted, the account looked up by region at deploy time, so that this works
 * in an environment-agnostic stack (CDK's own `logAccessLogs` needs a region).
 */
export function logAccessLogs(alb: elbv2.ApplicationLoadBalancer, bucket: s3.Bucket, prefix: string): void {
  const stack = Stack.of(alb);
  const elbAccount = stack.regionalFact(FactName.ELBV2_ACCOUNT, 'none');
  const hasElbAccount = new CfnCondition(alb, 'RegionHasElbLogAccount', {
    expression: Fn.conditionNot(Fn.conditionEquals(elbAccount, 'none')),
  });
  // In newer regions the account statement names this account itself, which grants nothing new.
  const regionalDelivery = Fn.conditionIf(hasElbAccount.logicalId,
    `arn:${Aws.PARTITION}:iam::${elbAccount}:root`, `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:root`).toString();
  const logObjects = bucket.arnForObjects(`${prefix}/AWSLogs/${Aws.ACCOUNT_ID}/*`);
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AlbLogDeliveryByRegionalAccount',
    actions: ['s3:PutObject'],
    principals: [new iam.ArnPrincipal(regionalDelivery)],
    resources: [logObjects],
  }));
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AlbLogDeliveryByService',
    actions: ['s3:PutObject'],
    principals: [new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')],
    resources: [logObjects],
  }));
  alb.setAttribute('access_logs.s3.enabled', 'true');
  alb.setAttribute('access_logs.s3.bucket', bucket.bucketName);
  alb.setAttribute('access_logs.s3.prefix', prefix);
  // The policy must exist before the load balancer checks it can write.
  alb.node.addDependency(bucket.policy!);
}
