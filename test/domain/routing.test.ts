import * as route53 from 'aws-cdk-lib/aws-route53';
import { RoutedRecord, validateRoutedRecords } from '../../lib/domain/routing';
import { problemsOf } from '../harness';

const target = route53.RecordTarget.fromIpAddresses('192.0.2.1');
const alias = route53.RecordTarget.fromAlias({ bind: () => ({ dnsName: 'lb.example.net', hostedZoneId: 'Z2ABCDEFGHIJKL' }) });
const healthCheck = { healthCheckId: 'abc' } as route53.IHealthCheck;
const record = (recordName: string, routing?: RoutedRecord['routing'], extra: Partial<RoutedRecord> = {}): RoutedRecord => ({ recordName, target, routing, ...extra });
const problems = (records: RoutedRecord[]) => problemsOf(validateRoutedRecords, records);

describe('routing policies, validated at synth: the notes\' seven, each name with one', () => {
  test('a valid record of each policy passes', () => {
    expect(problems([
      record('simple'),
      record('weighted', { kind: 'weighted', setIdentifier: 'blue', weight: 200 }), record('weighted', { kind: 'weighted', setIdentifier: 'green', weight: 0 }),
      record('latency', { kind: 'latency', setIdentifier: 'eu', region: 'eu-west-1' }), record('latency', { kind: 'latency', setIdentifier: 'us', region: 'us-east-1' }),
      record('failover', { kind: 'failover', setIdentifier: 'a', role: 'PRIMARY' }, { healthCheck }), record('failover', { kind: 'failover', setIdentifier: 'b', role: 'SECONDARY' }),
      record('geo', { kind: 'geolocation', setIdentifier: 'eu', continent: 'EU' }), record('geo', { kind: 'geolocation', setIdentifier: 'de', country: 'DE' }),
      record('geo', { kind: 'geolocation', setIdentifier: 'default', country: '*' }), record('geo', { kind: 'geolocation', setIdentifier: 'ca', country: 'US', subdivision: 'CA' }),
      record('prox', { kind: 'geoproximity', setIdentifier: 'eu', region: 'eu-west-1', bias: 25 }),
      record('multi', { kind: 'multivalue', setIdentifier: 'one' }), record('multi', { kind: 'multivalue', setIdentifier: 'two' }),
    ])).toEqual([]);
  });

  test('fails when set identifiers repeat within a name', () => {
    expect(problems([record('app', { kind: 'latency', setIdentifier: 'x', region: 'eu-west-1' }), record('app', { kind: 'latency', setIdentifier: 'x', region: 'us-east-1' })]))
      .toEqual(['records[0, 1]: got ["x"]; set identifiers must be unique among the records of "app"']);
  });

  test.each([-1, 256, 1.5])('fails when a weight is outside 0-255: %s', (weight) => {
    expect(problems([record('app', { kind: 'weighted', setIdentifier: 'a', weight })])).toEqual([`records[0].routing.weight: got ${weight}; expected a whole number from 0 to 255`]);
  });

  test('fails when a failover name is not exactly one PRIMARY and one SECONDARY', () => {
    const primary = record('app', { kind: 'failover', setIdentifier: 'a', role: 'PRIMARY' }, { healthCheck });
    expect(problems([primary, { ...primary, routing: { kind: 'failover', setIdentifier: 'b', role: 'PRIMARY' } }]))
      .toEqual(['records[0, 1]: got ["PRIMARY","PRIMARY"]; a failover name needs exactly one PRIMARY and one SECONDARY record ("app")']);
    expect(problems([primary])).toEqual(['records[0]: got ["PRIMARY"]; a failover name needs exactly one PRIMARY and one SECONDARY record ("app")']);
  });

  test('one half of a failover pair passes with failoverHalves (its partner is another stack\'s), two PRIMARY records still fail', () => {
    const primary = record('app', { kind: 'failover', setIdentifier: 'a', role: 'PRIMARY' }, { healthCheck });
    const halves = (records: RoutedRecord[]) => problemsOf((r: RoutedRecord[]) => validateRoutedRecords(r, { failoverHalves: true }), records);
    expect(halves([primary])).toEqual([]);
    expect(halves([record('app', { kind: 'failover', setIdentifier: 'b', role: 'SECONDARY' })])).toEqual([]);
    expect(halves([primary, { ...primary, routing: { kind: 'failover', setIdentifier: 'b', role: 'PRIMARY' } }]))
      .toEqual(['records[0, 1]: got ["PRIMARY","PRIMARY"]; a failover name needs exactly one PRIMARY and one SECONDARY record ("app")']);
  });

  test('fails when a failover PRIMARY has neither a health check nor evaluated target health', () => {
    const routing = { kind: 'failover', setIdentifier: 'a', role: 'PRIMARY' } as const;
    expect(problems([record('app', routing), record('app', { kind: 'failover', setIdentifier: 'b', role: 'SECONDARY' })])).toEqual([
      `records[0].routing: got ${JSON.stringify(routing)}; a failover PRIMARY needs a healthCheck or evaluateTargetHealth: true, or Route 53 never fails over`]);
    expect(problems([record('app', routing, { evaluateTargetHealth: true }), record('app', { kind: 'failover', setIdentifier: 'b', role: 'SECONDARY' })])).toEqual([]);
  });

  test('fails when a failover alias record does not evaluate its target\'s health (Route 53 fails over by it)', () => {
    expect(problems([
      record('app', { kind: 'failover', setIdentifier: 'a', role: 'PRIMARY' }, { target: alias, healthCheck }),
      record('app', { kind: 'failover', setIdentifier: 'b', role: 'SECONDARY' }, { target: alias, evaluateTargetHealth: true }),
    ])).toEqual(['records[0].evaluateTargetHealth: got undefined; a failover alias record answers by its target\'s health: set evaluateTargetHealth: true (so a CloudFront target cannot fail over by alias)']);
  });

  test('fails when evaluated target health is asked of a CloudFront target', () => {
    expect(problems([record('www', undefined, { cloudFront: true, evaluateTargetHealth: true })]))
      .toEqual(['records[0].evaluateTargetHealth: got true; Route 53 cannot evaluate the health of a CloudFront distribution; attach a healthCheck instead']);
  });

  test('fails when the records of a name mix policies, or a simple record is not alone', () => {
    expect(problems([record('app'), record('app', { kind: 'weighted', setIdentifier: 'a', weight: 1 })]))
      .toEqual(['records[0, 1]: got ["simple","weighted"]; the records of "app" must share one routing policy']);
    expect(problems([record('app'), record('app')]))
      .toEqual(['records[0, 1]: got "app"; a simple record is the only record of its name; give the records a routing policy with set identifiers']);
  });

  test('fails on bad regions, locations, bias and set identifiers', () => {
    expect(problems([
      record('a', { kind: 'latency', setIdentifier: '', region: 'Europe' }),
      record('b', { kind: 'geolocation', setIdentifier: 'x', continent: 'EU', country: 'DE' }),
      record('c', { kind: 'geolocation', setIdentifier: 'x', country: 'Germany' }),
      record('d', { kind: 'geolocation', setIdentifier: 'x', country: 'DE', subdivision: 'BY' }),
      record('e', { kind: 'geoproximity', setIdentifier: 'x', region: 'eu-west-1', bias: 100 }),
      record('f', { kind: 'geolocation', setIdentifier: 'x', continent: 'EUROPE' }),
    ])).toEqual([
      'records[0].routing.setIdentifier: got ""; expected 1 to 128 characters',
      'records[0].routing.region: got "Europe"; expected an AWS region name such as "eu-west-1"',
      'records[1].routing: got {"kind":"geolocation","setIdentifier":"x","continent":"EU","country":"DE"}; expected exactly one of continent or country (country "*" is the default location)',
      'records[2].routing.country: got "Germany"; expected an ISO 3166-1 alpha-2 code such as "DE", or "*"',
      'records[3].routing.subdivision: got "BY"; a subdivision is given with country "US" (a state) or "UA" only',
      'records[4].routing.bias: got 100; expected a whole number from -99 to 99',
      'records[5].routing.continent: got "EUROPE"; expected one of "AF", "AN", "AS", "EU", "OC", "NA", "SA"',
    ]);
  });
});
