import { Duration, RemovalPolicy } from 'aws-cdk-lib';

/**
 * How stateful resources are treated on `cdk destroy`, decided once per stage:
 * the sandbox destroys cleanly, production retains. Constructs default to
 * RETAIN so that nothing is lost when a user forgets to choose.
 */
export const DEFAULT_REMOVAL_POLICY = RemovalPolicy.RETAIN;

/** True when the policy deletes the resource and its data with the stack. */
export function destroysData(policy: RemovalPolicy): boolean {
  return policy === RemovalPolicy.DESTROY;
}

/** Bucket options for a removal policy: a destroyed bucket is emptied first. */
export function bucketRemoval(policy: RemovalPolicy): { removalPolicy: RemovalPolicy; autoDeleteObjects: boolean } {
  return { removalPolicy: policy, autoDeleteObjects: destroysData(policy) };
}

/** KMS key options: a destroyed key uses the shortest pending window (7 days). */
export function keyRemoval(policy: RemovalPolicy): { removalPolicy: RemovalPolicy; pendingWindow: Duration } {
  return { removalPolicy: policy, pendingWindow: Duration.days(destroysData(policy) ? 7 : 30) };
}
