import { Duration } from 'aws-cdk-lib';
import { Validator } from '../shared/validation';

/**
 * How a stage recovers from the loss of its region, cheapest first:
 * - `backup-and-restore`: recovery points copied to another region; the stage is
 *   redeployed there and its data restored from them.
 * - `pilot-light`: data replicated continuously to a standby region, whose
 *   network and web tier exist at zero capacity, scaled up on failover.
 * - `warm-standby`: as pilot light, with the standby running at minimum capacity.
 */
export type RecoveryPattern = 'backup-and-restore' | 'pilot-light' | 'warm-standby';

/** What a stage promises after a disaster. */
export interface RecoveryObjectives {
  /** Recovery point objective: the most data, in time, a recovery may lose. */
  readonly rpo: Duration;
  /** Recovery time objective: the longest the stage may be down before it serves again. */
  readonly rto: Duration;
}

/** The best objectives a pattern can meet, and why. */
export interface PatternLimits {
  /** The shortest RPO the pattern meets. */
  readonly minRpo: Duration;
  /** The shortest RTO the pattern meets. */
  readonly minRto: Duration;
  /** Why it cannot do better, for error messages and the docs. */
  readonly why: string;
}

/**
 * Each pattern's limits, cheapest first. The numbers (checked against AWS's
 * documentation; see docs/architectures/DisasterRecovery.md):
 *
 * - backup-and-restore: RPO 1 h, because AWS Backup's scheduled backups run at
 *   most hourly, and the copy to another region is made from each scheduled
 *   recovery point (a continuous backup is copied as a snapshot), so a region's
 *   loss loses up to one interval. RTO 4 h: the stage's stacks are deployed
 *   in the other region (CloudFormation: the network, NAT, load balancer,
 *   distribution take 30-60 min), Aurora is restored from a snapshot (a new
 *   cluster: 30 min to hours with size), the table and buckets are restored,
 *   DNS moved: four hours is what a small stage can promise, not a large one.
 * - pilot-light: RPO 1 min: Aurora Global Database and DynamoDB global tables
 *   replicate asynchronously, typically within a second; a minute leaves
 *   margin for replication lag under load. RTO 30 min: promote the Aurora
 *   secondary (a few minutes), add its writer instance (10-15 min), scale the
 *   web tier from zero (instances boot and pass health checks in about 5 min),
 *   Route 53 failover (health check 1.5 min, 60 s TTL).
 * - warm-standby: RPO 1 min (the same replication). RTO 10 min: everything is
 *   running; promotion, scaling up from the minimum and DNS failover take minutes.
 */
export const PATTERN_LIMITS: Readonly<Record<RecoveryPattern, PatternLimits>> = {
  'backup-and-restore': {
    minRpo: Duration.hours(1),
    minRto: Duration.hours(4),
    why: 'AWS Backup\'s scheduled backups, and so their copies to another region, run at most hourly; redeploying the stage and restoring its data takes hours',
  },
  'pilot-light': {
    minRpo: Duration.minutes(1),
    minRto: Duration.minutes(30),
    why: 'replication (Aurora Global Database, DynamoDB global tables) lags seconds; promoting the database, adding its writer and scaling the web tier from zero takes half an hour',
  },
  'warm-standby': {
    minRpo: Duration.minutes(1),
    minRto: Duration.minutes(10),
    why: 'replication lags seconds; promoting the database, scaling the running standby up and Route 53 failover take minutes',
  },
};

/** Every pattern, cheapest first. */
export const RECOVERY_PATTERNS: readonly RecoveryPattern[] = ['backup-and-restore', 'pilot-light', 'warm-standby'];

/** Patterns that need a standby region: everything but backup and restore. */
const needsStandby = (pattern: RecoveryPattern) => pattern !== 'backup-and-restore';

const meets = (pattern: RecoveryPattern, objectives: RecoveryObjectives) =>
  objectives.rpo.toSeconds() >= PATTERN_LIMITS[pattern].minRpo.toSeconds()
  && objectives.rto.toSeconds() >= PATTERN_LIMITS[pattern].minRto.toSeconds();

/** A stage's recovery settings: the fields of its StageConfig that recoveryPattern reads (a StageConfig is one). */
export interface RecoveryConfig {
  /** The stage's region; undefined when environment-agnostic. */
  readonly region?: string;
  /** The region the stage recovers to. @default none: backup and restore in the stage's region */
  readonly standbyRegion?: string;
  /** The objectives. */
  readonly recovery: RecoveryObjectives;
  /** The pattern chosen. @default the cheapest that meets `recovery` */
  readonly recoveryPattern?: RecoveryPattern;
}

/**
 * The pattern a stage uses: the one it chose (`recoveryPattern`), or else the
 * cheapest that meets its objectives. Without a standby region it is backup
 * and restore, in the stage's region only (synth says a region outage is then
 * not covered). Throws a ConfigError when the objectives cannot be met.
 */
export function recoveryPattern(config: RecoveryConfig): RecoveryPattern {
  const v = new Validator('recovery objectives');
  const pattern = checkRecovery(v, config);
  v.throwIfInvalid();
  return pattern!;
}

/**
 * Records every problem with a config's recovery settings in `v`, and returns
 * its pattern (undefined when there is none to give).
 */
export function checkRecovery(v: Validator, config: RecoveryConfig): RecoveryPattern | undefined {
  const { recovery, standbyRegion, region, recoveryPattern: chosen } = config;
  if (standbyRegion !== undefined && standbyRegion === region) {
    v.fail('standbyRegion', standbyRegion, `expected another region than the stage's (${region}): a standby in the same region fails with it`);
  }
  const floor = PATTERN_LIMITS['warm-standby'];
  const rpoOk = recovery.rpo.toSeconds() >= floor.minRpo.toSeconds();
  const rtoOk = recovery.rto.toSeconds() >= floor.minRto.toSeconds();
  v.check(rpoOk, 'recovery.rpo', text(recovery.rpo), `expected at least ${text(floor.minRpo)}: no pattern recovers with less data lost (${floor.why})`);
  v.check(rtoOk, 'recovery.rto', text(recovery.rto), `expected at least ${text(floor.minRto)}: no pattern recovers faster (${floor.why})`);
  if (chosen !== undefined && !RECOVERY_PATTERNS.includes(chosen)) {
    v.oneOf('recoveryPattern', chosen, RECOVERY_PATTERNS);
    return undefined;
  }
  if (!rpoOk || !rtoOk) return undefined;
  if (standbyRegion === undefined) {
    // In the stage's region, Aurora's and DynamoDB's point-in-time recovery and versioned buckets restore to within minutes.
    if (chosen !== undefined && needsStandby(chosen)) {
      v.fail('recoveryPattern', chosen, `the ${chosen} pattern needs a standby region: give standbyRegion (-c standbyRegion=<region>, or STANDBY_REGION)`);
      return undefined;
    }
    return 'backup-and-restore';
  }
  if (chosen !== undefined) {
    checkPatternMeets(v, chosen, recovery);
    return chosen;
  }
  const cheapest = RECOVERY_PATTERNS.find((p) => meets(p, recovery));
  if (cheapest === undefined) checkPatternMeets(v, 'warm-standby', recovery);
  return cheapest;
}

/** Records why `pattern` cannot meet `objectives`, naming the objective, its value and the pattern's limit. */
function checkPatternMeets(v: Validator, pattern: RecoveryPattern, objectives: RecoveryObjectives): void {
  const limits = PATTERN_LIMITS[pattern];
  v.check(objectives.rpo.toSeconds() >= limits.minRpo.toSeconds(), 'recovery.rpo', text(objectives.rpo),
    `the ${pattern} pattern allows at least ${text(limits.minRpo)}: ${limits.why}${cheaperWay(pattern, 'rpo')}`);
  v.check(objectives.rto.toSeconds() >= limits.minRto.toSeconds(), 'recovery.rto', text(objectives.rto),
    `the ${pattern} pattern allows at least ${text(limits.minRto)}: ${limits.why}${cheaperWay(pattern, 'rto')}`);
}

/** A hint naming the next pattern that does better on `objective`, if any. */
function cheaperWay(pattern: RecoveryPattern, objective: 'rpo' | 'rto'): string {
  const limit = (p: RecoveryPattern) => (objective === 'rpo' ? PATTERN_LIMITS[p].minRpo : PATTERN_LIMITS[p].minRto).toSeconds();
  const better = RECOVERY_PATTERNS.slice(RECOVERY_PATTERNS.indexOf(pattern) + 1).find((p) => limit(p) < limit(pattern));
  return better ? `; the ${better} pattern allows ${text(objective === 'rpo' ? PATTERN_LIMITS[better].minRpo : PATTERN_LIMITS[better].minRto)}` : '';
}

/** The backup intervals AWS Backup's cron schedules can keep evenly through a day, in hours. */
const BACKUP_INTERVAL_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

/**
 * How often scheduled backups run for an RPO: the longest interval that loses
 * no more than the RPO (the fewer recovery points, the cheaper), hourly at
 * best (AWS Backup's most frequent schedule), daily at most.
 */
export function backupInterval(rpo: Duration): Duration {
  const hours = BACKUP_INTERVAL_HOURS.filter((h) => h * 3600 <= rpo.toSeconds());
  return Duration.hours(hours.length ? hours[hours.length - 1] : 1);
}

const DURATION = /^(\d+)(m|h|d)$/;
const UNITS = { m: Duration.minutes, h: Duration.hours, d: Duration.days } as const;

/** What a duration flag accepts, for error messages. */
export const DURATION_FORMAT = 'expected a duration such as "15m", "4h", "1d" or ISO-8601 "PT15M"';

/**
 * A duration as a flag gives it: `15m`, `1h`, `2d`, or ISO-8601 (`PT15M`, `P1D`);
 * undefined when it is neither, or not longer than zero.
 */
export function parseObjective(value: string): Duration | undefined {
  const short = DURATION.exec(value);
  if (short) return Number(short[1]) > 0 ? UNITS[short[2] as keyof typeof UNITS](Number(short[1])) : undefined;
  if (!/^P/.test(value)) return undefined;
  try {
    const parsed = Duration.parse(value);
    return parsed.toSeconds() > 0 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A duration for people: `15 min`, `4 h`, `1 d`, `90 s`. */
export function text(duration: Duration): string {
  const s = duration.toSeconds();
  if (s % 86400 === 0) return `${s / 86400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
