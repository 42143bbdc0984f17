import { Aws, Fn, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A physical name no other deployment shares, not even a retained leftover of
 * this one: the stack's name (when known at synth, for readability) and the
 * last 12 hex digits of its stack id, which are new at every stack creation.
 * `separator` joins the parts; `lowercase` for services that fold names (Glue).
 */
export function perCreationName(scope: IConstruct, suffix: string, maxLength: number, separator = '-', lowercase = false): string {
  const stackName = Stack.of(scope).stackName;
  const readable = Token.isUnresolved(stackName) ? 'stack' : stackName;
  const fixedLength = 12 + 2 * separator.length + suffix.length;
  let prefix = `${readable.slice(0, Math.max(1, maxLength - fixedLength))}${separator}${suffix}`;
  if (lowercase) prefix = prefix.toLowerCase();
  if (separator !== '-') prefix = prefix.replace(/-/g, separator);
  const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  return Fn.join(separator, [prefix, Fn.select(4, Fn.split('-', stackUuid))]);
}
