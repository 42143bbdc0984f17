import { Duration, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import { NOTES_SCHEDULE, requireHttps, STAGE_PROFILES, stageConfig } from '../../lib/stages/stage-config';
import { problemsOf } from '../harness';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e';

describe('stage config', () => {
  test('defaults to the Sandbox profile, environment-agnostic', () => {
    const config = stageConfig();
    expect(config.name).toBe('Sandbox');
    expect(config.account).toBeUndefined();
    expect(config.region).toBeUndefined();
  });

  test('the sandbox is cheap and disposable; production is resilient and keeps its data', () => {
    expect(STAGE_PROFILES.Sandbox).toMatchObject({
      removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false, terminationProtection: false,
      network: { azCount: 2, natMode: 'single' },
    });
    expect(STAGE_PROFILES.Production).toMatchObject({
      removalPolicy: RemovalPolicy.RETAIN, deletionProtection: true, terminationProtection: true,
      network: { azCount: 3, natMode: 'perAz' },
    });
    expect(STAGE_PROFILES.Production.logRetention).toBeGreaterThan(STAGE_PROFILES.Sandbox.logRetention);
  });

  test('honours an account and region when given', () => {
    expect(stageConfig({ stage: 'Production', account: '123456789012', region: 'eu-west-1', alarmEmail: 'ops@example.com' }))
      .toMatchObject({ name: 'Production', account: '123456789012', region: 'eu-west-1' });
  });

  test('fails when the stage is unknown', () => {
    expect(() => stageConfig({ stage: 'prod' })).toThrow('stage: got "prod"; expected one of "Sandbox", "Production"');
  });

  test('fails when the account or region is malformed, naming both at once', () => {
    expect(() => stageConfig({ account: '1234', region: 'Europe' })).toThrow(
      'Invalid stage config:\n  - account: got "1234"; expected a 12-digit AWS account id\n'
      + '  - region: got "Europe"; expected an AWS region name such as "eu-west-1"');
  });

  test.each(['us-east-1', 'ap-southeast-2', 'us-gov-west-1', 'eu-central-2'])('accepts region %s', (region) => {
    expect(stageConfig({ region }).region).toBe(region);
  });

  test('passes a backup copy vault to the stage\'s backup plan; none by default; the data tier backs nothing up itself', () => {
    const vault = 'arn:aws:backup:eu-central-1:123456789012:backup-vault:dr';
    expect(stageConfig({ stage: 'Production', backupCopyVaultArn: vault, alarmEmail: 'ops@example.com' }).backupCopyVaultArn).toBe(vault);
    expect(stageConfig({ stage: 'Production', alarmEmail: 'ops@example.com' }).backupCopyVaultArn).toBeUndefined();
    expect(stageConfig({ stage: 'Sandbox', backupCopyVaultArn: vault }).backupCopyVaultArn).toBe(vault);
    expect([STAGE_PROFILES.Sandbox.dataTier.backupPlan, STAGE_PROFILES.Production.dataTier.backupPlan]).toEqual([undefined, undefined]);
  });

  test('the backups: a week unlocked in the sandbox, five weeks locked in compliance mode in production', () => {
    expect(STAGE_PROFILES.Sandbox.backup).toEqual({ retention: Duration.days(7) });
    expect(STAGE_PROFILES.Production.backup).toEqual({ retention: Duration.days(35), vaultLock: 'compliance' });
  });

  test('fails when the copy vault is not a vault ARN, or is in the stage\'s own region', () => {
    expect(problemsOf(stageConfig, { backupCopyVaultArn: 'arn:aws:s3:::bucket' })).toEqual([
      'backupCopyVaultArn: got "arn:aws:s3:::bucket"; expected a backup vault ARN such as "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr-copies"']);
    expect(problemsOf(stageConfig, { region: 'eu-west-1', backupCopyVaultArn: 'arn:aws:backup:eu-west-1:123456789012:backup-vault:dr' })).toEqual([
      'backupCopyVaultArn: got "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"; expected a vault in another region than the stage\'s (eu-west-1): a copy in the same region fails with it']);
  });

  test('passes a certificate to the web tier; none by default', () => {
    expect(stageConfig({ stage: 'Production', certificateArn: CERT, alarmEmail: 'ops@example.com' }).certificateArn).toBe(CERT);
    expect(stageConfig({ stage: 'Production', alarmEmail: 'ops@example.com' }).certificateArn).toBeUndefined();
  });

  test('fails when the certificate is not an ACM certificate ARN', () => {
    expect(() => stageConfig({ certificateArn: 'arn:aws:iam::123456789012:server-certificate/web' })).toThrow(
      'certificateArn: got "arn:aws:iam::123456789012:server-certificate/web"; expected an ACM certificate ARN such as "arn:aws:acm:eu-west-1:123456789012:certificate/<uuid>"');
  });

  test('a certificate or e-mail known only at deploy time (a token) is not judged at synth', () => {
    const token = Lazy.string({ produce: () => 'later' });
    expect(stageConfig({ certificateArn: token, alarmEmail: token })).toMatchObject({ certificateArn: token, alarmEmail: token });
  });

  test('fails when production has no alarm destination, naming both flags; the sandbox may have none', () => {
    expect(problemsOf(stageConfig, { stage: 'Production' })).toEqual([
      'alarmEmail: got undefined; the Production stage needs an alarm destination: -c alarmEmail=ops@example.com (or ALARM_EMAIL) to e-mail every alarm, '
      + 'or -c alarmTopicArn=arn:aws:sns:<region>:<account>:<topic> (or ALARM_TOPIC_ARN) for a topic of yours; alarms that notify no one are no alarms']);
    expect(problemsOf(stageConfig, { stage: 'Production', alarmEmail: 'ops@example.com' })).toEqual([]);
    expect(problemsOf(stageConfig, { stage: 'Production', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops-alarms' })).toEqual([]);
    expect(problemsOf(stageConfig, { stage: 'Sandbox' })).toEqual([]);
    // A profile of the user's built from production keeps the rule.
    const profiles = { ...STAGE_PROFILES, Staging: { ...STAGE_PROFILES.Production, name: 'Staging' } };
    expect(() => stageConfig({ stage: 'Staging' }, profiles)).toThrow(/the Staging stage needs an alarm destination/);
  });

  test('fails on a topic ARN that is not an SNS topic, is in another region than the stage, or comes with an e-mail too', () => {
    expect(problemsOf(stageConfig, { alarmTopicArn: 'arn:aws:sqs:eu-west-1:123456789012:q' })).toEqual([
      'alarmTopicArn: got "arn:aws:sqs:eu-west-1:123456789012:q"; expected an SNS topic ARN such as "arn:aws:sns:eu-west-1:123456789012:ops-alarms"']);
    expect(problemsOf(stageConfig, { region: 'us-east-1', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' })).toEqual([
      'alarmTopicArn: got "arn:aws:sns:eu-west-1:123456789012:ops"; expected a topic in the stage\'s region us-east-1: CloudWatch alarms notify topics of their own region']);
    expect(problemsOf(stageConfig, { alarmEmail: 'ops@example.com', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' })).toEqual([
      'alarmEmail: got "ops@example.com"; give alarmEmail or alarmTopicArn, not both (subscribe the address to your topic)']);
  });

  test('the home region of the account-wide pieces: the stage\'s own region unless given; a malformed one fails', () => {
    expect(stageConfig({ region: 'eu-west-1' }).homeRegion).toBeUndefined();
    expect(stageConfig({ stage: 'Production', region: 'us-east-1', homeRegion: 'eu-west-1', alarmEmail: 'ops@example.com' }).homeRegion).toBe('eu-west-1');
    expect(problemsOf(stageConfig, { homeRegion: 'Ireland' })).toEqual(['homeRegion: got "Ireland"; expected an AWS region name such as "eu-west-1"']);
  });

  test('production watches the data tier\'s Aurora logins with GuardDuty RDS Protection; the sandbox does not pay for it', () => {
    expect(STAGE_PROFILES.Production.securityBaseline.guardDutyProtection).toEqual({ rdsLoginEvents: true });
    expect(STAGE_PROFILES.Sandbox.securityBaseline.guardDutyProtection).toBeUndefined();
  });

  test('only the sandbox accepts plain HTTP without a certificate, saying why; production keeps the warning', () => {
    expect(STAGE_PROFILES.Sandbox.plainHttpReason).toMatch(/sandbox/);
    expect(STAGE_PROFILES.Production.plainHttpReason).toBeUndefined();
  });

  test('the notes\' schedule moves the minimum (target tracking would undo a desired count), within the sandbox\'s 2-4', () => {
    expect(NOTES_SCHEDULE).toEqual([
      { name: 'afternoon-peak', cron: '0 14 * * *', min: 3 },
      { name: 'night-low', cron: '0 2 * * *', min: 2 },
    ]);
    expect(STAGE_PROFILES.Sandbox.webTier.schedules).toBe(NOTES_SCHEDULE);
  });
});

describe('a domain', () => {
  const domain = { domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };

  test('puts the stage on it, pinned to a region; the sandbox under sandbox.', () => {
    expect(stageConfig({ stage: 'Production', alarmEmail: 'ops@example.com', region: 'eu-west-1', ...domain }).domain).toEqual(domain);
    expect(stageConfig({ stage: 'Production', alarmEmail: 'ops@example.com' }).domain).toBeUndefined();
    expect(STAGE_PROFILES.Sandbox.domainSubdomain).toBe('sandbox');
    expect(STAGE_PROFILES.Production.domainSubdomain).toBeUndefined();
  });

  test('takes the regions that serve the shared names, the stage\'s among them', () => {
    expect(stageConfig({ stage: 'Production', alarmEmail: 'ops@example.com', region: 'eu-west-1', ...domain, servingRegions: ['eu-west-1', 'us-east-1'] }).domain)
      .toEqual({ ...domain, servingRegions: ['eu-west-1', 'us-east-1'] });
  });

  test('fails when one of domainName and hostedZoneId is missing', () => {
    expect(problemsOf(stageConfig, { region: 'eu-west-1', domainName: 'example.com' })).toEqual([
      'hostedZoneId: got undefined; expected the id of the domain\'s public hosted zone with domainName, e.g. -c hostedZoneId=Z0123456789ABCDEFGHIJ']);
    expect(problemsOf(stageConfig, { region: 'eu-west-1', hostedZoneId: 'Z0123456789ABCDEFGHIJ' })).toEqual([
      'domainName: got undefined; expected the hosted zone\'s domain name with hostedZoneId, e.g. -c domainName=example.com']);
  });

  test('fails when they are malformed', () => {
    expect(problemsOf(stageConfig, { region: 'eu-west-1', domainName: 'Example.COM', hostedZoneId: 'zone' })).toEqual([
      'domainName: got "Example.COM"; expected a lower-case DNS name such as "example.com"',
      'hostedZoneId: got "zone"; expected a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"']);
  });

  test('fails when the stage has no region: the site\'s certificate is read across regions', () => {
    expect(problemsOf(stageConfig, domain)).toEqual([expect.stringMatching(/^domainName: got "example.com"; .* needs the stage's region: add -c region=<region> \(or CDK_DEPLOY_REGION\)$/)]);
  });

  test('fails when the serving regions are malformed, repeated, lack the stage\'s, or come without a domain', () => {
    expect(problemsOf(stageConfig, { region: 'eu-west-1', ...domain, servingRegions: ['us-east-1', 'us-east-1', 'Mars'] })).toEqual([
      'servingRegions[2]: got "Mars"; expected an AWS region name such as "eu-west-1"',
      'servingRegions: got ["us-east-1","us-east-1","Mars"]; expected each region once',
      'servingRegions: got ["us-east-1","us-east-1","Mars"]; expected the stage\'s region eu-west-1 among them']);
    expect(problemsOf(stageConfig, { region: 'eu-west-1', servingRegions: ['eu-west-1'] })).toEqual([
      'servingRegions: got ["eu-west-1"]; the regions serve a domain: give domainName and hostedZoneId too']);
  });
});

describe('HTTPS in Production', () => {
  const refused = (config: ReturnType<typeof stageConfig>, allow?: boolean) => problemsOf((c: typeof config) => requireHttps(c, allow), config);

  test('Production without a domain or a certificate is refused, naming both ways and -c allowPlainHttp=true', () => {
    expect(refused(stageConfig({ stage: 'Production', alarmEmail: 'ops@example.com' }))).toEqual([expect.stringMatching(/^stage: got "Production"; it serves HTTPS or does not synthesize: .*-c domainName=example\.com -c hostedZoneId=Z.*-c certificateArn=.*-c allowPlainHttp=true/)]);
  });

  test('a domain, a certificate or allowPlainHttp lets it through; the Sandbox is never refused', () => {
    expect(refused(stageConfig({ stage: 'Production', alarmEmail: 'ops@example.com', region: 'eu-west-1', domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }))).toEqual([]);
    expect(refused(stageConfig({ stage: 'Production', alarmEmail: 'ops@example.com', certificateArn: CERT }))).toEqual([]);
    expect(refused(stageConfig({ stage: 'Production', alarmEmail: 'ops@example.com' }), true)).toEqual([]);
    expect(refused(stageConfig({ stage: 'Sandbox' }))).toEqual([]);
    expect(STAGE_PROFILES.Production.httpsRequired).toBe(true);
  });
});

describe('a user\'s own profile', () => {
  const profiles = { ...STAGE_PROFILES, Staging: { ...STAGE_PROFILES.Sandbox, name: 'Staging', logRetention: STAGE_PROFILES.Production.logRetention } };

  test('is chosen by name from the profiles given, placed like ours', () => {
    const config = stageConfig({ stage: 'Staging', account: '123456789012', region: 'eu-west-1' }, profiles);
    expect(config).toMatchObject({ name: 'Staging', account: '123456789012', region: 'eu-west-1', logRetention: STAGE_PROFILES.Production.logRetention });
  });

  test('is unknown to the built-in list, and the error names what is allowed', () => {
    expect(() => stageConfig({ stage: 'Staging' })).toThrow('stage: got "Staging"; expected one of "Sandbox", "Production"');
    expect(() => stageConfig({ stage: 'Stagin' }, profiles)).toThrow('expected one of "Sandbox", "Production", "Staging"');
  });
});

describe('recovery: a standby region and the objectives', () => {
  const production = { stage: 'Production', alarmEmail: 'ops@example.com' };

  test('the profiles\' objectives: the sandbox a day lost and a day down, production a quarter-hour and an hour; no standby region by default', () => {
    expect(stageConfig().recovery).toEqual({ rpo: Duration.hours(24), rto: Duration.hours(24) });
    expect(stageConfig(production).recovery).toEqual({ rpo: Duration.minutes(15), rto: Duration.hours(1) });
    expect(stageConfig(production).standbyRegion).toBeUndefined();
  });

  test('takes the standby region and objectives of the selection over the profile\'s', () => {
    const config = stageConfig({ ...production, region: 'eu-west-1', standbyRegion: 'eu-central-1', recoveryPointObjective: '5m', recoveryTimeObjective: 'PT45M', recoveryPattern: 'warm-standby' });
    expect(config).toMatchObject({ standbyRegion: 'eu-central-1', recoveryPattern: 'warm-standby' });
    expect([config.recovery.rpo.toSeconds(), config.recovery.rto.toSeconds()]).toEqual([5 * 60, 45 * 60]);
    expect(stageConfig({ recoveryPointObjective: '12h' }).recovery).toEqual({ rpo: Duration.hours(12), rto: Duration.hours(24) });
  });

  test('fails when a standby region is given to an environment-agnostic stage: its vault is read across regions', () => {
    expect(problemsOf(stageConfig, { standbyRegion: 'us-west-2' })).toEqual([
      'standbyRegion: got "us-west-2"; the standby region\'s vault (and standby) are read by the stage\'s stacks across regions, which needs the stage\'s region: add -c region=<region> (or CDK_DEPLOY_REGION)']);
  });

  test('fails when the standby region is the stage\'s own', () => {
    expect(problemsOf(stageConfig, { region: 'eu-west-1', standbyRegion: 'eu-west-1' })).toEqual([
      'standbyRegion: got "eu-west-1"; expected another region than the stage\'s (eu-west-1): a standby in the same region fails with it']);
  });

  test('fails when the standby region is malformed or unknown, or in another partition', () => {
    expect(problemsOf(stageConfig, { region: 'eu-west-1', standbyRegion: 'Oregon' })).toEqual([
      'standbyRegion: got "Oregon"; expected an AWS region name such as "us-west-2" (a region this version of aws-cdk-lib knows)']);
    expect(problemsOf(stageConfig, { region: 'eu-west-1', standbyRegion: 'eu-west-9' })).toEqual([
      'standbyRegion: got "eu-west-9"; expected an AWS region name such as "us-west-2" (a region this version of aws-cdk-lib knows)']);
    expect(problemsOf(stageConfig, { region: 'us-east-1', standbyRegion: 'us-gov-west-1' })).toEqual([
      'standbyRegion: got "us-gov-west-1"; expected a region in the stage\'s partition (aws): backups are not copied, nor data replicated, across partitions']);
  });

  test('fails when an objective is not a duration, naming the flag', () => {
    expect(problemsOf(stageConfig, { recoveryPointObjective: 'hourly', recoveryTimeObjective: '0h' })).toEqual([
      'recoveryPointObjective: got "hourly"; expected a duration such as "15m", "4h", "1d" or ISO-8601 "PT15M"',
      'recoveryTimeObjective: got "0h"; expected a duration such as "15m", "4h", "1d" or ISO-8601 "PT15M"']);
  });

  test('fails when the objectives are shorter than the chosen pattern allows (an RPO shorter than the hourly backups)', () => {
    expect(problemsOf(stageConfig, { region: 'eu-west-1', standbyRegion: 'us-west-2', recoveryPointObjective: '30m', recoveryPattern: 'backup-and-restore' })).toEqual([
      expect.stringMatching(/^recovery\.rpo: got "30 min"; the backup-and-restore pattern allows at least 1 h: AWS Backup's scheduled backups, .* run at most hourly/)]);
  });

  test('fails when the objectives are shorter than any pattern meets, or a standby pattern has no standby region', () => {
    expect(problemsOf(stageConfig, { recoveryTimeObjective: '5m' })).toEqual([expect.stringMatching(/^recovery\.rto: got "5 min"; expected at least 10 min: no pattern recovers faster/)]);
    expect(problemsOf(stageConfig, { recoveryPattern: 'pilot-light' })).toEqual([
      'recoveryPattern: got "pilot-light"; the pilot-light pattern needs a standby region: give standbyRegion (-c standbyRegion=<region>, or STANDBY_REGION)']);
  });
});
