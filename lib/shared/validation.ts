import { Duration, Token } from 'aws-cdk-lib';

/** What the constructs and stages accept as an e-mail address (an alarm subscription's). */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** What the constructs and stages accept as an AWS region name (`eu-west-1`, `us-gov-west-1`). */
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;

/** A KMS key or alias ARN; its first group is the key's region. */
const KMS_ARN = /^arn:aws[a-z-]*:kms:([a-z]{2}(-[a-z]+)+-\d+):\d{12}:(key\/[0-9a-f-]{36}|alias\/[A-Za-z0-9/_-]{1,250})$/;

/** A copy of a resource in another region, encrypted with a key of that region. */
export interface RegionalReplica {
  readonly region: string;
  readonly keyArn: string;
}

/**
 * Checks a list of replicas (a global table's, replicated secrets'): each region
 * once and a region name, each key a KMS key or alias ARN in its replica's
 * region; what is a token is left to deploy.
 * @param example the alias the key example names, and what a replica is ("a secret")
 */
export function checkRegionalReplicas(v: Validator, prop: string, replicas: readonly RegionalReplica[], example: { alias: string; replica: string }): void {
  const regions = replicas.map((r) => r.region);
  v.check(new Set(regions).size === regions.length, prop, regions, 'expected each region once');
  replicas.forEach((replica, i) => {
    const regionKnown = !Token.isUnresolved(replica.region);
    if (regionKnown) v.check(REGION.test(replica.region), `${prop}[${i}].region`, replica.region, 'expected an AWS region name such as "us-west-2"');
    if (Token.isUnresolved(replica.keyArn)) return;
    const keyRegion = KMS_ARN.exec(replica.keyArn)?.[1];
    v.check(keyRegion !== undefined, `${prop}[${i}].keyArn`, replica.keyArn, `expected a KMS key or alias ARN such as "arn:aws:kms:us-west-2:123456789012:alias/${example.alias}"`);
    if (keyRegion !== undefined && regionKnown) {
      v.check(keyRegion === replica.region, `${prop}[${i}].keyArn`, replica.keyArn, `expected a key in the replica's region ${replica.region}: ${example.replica} is encrypted with a key of its own region`);
    }
  });
}

/** A duration in seconds; undefined when absent or a token (e.g. `Duration.seconds(param.valueAsNumber)`). */
export function seconds(d: Duration | undefined): number | undefined {
  if (d === undefined || d.isUnresolved()) return undefined;
  return d.toSeconds();
}

/**
 * Thrown at synth when props or stage config are invalid. Lists every problem
 * found, each naming the prop, the value given and what is allowed.
 */
export class ConfigError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${subject}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Renders a value for an error message: strings quoted, the rest as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** A parsed IPv4 CIDR block. */
export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit number. */
  readonly address: number;
  /** The prefix length, 0 to 32. */
  readonly prefix: number;
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set. */
export function parseIpv4Cidr(cidr: string): Ipv4Cidr | undefined {
  const m = IPV4_CIDR.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - prefix);
  if (address % hostBits !== 0) return undefined;
  return { address, prefix };
}

/**
 * Collects problems with one subject's input, then throws them all at once, so
 * a user fixes their config in one pass instead of one error per synth.
 */
export class Validator {
  private readonly problems: string[] = [];

  constructor(private readonly subject: string) {}

  /** Records a problem unless `ok`. */
  check(ok: boolean, prop: string, value: unknown, allowed: string): this {
    if (!ok) this.problems.push(`${prop}: got ${show(value)}; ${allowed}`);
    return this;
  }

  /** An integer in [min, max]; skipped when undefined or a token. */
  intRange(prop: string, value: number | undefined, min: number, max: number, unit = ''): this {
    if (value === undefined || Token.isUnresolved(value)) return this;
    const ok = Number.isInteger(value) && value >= min && value <= max;
    return this.check(ok, prop, value, `expected a whole number from ${min} to ${max}${unit}`);
  }

  /** An IPv4 CIDR with a prefix in [minPrefix, maxPrefix]; skipped when undefined. */
  cidr(prop: string, value: string | undefined, minPrefix = 0, maxPrefix = 32): Ipv4Cidr | undefined {
    if (value === undefined) return undefined;
    const parsed = parseIpv4Cidr(value);
    const ok = parsed !== undefined && parsed.prefix >= minPrefix && parsed.prefix <= maxPrefix;
    this.check(ok, prop, value, `expected an IPv4 CIDR block a.b.c.d/n with no host bits set and a prefix from /${minPrefix} to /${maxPrefix}`);
    return ok ? parsed : undefined;
  }

  /** One of the allowed values; skipped when undefined. */
  oneOf<T>(prop: string, value: T | undefined, allowed: readonly T[]): this {
    if (value === undefined) return this;
    return this.check(allowed.includes(value), prop, value, `expected one of ${allowed.map(show).join(', ')}`);
  }

  /** Records a free-form problem about a prop. */
  fail(prop: string, value: unknown, allowed: string): this {
    return this.check(false, prop, value, allowed);
  }

  /** Throws a ConfigError listing every problem, if there are any. */
  throwIfInvalid(): void {
    if (this.problems.length > 0) throw new ConfigError(this.subject, this.problems);
  }
}
