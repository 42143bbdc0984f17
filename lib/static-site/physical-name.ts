import { Aws, Fn, Names } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Length of the stack's UUID and the hyphen before it. */
const STACK_UUID_LENGTH = 37;

/**
 * A physical name for an account-global resource (CloudFront policies and
 * origin access controls have names unique per account, in no region) that no
 * other deployment can share: a readable prefix from the construct path, then
 * the UUID of the deployed stack, which differs between stages, between
 * regions and from every earlier stack (a retained leftover) of the same name.
 */
export function stackUniqueName(scope: IConstruct, maxLength: number): string {
  const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  return `${Names.uniqueResourceName(scope, { maxLength: maxLength - STACK_UUID_LENGTH })}-${stackUuid}`;
}
