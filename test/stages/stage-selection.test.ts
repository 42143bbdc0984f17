import { Annotations, Stack } from 'aws-cdk-lib';
import { stageConfig } from '../../lib/stages/stage-config';
import { noticesIn, STAGE_NOTICES, stageSelectionFrom } from '../../lib/stages/stage-selection';
import { PLAIN_HTTP_WARNING } from '../../lib/web-tier/web-tier';
import { problemsOf, synthesizedStack, testApp } from '../harness';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e';
const contextOf = (values: Record<string, unknown>) => (key: string) => values[key];

describe('what a cdk synth asks for', () => {
  test('nothing given: the Sandbox, environment-agnostic', () => {
    expect(stageConfig(stageSelectionFrom(contextOf({}), {}))).toMatchObject({ name: 'Sandbox', account: undefined, region: undefined });
  });

  test('every value from context (-c key=value)', () => {
    const selection = stageSelectionFrom(contextOf({ stage: 'Production', account: '123456789012', region: 'eu-west-1', alarmEmail: 'ops@example.com', certificateArn: CERT }), {});
    expect(selection).toEqual({ stage: 'Production', account: '123456789012', region: 'eu-west-1', alarmEmail: 'ops@example.com', certificateArn: CERT });
  });

  test('every value from its environment variable when context lacks it', () => {
    const env = { CDK_DEPLOY_ACCOUNT: '123456789012', CDK_DEPLOY_REGION: 'eu-west-1', ALARM_EMAIL: 'ops@example.com', CERTIFICATE_ARN: CERT };
    expect(stageSelectionFrom(contextOf({}), env)).toEqual({ stage: undefined, account: '123456789012', region: 'eu-west-1', alarmEmail: 'ops@example.com', certificateArn: CERT });
  });

  test('the alarm topic and the home region, from context or their environment variables', () => {
    const topic = 'arn:aws:sns:eu-west-1:123456789012:ops';
    expect(stageSelectionFrom(contextOf({ alarmTopicArn: topic, homeRegion: 'eu-west-1' }), {})).toMatchObject({ alarmTopicArn: topic, homeRegion: 'eu-west-1' });
    expect(stageSelectionFrom(contextOf({}), { ALARM_TOPIC_ARN: topic, HOME_REGION: 'eu-west-1' })).toMatchObject({ alarmTopicArn: topic, homeRegion: 'eu-west-1' });
  });

  test('a backup copy vault from context or BACKUP_COPY_VAULT_ARN', () => {
    const vault = 'arn:aws:backup:eu-central-1:123456789012:backup-vault:dr';
    expect(stageSelectionFrom(contextOf({ backupCopyVaultArn: vault }), {}).backupCopyVaultArn).toBe(vault);
    expect(stageSelectionFrom(contextOf({}), { BACKUP_COPY_VAULT_ARN: vault }).backupCopyVaultArn).toBe(vault);
  });

  test('the standby region from -c standbyRegion or STANDBY_REGION; the objectives and pattern from context', () => {
    expect(stageSelectionFrom(contextOf({ standbyRegion: 'us-west-2', recoveryPointObjective: '15m', recoveryTimeObjective: '1h', recoveryPattern: 'warm-standby' }), {}))
      .toMatchObject({ standbyRegion: 'us-west-2', recoveryPointObjective: '15m', recoveryTimeObjective: '1h', recoveryPattern: 'warm-standby' });
    expect(stageSelectionFrom(contextOf({}), { STANDBY_REGION: 'us-east-2' }).standbyRegion).toBe('us-east-2');
    expect(stageSelectionFrom(contextOf({ standbyRegion: 'us-west-2' }), { STANDBY_REGION: 'us-east-2' }).standbyRegion).toBe('us-west-2');
  });

  test('the domain from -c domainName / -c hostedZoneId, or DOMAIN_NAME / HOSTED_ZONE_ID; -c allowPlainHttp=true', () => {
    expect(stageSelectionFrom(contextOf({ domainName: 'example.com', hostedZoneId: 'Z1', allowPlainHttp: 'true' }), {}))
      .toMatchObject({ domainName: 'example.com', hostedZoneId: 'Z1', allowPlainHttp: true });
    expect(stageSelectionFrom(contextOf({}), { DOMAIN_NAME: 'example.org', HOSTED_ZONE_ID: 'Z2' })).toMatchObject({ domainName: 'example.org', hostedZoneId: 'Z2' });
    expect(stageSelectionFrom(contextOf({ allowPlainHttp: false }), {}).allowPlainHttp).toBe(false);
    expect(stageSelectionFrom(contextOf({}), {}).allowPlainHttp).toBeUndefined();
  });

  test('a malformed allowPlainHttp fails clearly', () => {
    expect(() => stageSelectionFrom(contextOf({ allowPlainHttp: 'yes' }), {})).toThrow('allowPlainHttp: got "yes"; expected "true" or "false"');
  });

  test('context wins over the environment', () => {
    expect(stageSelectionFrom(contextOf({ region: 'us-east-1' }), { CDK_DEPLOY_REGION: 'eu-west-1' }).region).toBe('us-east-1');
  });

  test('a number in cdk.json context is read as text, as -c gives it', () => {
    expect(stageSelectionFrom(contextOf({ account: 123456789012 }), {}).account).toBe('123456789012');
  });

  test.each([
    ['context', stageSelectionFrom(contextOf({ certificateArn: 'not-an-arn' }), {})],
    ['CERTIFICATE_ARN', stageSelectionFrom(contextOf({}), { CERTIFICATE_ARN: 'not-an-arn' })],
  ])('a malformed certificate from %s fails clearly', (_from, selection) => {
    expect(problemsOf(stageConfig, selection)).toEqual([expect.stringContaining('certificateArn: got "not-an-arn"; expected an ACM certificate ARN')]);
  });
});

describe('notices: deliberate choices said at synth, not failures', () => {
  test('the web tier\'s plain-HTTP warning is one, and Production without a certificate gives it', () => {
    expect(STAGE_NOTICES).toContain(PLAIN_HTTP_WARNING);
    expect(synthesizedStack('Production', 'WebTier').messages.map((m) => m.text)).toEqual(
      expect.arrayContaining([expect.stringContaining(`[ack: ${PLAIN_HTTP_WARNING}]`)]));
  });

  test('are read from every stack of an assembly, without their ack id; other warnings are not notices', () => {
    const app = testApp();
    Annotations.of(new Stack(app, 'A')).addWarningV2(PLAIN_HTTP_WARNING, 'A serves plain HTTP');
    Annotations.of(new Stack(app, 'B')).addWarningV2('other:warning', 'something else');
    expect(noticesIn(app.synth())).toEqual(['A serves plain HTTP']);
  });
});
