import { ConfigError } from './validation';

/**
 * What synth prints when it fails. A ConfigError is the user's input, so its
 * problems alone, once, are what to act on; any other error is a bug, so its
 * stack is kept to find it.
 */
export function synthFailureMessage(error: unknown): string {
  if (error instanceof ConfigError) return `${error.message}\n`;
  if (error instanceof Error) return `${error.stack ?? `${error.name}: ${error.message}`}\n`;
  return `${String(error)}\n`;
}
