import { Duration } from 'aws-cdk-lib';
import { backupInterval, parseObjective, PATTERN_LIMITS, recoveryPattern, text } from '../../lib/disaster-recovery/recovery-objectives';
import { STAGE_PROFILES } from '../../lib/stages/stage-config';
import { problemsOf } from '../harness';

const objectives = (rpo: Duration, rto: Duration) => ({ rpo, rto });
const hours = Duration.hours;
const minutes = Duration.minutes;

describe('the cheapest pattern that meets the objectives', () => {
  test.each([
    ['a day and a day', hours(24), hours(24), 'backup-and-restore'],
    ['an hour lost, four hours down', hours(1), hours(4), 'backup-and-restore'],
    ['the Production profile\'s 15 min and 1 h', minutes(15), hours(1), 'pilot-light'],
    ['a day lost but back in an hour', hours(24), hours(1), 'pilot-light'],
    ['half an hour down', minutes(5), minutes(30), 'pilot-light'],
    ['under half an hour down', minutes(5), minutes(29), 'warm-standby'],
    ['ten minutes down', minutes(1), minutes(10), 'warm-standby'],
  ])('with a standby region: %s is %s', (_name, rpo, rto, expected) => {
    expect(recoveryPattern({ standbyRegion: 'us-west-2', region: 'eu-west-1', recovery: objectives(rpo, rto) })).toBe(expected);
  });

  test('without a standby region it is backup and restore in the stage\'s region, whatever the objectives', () => {
    expect(recoveryPattern({ recovery: objectives(minutes(15), hours(1)) })).toBe('backup-and-restore');
    expect(recoveryPattern({ recovery: objectives(hours(24), hours(24)) })).toBe('backup-and-restore');
  });

  test('a chosen pattern is kept when it meets the objectives, even a costlier one', () => {
    expect(recoveryPattern({ standbyRegion: 'us-west-2', recovery: objectives(minutes(15), hours(1)), recoveryPattern: 'warm-standby' })).toBe('warm-standby');
  });

  test('the profiles: the sandbox backs up and restores, production is a pilot light with a standby region', () => {
    expect(recoveryPattern(STAGE_PROFILES.Sandbox)).toBe('backup-and-restore');
    expect(recoveryPattern({ ...STAGE_PROFILES.Sandbox, standbyRegion: 'us-west-2' })).toBe('backup-and-restore');
    expect(recoveryPattern(STAGE_PROFILES.Production)).toBe('backup-and-restore');
    expect(recoveryPattern({ ...STAGE_PROFILES.Production, standbyRegion: 'us-west-2' })).toBe('pilot-light');
  });
});

describe('objectives no pattern can meet are refused, naming the objective, its value, the limit and why', () => {
  test('fails when the RPO is shorter than the backup schedule backup and restore allows (hourly)', () => {
    expect(problemsOf(recoveryPattern, { standbyRegion: 'us-west-2', recovery: objectives(minutes(15), hours(4)), recoveryPattern: 'backup-and-restore' })).toEqual([
      'recovery.rpo: got "15 min"; the backup-and-restore pattern allows at least 1 h: AWS Backup\'s scheduled backups, and so their copies to another region, '
      + 'run at most hourly; redeploying the stage and restoring its data takes hours; the pilot-light pattern allows 1 min',
    ]);
  });

  test('fails when the RTO is shorter than a chosen pilot light can recover in', () => {
    expect(problemsOf(recoveryPattern, { standbyRegion: 'us-west-2', recovery: objectives(minutes(15), minutes(20)), recoveryPattern: 'pilot-light' })).toEqual([
      'recovery.rto: got "20 min"; the pilot-light pattern allows at least 30 min: replication (Aurora Global Database, DynamoDB global tables) lags seconds; '
      + 'promoting the database, adding its writer and scaling the web tier from zero takes half an hour; the warm-standby pattern allows 10 min',
    ]);
  });

  test('fails when the objectives are shorter than any pattern meets, both named at once', () => {
    expect(problemsOf(recoveryPattern, { standbyRegion: 'us-west-2', recovery: objectives(Duration.seconds(30), minutes(5)) })).toEqual([
      'recovery.rpo: got "30 s"; expected at least 1 min: no pattern recovers with less data lost (replication lags seconds; promoting the database, scaling the running standby up and Route 53 failover take minutes)',
      'recovery.rto: got "5 min"; expected at least 10 min: no pattern recovers faster (replication lags seconds; promoting the database, scaling the running standby up and Route 53 failover take minutes)',
    ]);
  });

  test('fails when a standby pattern is chosen without a standby region', () => {
    expect(problemsOf(recoveryPattern, { recovery: objectives(minutes(15), hours(1)), recoveryPattern: 'warm-standby' })).toEqual([
      'recoveryPattern: got "warm-standby"; the warm-standby pattern needs a standby region: give standbyRegion (-c standbyRegion=<region>, or STANDBY_REGION)',
    ]);
  });

  test('fails when the pattern is unknown', () => {
    expect(problemsOf(recoveryPattern, { recovery: objectives(hours(1), hours(4)), recoveryPattern: 'cold' as never })).toEqual([
      'recoveryPattern: got "cold"; expected one of "backup-and-restore", "pilot-light", "warm-standby"',
    ]);
  });

  test('fails when the standby region is the stage\'s own', () => {
    expect(problemsOf(recoveryPattern, { region: 'eu-west-1', standbyRegion: 'eu-west-1', recovery: objectives(hours(24), hours(24)) })).toEqual([
      'standbyRegion: got "eu-west-1"; expected another region than the stage\'s (eu-west-1): a standby in the same region fails with it',
    ]);
  });
});

describe('the pattern table', () => {
  test('each pattern\'s limits, cheapest first, each costlier one better on an objective', () => {
    const limits = Object.entries(PATTERN_LIMITS).map(([p, l]) => [p, text(l.minRpo), text(l.minRto)]);
    expect(limits).toEqual([['backup-and-restore', '1 h', '4 h'], ['pilot-light', '1 min', '30 min'], ['warm-standby', '1 min', '10 min']]);
  });
});

describe('the backup schedule derived from the RPO', () => {
  test.each([
    [minutes(15), 1], [hours(1), 1], [minutes(90), 1], [hours(2), 2], [hours(5), 4], [hours(7), 6],
    [hours(12), 12], [hours(23), 12], [hours(24), 24], [Duration.days(7), 24],
  ])('an RPO of %s backs up every %i h', (rpo, every) => {
    expect(backupInterval(rpo).toHours()).toBe(every);
  });
});

describe('objectives as flags give them', () => {
  test.each([['15m', 900], ['1h', 3600], ['2d', 172800], ['PT15M', 900], ['P1D', 86400], ['PT1H30M', 5400]])('%s is %i s', (value, seconds) => {
    expect(parseObjective(value)?.toSeconds()).toBe(seconds);
  });

  test.each(['', '15', '0m', '1w', '1.5h', 'PT0S', 'P', '-1h', 'fifteen minutes'])('"%s" is not a duration', (value) => {
    expect(parseObjective(value)).toBeUndefined();
  });
});
