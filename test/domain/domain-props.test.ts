import { Lazy } from 'aws-cdk-lib';
import { DomainProps, validateDomainProps } from '../../lib/domain/domain-props';
import { problemsOf as problemsFor } from '../harness';

const problemsOf = (props: Partial<DomainProps>, region?: string) =>
  problemsFor((p: DomainProps) => validateDomainProps(p, region), { domainName: 'example.com', ...props });

describe('Domain props: bad input fails at synth with a clear message', () => {
  test('the defaults are valid, and so is every option in us-east-1', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ dnssec: true, queryLogging: true, healthChecks: { App: { fqdn: 'app.example.com', path: '/health' } } }, 'us-east-1')).toEqual([]);
  });

  test.each(['Example.com', 'example', '-a.example.com', 'a..example.com', 'https://example.com'])('fails when the domain name is not a DNS name: %s', (domainName) => {
    expect(problemsOf({ domainName })).toEqual([`domainName: got "${domainName}"; expected a lower-case DNS name such as "example.com"`]);
  });

  test.each(['z123', 'Z', 'ZABC-123', '/hostedzone/Z123'])('fails when the hosted zone id is malformed: %s', (hostedZoneId) => {
    expect(problemsOf({ hostedZoneId })).toEqual([`hostedZoneId: got "${hostedZoneId}"; expected a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"`]);
  });

  test('fails when query logging is asked of an imported zone: CloudFormation configures it only on a zone it creates', () => {
    expect(problemsOf({ hostedZoneId: 'Z0123456789ABCDEFGHIJ', queryLogging: true }, 'us-east-1')).toEqual([
      'queryLogging: got true; CloudFormation configures query logging only on a zone it creates; leave hostedZoneId out, or configure logging on your zone (aws route53 create-query-logging-config)']);
  });

  test('fails when DNSSEC, query logging or health checks are pinned outside us-east-1, naming each', () => {
    expect(problemsOf({ dnssec: true, queryLogging: true, healthChecks: { App: { fqdn: 'app.example.com' } } }, 'eu-west-1')).toEqual([
      'region: got "eu-west-1"; dnssec, queryLogging, health-check alarms need the Domain\'s stack in us-east-1 (where Route 53 reads DNSSEC keys, writes query logs and publishes health-check metrics)']);
    expect(problemsOf({ alarms: true }, 'eu-west-1')).toEqual([expect.stringContaining('health-check alarms need the Domain\'s stack in us-east-1')]);
  });

  test('fails on malformed health checks: name, host, protocol, path', () => {
    expect(problemsOf({ healthChecks: {
      'app-1': { fqdn: 'App.example.com' },
      Api: { fqdn: 'api.example.com', protocol: 'TCP', path: '/health' },
      Site: { fqdn: 'www.example.com', protocol: 'HTTP' as 'HTTPS', path: 'index.html' },
    } })).toEqual([
      'healthChecks.app-1: got "app-1"; expected a name of letters and digits, starting with a letter',
      'healthChecks.app-1.fqdn: got "App.example.com"; expected a lower-case DNS name',
      'healthChecks.Api.path: got "/health"; a TCP check requests no path',
      'healthChecks.Site.protocol: got "HTTP"; expected one of "HTTPS", "TCP"',
      'healthChecks.Site.path: got "index.html"; expected a path starting with "/"',
    ]);
  });

  test('fails when the alarm e-mail is not an address', () => {
    expect(problemsOf({ alarmEmail: 'ops' })).toEqual(['alarmEmail: got "ops"; expected an e-mail address']);
  });

  test('values known only at deploy time (tokens) are not judged at synth', () => {
    const token = Lazy.string({ produce: () => 'later' });
    expect(problemsOf({ domainName: token, hostedZoneId: token, healthChecks: { App: { fqdn: token } } })).toEqual([]);
  });
});
