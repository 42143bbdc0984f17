import { ConfigError, parseIpv4Cidr, Validator } from '../../lib/shared/validation';

describe('parseIpv4Cidr', () => {
  test('parses a network address and prefix', () => {
    expect(parseIpv4Cidr('10.1.0.0/16')).toEqual({ address: 0x0a010000, prefix: 16 });
    expect(parseIpv4Cidr('0.0.0.0/0')).toEqual({ address: 0, prefix: 0 });
  });

  test.each(['10.0.0.0', '10.0.0.0/', '10.0.0/16', '256.0.0.0/8', '10.0.0.0/33', '10.0.0.1/24', ' 10.0.0.0/16'])(
    'rejects %j', (cidr) => expect(parseIpv4Cidr(cidr)).toBeUndefined());
});

describe('Validator', () => {
  test('collects every problem and throws them once', () => {
    const v = new Validator('Thing props');
    v.intRange('count', 0, 1, 5).oneOf('mode', 'x', ['a', 'b']).cidr('cidr', 'nope', 16, 28);
    expect(() => v.throwIfInvalid()).toThrow(new ConfigError('Thing props', [
      'count: got 0; expected a whole number from 1 to 5',
      'mode: got "x"; expected one of "a", "b"',
      'cidr: got "nope"; expected an IPv4 CIDR block a.b.c.d/n with no host bits set and a prefix from /16 to /28',
    ]));
  });

  test('does not throw when everything is valid or left out', () => {
    const v = new Validator('Thing props');
    v.intRange('count', 3, 1, 5).intRange('other', undefined, 1, 5).oneOf('mode', undefined, ['a']).cidr('cidr', undefined);
    expect(() => v.throwIfInvalid()).not.toThrow();
  });

  test('the error lists problems one per line under the subject', () => {
    const error = new ConfigError('Network props', ['a: got 1; b', 'c: got 2; d']);
    expect(error.message).toBe('Invalid Network props:\n  - a: got 1; b\n  - c: got 2; d');
    expect(error.name).toBe('ConfigError');
  });
});
