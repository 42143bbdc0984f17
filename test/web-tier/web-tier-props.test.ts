import { Duration, Lazy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { problemsOf as problemsFor } from '../harness';
import { isCron, validateWebTierProps, WebTierProps } from '../../lib/web-tier/web-tier-props';

const vpc = {} as ec2.IVpc;
const problemsOf = (props: Partial<WebTierProps>) => problemsFor(validateWebTierProps, { vpc, ...props });

describe('WebTier props: bad input fails at synth with a clear message', () => {
  test('the defaults are valid', () => expect(problemsOf({})).toEqual([]));

  test('fails when min > max', () => {
    expect(problemsOf({ capacity: { min: 5, max: 3 } })).toEqual(['capacity.min: got 5; expected at most capacity.max (3)']);
  });

  test('fails when desired is outside [min, max]', () => {
    expect(problemsOf({ capacity: { min: 2, desired: 1, max: 4 } })).toEqual(['capacity.desired: got 1; expected a count between capacity.min (2) and capacity.max (4)']);
    expect(problemsOf({ capacity: { min: 2, desired: 5, max: 4 } })).toEqual(['capacity.desired: got 5; expected a count between capacity.min (2) and capacity.max (4)']);
  });

  test('fails when max is 0', () => {
    expect(problemsOf({ capacity: { min: 0, max: 0 } })).toEqual(['capacity.max: got 0; expected a whole number from 1 to 1000']);
  });

  test.each([0, 101, 55.5])('fails when the CPU target is outside 1-100: %s', (cpuTarget) => {
    expect(problemsOf({ cpuTarget })).toEqual([`cpuTarget: got ${cpuTarget}; expected a whole number from 1 to 100 %`]);
  });

  test.each(['health', '', '/he alth'])('fails when the health check path does not start with "/": %j', (path) => {
    expect(problemsOf({ healthCheck: { path } })).toEqual([`healthCheck.path: got "${path}"; expected a path starting with "/", e.g. "/health"`]);
  });

  test('fails on health check timings out of range', () => {
    expect(problemsOf({ healthCheck: { interval: Duration.seconds(2), healthyThreshold: 1, unhealthyThreshold: 11 } })).toEqual([
      'healthCheck.interval: got 2; expected a whole number from 5 to 300 seconds',
      'healthCheck.healthyThreshold: got 1; expected a whole number from 2 to 10',
      'healthCheck.unhealthyThreshold: got 11; expected a whole number from 2 to 10',
    ]);
  });

  test('fails on a malformed certificate ARN', () => {
    expect(problemsOf({ certificateArn: 'arn:aws:acm:eu-west-1:123:certificate/abc' })).toEqual([
      'certificateArn: got "arn:aws:acm:eu-west-1:123:certificate/abc"; expected an ACM certificate ARN such as "arn:aws:acm:eu-west-1:123456789012:certificate/<uuid>"']);
  });

  test('fails on a malformed CIDR in the allow list, or an empty list', () => {
    expect(problemsOf({ allowedCidrs: ['203.0.113.0/24', '10.0.0.300/8'] })).toEqual([
      'allowedCidrs[1]: got "10.0.0.300/8"; expected an IPv4 CIDR block a.b.c.d/n with no host bits set and a prefix from /0 to /32']);
    expect(problemsOf({ allowedCidrs: [] })).toEqual(['allowedCidrs: got []; expected at least one CIDR, or leave it out for anywhere']);
  });

  test('fails on an invalid cron or time zone in a schedule', () => {
    expect(problemsOf({ schedules: [{ name: 'peak', cron: '0 25 * * *', min: 3 }], timeZone: 'Mars/Olympus' })).toEqual([
      'schedules[0].cron: got "0 25 * * *"; expected five cron fields "minute hour day month weekday", e.g. "0 14 * * *"',
      'timeZone: got "Mars/Olympus"; expected an IANA time zone such as "UTC" or "Asia/Seoul"',
    ]);
    expect(problemsOf({ schedules: [{ name: 'peak', cron: '0 14 * * *', min: 3 }], timeZone: 'Asia/Seoul' })).toEqual([]);
  });

  test('fails on a schedule that changes nothing, or a repeated name', () => {
    expect(problemsOf({ schedules: [{ name: 'a', cron: '0 1 * * *', min: 1 }, { name: 'a', cron: '0 2 * * *' }] })).toEqual([
      'schedules[1].name: got "a"; expected a unique name of 1 to 64 letters, digits, "-" or "_"',
      'schedules[1]: got "a"; expected at least one of min, max',
    ]);
  });

  test('fails on a schedule that sets only the desired count, which target tracking undoes', () => {
    expect(problemsOf({ schedules: [{ name: 'peak', cron: '0 14 * * *', desired: 3 }] })).toEqual([
      'schedules[0]: got "peak"; expected min or max besides desired: target tracking undoes a desired count alone within minutes']);
    expect(problemsOf({ schedules: [{ name: 'peak', cron: '0 14 * * *', min: 3, desired: 3 }] })).toEqual([]);
  });

  test.each([0, 65536, 80.5])('fails when the port is outside 1-65535: %s', (port) => {
    expect(problemsOf({ port })).toEqual([`port: got ${port}; expected a whole number from 1 to 65535`]);
  });

  test('fails when the launch timeout is under a minute or over an hour', () => {
    expect(problemsOf({ launchTimeout: Duration.seconds(30) })).toEqual(['launchTimeout: got 30; expected a whole number from 60 to 3600 seconds']);
    expect(problemsOf({ launchTimeout: Duration.hours(2) })).toEqual(['launchTimeout: got 7200; expected a whole number from 60 to 3600 seconds']);
  });

  test('fails on a malformed alarm e-mail address', () => {
    expect(problemsOf({ alarmEmail: 'ops.example.com' })).toEqual(['alarmEmail: got "ops.example.com"; expected an e-mail address']);
  });

  test('fails when allowedCidrs is one token for a whole list (it cannot become one rule per CIDR)', () => {
    const list = Token.asList(Lazy.any({ produce: () => ['203.0.113.0/24'] }));
    expect(problemsOf({ allowedCidrs: list })).toEqual([
      `allowedCidrs: got ${JSON.stringify(list)}; expected a list of CIDRs, each a string or a token (e.g. Fn.select over a list parameter), not one token for the whole list`]);
  });
});

describe('WebTier props: values unknown until deploy (tokens) are not judged at synth', () => {
  const text = () => Lazy.string({ produce: () => 'resolved later' });
  const count = () => Lazy.number({ produce: () => 1 });

  test('strings: alarm e-mail, CIDRs, certificate, health path, time zone, schedule name and cron', () => {
    expect(problemsOf({
      alarmEmail: text(), allowedCidrs: [text(), '203.0.113.0/24'], certificateArn: text(), healthCheck: { path: text() }, timeZone: text(),
      schedules: [{ name: text(), cron: text(), min: 2 }],
    })).toEqual([]);
  });

  test('numbers: capacity, CPU target, port, step thresholds', () => {
    expect(problemsOf({ capacity: { min: count(), desired: count(), max: count() }, cpuTarget: count(), port: count(), stepScaling: { scaleInBelow: count(), scaleOutAbove: 40 } })).toEqual([]);
  });

  test('what is known beside a token is still checked', () => {
    expect(problemsOf({ allowedCidrs: [text(), '10.0.0.300/8'], alarmEmail: text(), cpuTarget: 0 })).toEqual([
      'allowedCidrs[1]: got "10.0.0.300/8"; expected an IPv4 CIDR block a.b.c.d/n with no host bits set and a prefix from /0 to /32',
      'cpuTarget: got 0; expected a whole number from 1 to 100 %',
    ]);
  });

  test('fails on step-scaling thresholds that overlap', () => {
    expect(problemsOf({ stepScaling: { scaleOutAbove: 40, scaleInBelow: 60 } })).toEqual([
      'stepScaling: got {"scaleInBelow":60,"scaleOutAbove":40}; expected scaleInBelow under scaleOutAbove: overlapping thresholds would scale in and out at once']);
    expect(problemsOf({ stepScaling: {} })).toEqual([]);
  });
});

describe('isCron', () => {
  test.each(['0 14 * * *', '*/5 * * * *', '0 2 * * 1-5', '30 9,17 1 1,6 0'])('accepts %j', (c) => expect(isCron(c)).toBe(true));
  test.each(['0 14 * *', '60 * * * *', '* * 0 * *', '* * * 13 *', '* * * * 7', 'a * * * *', '0 14 * * * *'])('rejects %j', (c) => expect(isCron(c)).toBe(false));
});
