import { Lazy, RemovalPolicy } from 'aws-cdk-lib';
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

  test('passes a certificate to the web tier; none by default', () => {
    expect(stageConfig({ stage: 'Production', certificateArn: CERT }).certificateArn).toBe(CERT);
    expect(stageConfig({ stage: 'Production' }).certificateArn).toBeUndefined();
  });

  test('fails when the certificate is not an ACM certificate ARN', () => {
    expect(() => stageConfig({ certificateArn: 'arn:aws:iam::123456789012:server-certificate/web' })).toThrow(
      'certificateArn: got "arn:aws:iam::123456789012:server-certificate/web"; expected an ACM certificate ARN such as "arn:aws:acm:eu-west-1:123456789012:certificate/<uuid>"');
  });

  test('a certificate or e-mail known only at deploy time (a token) is not judged at synth', () => {
    const token = Lazy.string({ produce: () => 'later' });
    expect(stageConfig({ certificateArn: token, alarmEmail: token })).toMatchObject({ certificateArn: token, alarmEmail: token });
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
    expect(stageConfig({ stage: 'Production', region: 'eu-west-1', ...domain }).domain).toEqual(domain);
    expect(stageConfig({ stage: 'Production' }).domain).toBeUndefined();
    expect(STAGE_PROFILES.Sandbox.domainSubdomain).toBe('sandbox');
    expect(STAGE_PROFILES.Production.domainSubdomain).toBeUndefined();
  });

  test('takes the regions that serve the shared names, the stage\'s among them', () => {
    expect(stageConfig({ stage: 'Production', region: 'eu-west-1', ...domain, servingRegions: ['eu-west-1', 'us-east-1'] }).domain)
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
    expect(refused(stageConfig({ stage: 'Production' }))).toEqual([expect.stringMatching(/^stage: got "Production"; it serves HTTPS or does not synthesize: .*-c domainName=example\.com -c hostedZoneId=Z.*-c certificateArn=.*-c allowPlainHttp=true/)]);
  });

  test('a domain, a certificate or allowPlainHttp lets it through; the Sandbox is never refused', () => {
    expect(refused(stageConfig({ stage: 'Production', region: 'eu-west-1', domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }))).toEqual([]);
    expect(refused(stageConfig({ stage: 'Production', certificateArn: CERT }))).toEqual([]);
    expect(refused(stageConfig({ stage: 'Production' }), true)).toEqual([]);
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
