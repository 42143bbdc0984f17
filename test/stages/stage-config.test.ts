import { RemovalPolicy } from 'aws-cdk-lib';
import { STAGE_PROFILES, stageConfig } from '../../lib/stages/stage-config';

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
    expect(stageConfig({ stage: 'Production', account: '123456789012', region: 'eu-west-1' }))
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
});
