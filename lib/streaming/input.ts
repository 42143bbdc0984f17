import { Duration } from 'aws-cdk-lib';

/** What the streaming props accept as an e-mail address. */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A duration in seconds; undefined when absent or a token (e.g. `Duration.seconds(param.valueAsNumber)`). */
export function seconds(d: Duration | undefined): number | undefined {
  if (d === undefined || d.isUnresolved()) return undefined;
  return d.toSeconds();
}
