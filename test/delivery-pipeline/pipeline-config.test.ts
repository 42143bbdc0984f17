import { nextRegion } from '../../lib/delivery-pipeline/delivery-pipeline-stack';
import { PipelineSelection, pipelineConfig, pipelineContextArgs, pipelineSelection } from '../../lib/delivery-pipeline/pipeline-config';
import { problemsOf } from '../harness';

const VALID: PipelineSelection = {
  toolsAccount: '111111111111', sandboxAccount: '222222222222', productionAccount: '333333333333',
  regions: 'eu-west-1,us-east-1', repository: 'my-org/my-app',
  connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
};
const problems = (change: Partial<PipelineSelection>) => problemsOf(pipelineConfig, { ...VALID, ...change });

describe('pipelineConfig', () => {
  test('fills in the defaults: pipeline and sandbox in the first region, branch main', () => {
    const config = pipelineConfig(VALID);
    expect(config).toMatchObject({ toolsRegion: 'eu-west-1', sandboxRegion: 'eu-west-1', branch: 'main', productionRegions: ['eu-west-1', 'us-east-1'] });
  });

  test('accepts the older codestar-connections ARN and explicit regions', () => {
    expect(problems({
      toolsRegion: 'us-east-1', sandboxRegion: 'eu-central-1', branch: 'release/2.x',
      connectionArn: 'arn:aws:codestar-connections:us-east-1:111111111111:connection/abc',
    })).toEqual([]);
  });

  test('fails when an account is missing or not 12 digits', () => {
    expect(problems({ toolsAccount: undefined, sandboxAccount: '12345', productionAccount: 'abcdefghijkl' })).toEqual([
      'toolsAccount: got undefined; expected a 12-digit AWS account id',
      'sandboxAccount: got "12345"; expected a 12-digit AWS account id',
      'productionAccount: got "abcdefghijkl"; expected a 12-digit AWS account id',
    ]);
  });

  test('fails when regions are missing, malformed or repeated', () => {
    expect(problems({ regions: undefined })[0]).toMatch(/^regions: got undefined; expected one or more production regions/);
    expect(problems({ regions: 'eu-west-1,Europe' })).toContain('regions: got "Europe"; expected an AWS region name such as "eu-west-1"');
    expect(problems({ regions: 'eu-west-1,eu-west-1' })).toContain('regions: got "eu-west-1,eu-west-1"; expected each region once; repeated: eu-west-1');
    expect(problems({ sandboxRegion: 'mars-1' })).toContain('sandboxRegion: got "mars-1"; expected an AWS region name such as "eu-west-1"');
  });

  test('fails when the repository is not owner/name', () => {
    expect(problems({ repository: 'https://github.com/my-org/my-app' })).toEqual(['repository: got "https://github.com/my-org/my-app"; expected "owner/name" of the repository, e.g. "my-org/my-app"']);
  });

  test('fails when the branch holds characters the synth command would pass to the shell', () => {
    for (const branch of ['main; rm -rf /', '-x', 'a..b', 'feature/', '$(id)']) {
      expect(problems({ branch })).toEqual([`branch: got "${branch}"; expected a branch name of letters, digits, ".", "_", "/" and "-"`]);
    }
  });

  test('fails when the connection ARN is malformed, or of another account or region than the pipeline', () => {
    expect(problems({ connectionArn: 'arn:aws:codecommit:eu-west-1:111111111111:repo' })[0]).toMatch(/^connectionArn: .* expected "arn:aws:codeconnections:<region>:<account>:connection\/<id>"/);
    expect(problems({ connectionArn: 'arn:aws:codeconnections:eu-west-1:999999999999:connection/abc' })).toEqual([
      'connectionArn: got "arn:aws:codeconnections:eu-west-1:999999999999:connection/abc"; expected a connection of the tools account 111111111111: the pipeline\'s source action uses it there',
    ]);
    expect(problems({ connectionArn: 'arn:aws:codeconnections:us-east-1:111111111111:connection/abc' })[0]).toContain('expected a connection in the pipeline\'s region eu-west-1 (set -c toolsRegion=us-east-1');
  });

  test('fails when Sandbox and Production would share an account and region', () => {
    expect(problems({ productionAccount: '222222222222' })[0]).toMatch(/^productionAccount: got "222222222222"; expected an account other than the sandbox account in eu-west-1/);
    expect(problems({ productionAccount: '222222222222', sandboxRegion: 'eu-central-1' })).toEqual([]);
  });

  test('fails when the alarm e-mail is not an address', () => {
    expect(problems({ alarmEmail: 'ops' })).toEqual(['alarmEmail: got "ops"; expected an e-mail address']);
  });

  test('fails when the API\'s reserved concurrency is not a whole number from 0 to 1000', () => {
    const allowed = 'expected a whole number from 0 (none reserved) to 1000; reserving N needs a regional quota of N + 100 concurrent executions';
    expect(problems({ apiReservedConcurrency: '-1' })).toEqual([`apiReservedConcurrency: got "-1"; ${allowed}`]);
    expect(problems({ apiReservedConcurrency: '2.5' })).toEqual([`apiReservedConcurrency: got "2.5"; ${allowed}`]);
    expect(problems({ apiReservedConcurrency: '1001' })).toEqual([`apiReservedConcurrency: got "1001"; ${allowed}`]);
    expect(pipelineConfig({ ...VALID, apiReservedConcurrency: '0' }).apiReservedConcurrency).toBe(0);
  });

  test('reads the web tier images as region:ami pairs; fails when one is malformed or a region repeats', () => {
    expect(pipelineConfig({ ...VALID, webTierImages: 'eu-west-1:ami-0123456789abcdef0,us-east-1:ami-0fedcba9876543210' }).webTierImages)
      .toEqual({ 'eu-west-1': 'ami-0123456789abcdef0', 'us-east-1': 'ami-0fedcba9876543210' });
    expect(problems({ webTierImages: 'eu-west-1:ami-xyz' })).toEqual(['webTierImages: got "eu-west-1:ami-xyz"; expected "region:ami-id" pairs, comma-separated, e.g. "eu-west-1:ami-0123456789abcdef0"']);
    expect(problems({ webTierImages: '' })).toEqual(['webTierImages: got ""; expected "region:ami-id" pairs, comma-separated, e.g. "eu-west-1:ami-0123456789abcdef0"']);
    expect(problems({ webTierImages: 'eu-west-1:ami-01234567,eu-west-1:ami-89abcdef' })).toEqual(['webTierImages: got "eu-west-1:ami-01234567,eu-west-1:ami-89abcdef"; expected each region once']);
  });

  test('takes Production\'s domain as domainName with hostedZoneId; fails when one comes without the other, or allowPlainHttp is not true or false', () => {
    expect(pipelineConfig({ ...VALID, domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }).domain).toEqual({ domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    expect(problems({ domainName: 'example.com' })).toEqual(['hostedZoneId: got undefined; expected domainName and hostedZoneId together (the hosted zone of the domain, in the production account)']);
    expect(problems({ allowPlainHttp: 'yes' })).toEqual(['allowPlainHttp: got "yes"; expected "true" or "false"']);
    expect(pipelineConfig({ ...VALID, allowPlainHttp: 'true' }).allowPlainHttp).toBe(true);
  });

  test('reports every problem at once', () => {
    expect(problems({ toolsAccount: '1', repository: 'x', branch: 'a b' }).map((p) => p.split(':')[0])).toEqual(['toolsAccount', 'repository', 'branch']);
  });
});

describe('the synth command flags', () => {
  test('rebuild the same configuration, defaults written out', () => {
    const config = pipelineConfig(VALID);
    const args = pipelineContextArgs(config);
    expect(args[0]).toBe('-c pipeline=true');
    const context = Object.fromEntries(args.slice(1).map((a) => a.slice(3).split(/=(.*)/s).slice(0, 2)));
    expect(pipelineConfig(pipelineSelection((key) => context[key]))).toEqual(config);
    expect(context).toMatchObject({ toolsRegion: 'eu-west-1', sandboxRegion: 'eu-west-1', branch: 'main' });
  });

  test('carry the reserved concurrency, but not the images, which the synth step resolves anew on each run', () => {
    const config = pipelineConfig({ ...VALID, apiReservedConcurrency: '0', webTierImages: 'eu-west-1:ami-0123456789abcdef0,us-east-1:ami-0fedcba9876543210' });
    const args = pipelineContextArgs(config);
    expect(args).toContain('-c apiReservedConcurrency=0');
    expect(args.join(' ')).not.toContain('webTierImages');
  });
});

describe('the backup ring of the Production regions', () => {
  test('each region\'s standby is the next region, the last one\'s the first; none with one region', () => {
    expect(['eu-west-1', 'us-east-1', 'ap-southeast-2'].map((r) => nextRegion(['eu-west-1', 'us-east-1', 'ap-southeast-2'], r))).toEqual(['us-east-1', 'ap-southeast-2', 'eu-west-1']);
    expect(nextRegion(['eu-west-1'], 'eu-west-1')).toBeUndefined();
    expect(nextRegion(['eu-west-1', 'us-east-1'], undefined)).toBeUndefined();
  });
});
