import { synthFailureMessage } from '../../lib/shared/synth-failure';
import { ConfigError } from '../../lib/shared/validation';

describe('what synth prints when it fails', () => {
  test('a config error: its problems, without a stack trace', () => {
    const message = synthFailureMessage(new ConfigError('stage config', ['stage: got "Prod"; expected one of "Sandbox", "Production"']));
    expect(message).toBe('Invalid stage config:\n  - stage: got "Prod"; expected one of "Sandbox", "Production"\n');
  });

  test('an unexpected error: its message and its stack, to find the bug', () => {
    const message = synthFailureMessage(new TypeError('Cannot read properties of undefined'));
    expect(message).toMatch(/^TypeError: Cannot read properties of undefined\n {4}at /);
  });

  test('something thrown that is not an Error: what it is', () => {
    expect(synthFailureMessage('boom')).toBe('boom\n');
  });
});
