import { Aws, CfnCondition, CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

/** Value of the ELB account mapping in regions that have no ELB log account. */
export const NO_ELB_ACCOUNT = 'none';

/**
 * Sends the load balancer's access logs to `bucket` under `prefix`, with the
 * bucket policy log delivery needs (without it: the classic "Access Denied").
 * Regions launched before August 2022 deliver as a regional ELB account, later
 * ones as the `logdelivery.elasticloadbalancing.amazonaws.com` service: the
 * service is granted everywhere, the regional account where there is one.
 */
export function logAccessLogs(alb: elbv2.ApplicationLoadBalancer, bucket: s3.Bucket, prefix: string): void {
  const logObjects = bucket.arnForObjects(`${prefix}/AWSLogs/${Aws.ACCOUNT_ID}/*`);
  const regionalAccount = regionalElbAccount(alb);
  if (regionalAccount) {
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AlbLogDeliveryByRegionalAccount',
      actions: ['s3:PutObject'],
      principals: [new iam.ArnPrincipal(`arn:${Aws.PARTITION}:iam::${regionalAccount}:root`)],
      resources: [logObjects],
    }));
  }
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

/**
 * The regional ELB log account, or undefined where there is none. A pinned
 * region is looked up at synth (no condition that is always true or false).
 * An environment-agnostic stack looks it up at deploy time in a mapping whose
 * default covers every region the table lacks (newer regions: the service
 * principal alone); in those regions the statement names this account itself,
 * which grants nothing new.
 */
function regionalElbAccount(scope: Construct): string | undefined {
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(stack.region)) return RegionInfo.get(stack.region).elbv2Account;
  const account = elbAccountMapping(stack).findInMap(Aws.REGION, 'account', NO_ELB_ACCOUNT);
  const hasAccount = new CfnCondition(scope, 'RegionHasElbLogAccount', {
    expression: Fn.conditionNot(Fn.conditionEquals(account, NO_ELB_ACCOUNT)),
  });
  return Fn.conditionIf(hasAccount.logicalId, account, Aws.ACCOUNT_ID).toString();
}

/** One mapping per stack of the regions that have an ELB log account. */
function elbAccountMapping(stack: Stack): CfnMapping {
  const id = 'ElbLogAccounts';
  const existing = stack.node.tryFindChild(id);
  if (existing) return existing as CfnMapping;
  const mapping: Record<string, Record<string, string>> = {};
  for (const region of RegionInfo.regions) {
    if (region.elbv2Account) mapping[region.name] = { account: region.elbv2Account };
  }
  return new CfnMapping(stack, id, { mapping });
}
