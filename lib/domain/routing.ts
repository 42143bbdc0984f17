import { Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { REGION, Validator } from '../shared/validation';

/**
 * How Route 53 answers for a name that several records share (note 001's
 * routing policies). `simple` is the one record of a name; every other
 * policy needs a `setIdentifier` unique among the name's records.
 */
export type RoutingPolicy =
  | { readonly kind: 'simple' }
  /** A share of the answers: `weight` 0-255 out of the sum of the name's weights (0 on every record: equal shares). */
  | { readonly kind: 'weighted'; readonly setIdentifier: string; readonly weight: number }
  /** The answer from the AWS region with the lowest latency to the resolver. */
  | { readonly kind: 'latency'; readonly setIdentifier: string; readonly region: string }
  /** Active-passive: the SECONDARY answers only while the PRIMARY is unhealthy. */
  | { readonly kind: 'failover'; readonly setIdentifier: string; readonly role: 'PRIMARY' | 'SECONDARY' }
  /** By the resolver's location: a continent code, a country code (with a US state), or `*` for the default. */
  | { readonly kind: 'geolocation'; readonly setIdentifier: string; readonly continent?: string; readonly country?: string; readonly subdivision?: string }
  /** By distance to an AWS region, widened or narrowed by `bias` (-99 to 99). */
  | { readonly kind: 'geoproximity'; readonly setIdentifier: string; readonly region: string; readonly bias?: number }
  /** Up to eight healthy answers at random. */
  | { readonly kind: 'multivalue'; readonly setIdentifier: string };

/** The kinds of {@link RoutingPolicy}. */
export const ROUTING_KINDS = ['simple', 'weighted', 'latency', 'failover', 'geolocation', 'geoproximity', 'multivalue'] as const;

/** One record of a routed name: where it points and how it is chosen. */
export interface RoutedRecord {
  /** The name, relative to the zone (`app`) or fully qualified (`app.example.com`); empty for the apex. */
  readonly recordName: string;
  /** The alias target (a load balancer, distribution, API domain). */
  readonly target: route53.RecordTarget;
  /**
   * True when the target is a CloudFront distribution: Route 53 cannot evaluate
   * its health, so `evaluateTargetHealth` is refused for it.
   * @default false
   */
  readonly cloudFront?: boolean;
  /**
   * How the record is chosen among the name's records.
   * @default { kind: 'simple' }
   */
  readonly routing?: RoutingPolicy;
  /**
   * The health check Route 53 consults before answering with this record.
   * @default none
   */
  readonly healthCheck?: route53.IHealthCheck;
  /**
   * Whether the alias answers only while its target is healthy (load balancers).
   * @default false
   */
  readonly evaluateTargetHealth?: boolean;
}

const CONTINENTS = ['AF', 'AN', 'AS', 'EU', 'OC', 'NA', 'SA'];
const SET_IDENTIFIER = /^.{1,128}$/;

/** Options of {@link validateRoutedRecords}. */
export interface RoutedRecordsValidation {
  /**
   * Accepts a failover name with one record only: its partner is published by
   * another stack (the standby region's), and the stage checks the pairs across
   * its templates.
   * @default false: a failover name needs its PRIMARY and its SECONDARY here
   */
  readonly failoverHalves?: boolean;
}

/**
 * Checks the records of every name together, throwing one ConfigError
 * listing all problems: one policy kind per name, a simple record alone,
 * unique set identifiers, weights 0-255, a failover pair of exactly one
 * PRIMARY and one SECONDARY (or one of them, with `failoverHalves`), a PRIMARY
 * with a health check or evaluated target health, no evaluated health on CloudFront targets.
 */
export function validateRoutedRecords(records: readonly RoutedRecord[], options: RoutedRecordsValidation = {}): void {
  const v = new Validator('routed records');
  const byName = new Map<string, { record: RoutedRecord; index: number }[]>();
  records.forEach((record, index) => {
    const list = byName.get(record.recordName) ?? [];
    list.push({ record, index });
    byName.set(record.recordName, list);
    checkRecord(v, record, `records[${index}]`);
  });
  for (const [name, list] of byName) checkName(v, name, list, options);
  v.throwIfInvalid();
}

function checkRecord(v: Validator, record: RoutedRecord, at: string): void {
  const routing = record.routing ?? { kind: 'simple' };
  v.oneOf(`${at}.routing.kind`, routing.kind, ROUTING_KINDS);
  if (record.cloudFront) {
    v.check(!record.evaluateTargetHealth, `${at}.evaluateTargetHealth`, true, 'Route 53 cannot evaluate the health of a CloudFront distribution; attach a healthCheck instead');
  }
  if (routing.kind !== 'simple' && known(routing.setIdentifier)) {
    v.check(SET_IDENTIFIER.test(routing.setIdentifier), `${at}.routing.setIdentifier`, routing.setIdentifier, 'expected 1 to 128 characters');
  }
  switch (routing.kind) {
    case 'weighted':
      v.intRange(`${at}.routing.weight`, routing.weight, 0, 255);
      break;
    case 'latency':
    case 'geoproximity':
      if (known(routing.region)) v.check(REGION.test(routing.region), `${at}.routing.region`, routing.region, 'expected an AWS region name such as "eu-west-1"');
      if (routing.kind === 'geoproximity') v.intRange(`${at}.routing.bias`, routing.bias, -99, 99);
      break;
    case 'failover':
      v.oneOf(`${at}.routing.role`, routing.role, ['PRIMARY', 'SECONDARY']);
      if (record.target.aliasTarget) {
        v.check(record.evaluateTargetHealth === true, `${at}.evaluateTargetHealth`, record.evaluateTargetHealth,
          'a failover alias record answers by its target\'s health: set evaluateTargetHealth: true (so a CloudFront target cannot fail over by alias)');
      }
      if (routing.role === 'PRIMARY') {
        v.check(record.healthCheck !== undefined || record.evaluateTargetHealth === true, `${at}.routing`, routing,
          'a failover PRIMARY needs a healthCheck or evaluateTargetHealth: true, or Route 53 never fails over');
      }
      break;
    case 'geolocation':
      checkGeolocation(v, routing, at);
      break;
    case 'multivalue':
      v.check(!record.target.aliasTarget, `${at}.target`, 'an alias', 'a multivalue answer record holds IP addresses (RecordTarget.fromIpAddresses), never an alias');
      break;
    default:
  }
}

function checkGeolocation(v: Validator, routing: Extract<RoutingPolicy, { kind: 'geolocation' }>, at: string): void {
  const given = [routing.continent, routing.country].filter((x) => x !== undefined);
  v.check(given.length === 1, `${at}.routing`, routing, 'expected exactly one of continent or country (country "*" is the default location)');
  if (routing.continent !== undefined) v.oneOf(`${at}.routing.continent`, routing.continent, CONTINENTS);
  if (routing.country !== undefined) v.check(/^([A-Z]{2}|\*)$/.test(routing.country), `${at}.routing.country`, routing.country, 'expected an ISO 3166-1 alpha-2 code such as "DE", or "*"');
  if (routing.subdivision !== undefined) v.check(routing.country === 'US' || routing.country === 'UA', `${at}.routing.subdivision`, routing.subdivision, 'a subdivision is given with country "US" (a state) or "UA" only');
}

function checkName(v: Validator, name: string, list: { record: RoutedRecord; index: number }[], options: RoutedRecordsValidation): void {
  const kinds = new Set(list.map(({ record }) => (record.routing ?? { kind: 'simple' }).kind));
  const where = `records[${list.map((x) => x.index).join(', ')}]`;
  v.check(kinds.size === 1, where, [...kinds], `the records of "${name}" must share one routing policy`);
  if (kinds.size !== 1) return;
  const [kind] = [...kinds];
  if (kind === 'simple') {
    v.check(list.length === 1, where, name, 'a simple record is the only record of its name; give the records a routing policy with set identifiers');
    return;
  }
  const ids = list.map(({ record }) => (record.routing as { setIdentifier: string }).setIdentifier);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  v.check(duplicates.length === 0, where, duplicates, `set identifiers must be unique among the records of "${name}"`);
  if (kind === 'failover') {
    const roles = list.map(({ record }) => (record.routing as { role: string }).role).sort();
    const half = options.failoverHalves === true && roles.length === 1;
    v.check(half || roles.join() === 'PRIMARY,SECONDARY', where, roles, `a failover name needs exactly one PRIMARY and one SECONDARY record ("${name}")`);
  }
}

const known = (value: string | undefined): value is string => value !== undefined && !Token.isUnresolved(value);

/** Creates the alias records (A, and AAAA when `ipv6`) of a validated routed record in `zone`. */
export function publishRoutedRecord(scope: Construct, id: string, zone: route53.IHostedZone, record: RoutedRecord, ipv6: boolean): route53.RecordSet[] {
  const routing = record.routing ?? { kind: 'simple' };
  const options: route53.ARecordProps = {
    zone,
    recordName: record.recordName,
    target: withTargetHealth(record.target, record.evaluateTargetHealth ?? false),
    healthCheck: record.healthCheck,
    ...routingOptions(routing),
  };
  const records: route53.RecordSet[] = [new route53.ARecord(scope, `${id}A`, options)];
  if (ipv6) records.push(new route53.AaaaRecord(scope, `${id}Aaaa`, options));
  for (const r of records) {
    // The L2 has no geoproximity option.
    if (routing.kind === 'geoproximity') {
      const cfn = r.node.defaultChild as route53.CfnRecordSet;
      cfn.addPropertyOverride('SetIdentifier', routing.setIdentifier);
      cfn.addPropertyOverride('GeoProximityLocation', { AWSRegion: routing.region, Bias: routing.bias ?? 0 });
    }
  }
  return records;
}

/** The alias target, its EvaluateTargetHealth set by the record (the targets' own default differs by kind). */
function withTargetHealth(target: route53.RecordTarget, evaluateTargetHealth: boolean): route53.RecordTarget {
  const alias = target.aliasTarget;
  if (!alias) return target;
  return route53.RecordTarget.fromAlias({ bind: (record, zone) => ({ ...alias.bind(record, zone), evaluateTargetHealth }) });
}

function routingOptions(routing: RoutingPolicy): Partial<route53.ARecordProps> {
  switch (routing.kind) {
    case 'simple': return {};
    case 'weighted': return { setIdentifier: routing.setIdentifier, weight: routing.weight };
    case 'latency': return { setIdentifier: routing.setIdentifier, region: routing.region };
    case 'failover': return { setIdentifier: routing.setIdentifier, failover: routing.role === 'PRIMARY' ? route53.Failover.PRIMARY : route53.Failover.SECONDARY };
    case 'geolocation': return { setIdentifier: routing.setIdentifier, geoLocation: geoLocationOf(routing) };
    case 'geoproximity': return {}; // set by override: the L2 takes a set identifier only with a policy it knows
    case 'multivalue': return { setIdentifier: routing.setIdentifier, multiValueAnswer: true };
  }
}

function geoLocationOf(routing: Extract<RoutingPolicy, { kind: 'geolocation' }>): route53.GeoLocation {
  if (routing.continent) return route53.GeoLocation.continent(routing.continent as route53.Continent);
  if (routing.country === '*') return route53.GeoLocation.default();
  if (routing.subdivision) return route53.GeoLocation.subdivision(routing.subdivision, routing.country);
  return route53.GeoLocation.country(routing.country!);
}
