import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { CliIo, runCli, SmokeOptions } from '../../smoke/cli';
import { enabledRegions, stackLocator } from '../../smoke/locate';
import { architecturesOf, loadChecks } from '../../smoke/registry';
import { pass, SmokeCheck } from '../../smoke/types';
import { testContext } from './fixtures';
import { synthesizedStage } from '../harness';

const ec2 = mockClient(EC2Client);
afterEach(() => ec2.reset());

const check = (architecture: string, ran: string[], readOnly?: boolean): SmokeCheck => ({
  architecture, name: `${architecture} works`, readOnly, run: async () => { ran.push(architecture); return pass('ok'); },
});

/** A CLI wired to mocked AWS: stacks exist in the regions given; everything printed is kept. */
function cli(deployed: Record<string, string[]> = {}, env: NodeJS.ProcessEnv = { AWS_REGION: 'us-east-1' }) {
  const out: string[] = [];
  const err: string[] = [];
  const ran: string[] = [];
  const contexts: SmokeOptions[] = [];
  const cloudFormation = new Map<string, CloudFormationClient>();
  const cloudFormationIn = (region: string) => {
    if (!cloudFormation.has(region)) {
      const client = new CloudFormationClient({ region, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
      mockClient(client).on(DescribeStacksCommand).callsFake(({ StackName }) => {
        if (!(deployed[StackName] ?? []).includes(region)) throw new Error(`Stack with id ${StackName} does not exist`);
        return { Stacks: [{ StackName, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [] }] };
      });
      cloudFormation.set(region, client);
    }
    return cloudFormation.get(region)!;
  };
  ec2.on(DescribeRegionsCommand).resolves({ Regions: ['us-east-1', 'eu-west-1', 'ap-northeast-2'].map((RegionName) => ({ RegionName })) });
  const io: CliIo = {
    env,
    print: (l) => out.push(l),
    printError: (l) => err.push(l),
    checks: [check('Network', ran, true), check('FanOut', ran)],
    context: async (options) => {
      contexts.push(options);
      const base = testContext({ stage: options.stage, region: options.region });
      const clients = { ...base.clients, cloudFormation: cloudFormationIn(options.region) };
      return { ...base, clients, locateStack: stackLocator(options.region, () => enabledRegions(clients.ec2), cloudFormationIn) };
    },
  };
  return { run: (...argv: string[]) => runCli(argv, io), out, err, ran, contexts };
}

describe('smoke CLI --read-only', () => {
  test('runs only the checks that change nothing and skips the others, saying why', async () => {
    const c = cli({ 'Production-Network': ['us-east-1'], 'Production-FanOut': ['us-east-1'] });
    expect(await c.run('--stage', 'Production', '--read-only')).toBe(0);
    expect(c.ran).toEqual(['Network']);
    expect(c.out.join('\n')).toMatch(/SKIP  FanOut .*\n +changes the stage \(writes, publishes or runs a command\): not run in a read-only run/);
    expect(c.out.join('\n')).toContain('1 passed, 0 failed, 1 skipped');
  });

  test('without it, every check runs', async () => {
    const c = cli({ 'Sandbox-Network': ['us-east-1'], 'Sandbox-FanOut': ['us-east-1'] });
    expect(await c.run()).toBe(0);
    expect(c.ran).toEqual(['Network', 'FanOut']);
  });

  test('the checks marked read-only are exactly those that send no write: network, static site, web tier, the names on the domain, the baseline\'s trail, recorder and detector, the backup alarm\'s subscribers and the standby\'s readiness', () => {
    const readOnly = loadChecks().filter((c) => c.readOnly).map((c) => `${c.architecture}: ${c.name}`);
    expect(readOnly.sort()).toEqual([
      'DisasterRecovery: failed backup, copy and restore jobs reach a subscriber',
      'Network: the VPC flow log is delivering',
      'StaticSite: CloudFront answers 200 with the security headers',
      'StaticSite: the bucket refuses direct access',
      'StaticSite: a missing path gets the site\'s 404 page (SPA: the app)',
      'WebTier: the load balancer answers 200, from every running instance, all healthy',
      'SecurityBaseline: the trail is logging and delivering to S3 and CloudWatch Logs',
      'SecurityBaseline: the AWS Config recorder is recording',
      'SecurityBaseline: the GuardDuty detector is enabled with S3 protection',
      'WebTier: the failover switch (standby region) is off: Route 53 answers with the stage\'s region',
      'WebTier: Route 53 reports every failover PRIMARY health check healthy',
      'WebTier: the standby load balancer exists, and the standby\'s instances, when it runs some (warm standby), are healthy',
      'ServerlessApi: the standby API\'s Route 53 health check passes (its SECONDARY records answer by it)',
      'DataTier: the Aurora global database\'s secondary (standby region) is available and replicates within a minute',
      'ServerlessApi: every replica of the API\'s table is ACTIVE',
      'StaticSite: the site bucket replicates to its replica bucket',
      'ServerlessApi: its name on the domain resolves and answers HTTPS with a certificate covering it; plain HTTP is not answered',
      'StaticSite: its name on the domain resolves and answers HTTPS with a certificate covering it; plain HTTP redirects to HTTPS',
      'WebTier: its name on the domain resolves and answers HTTPS with a certificate covering it; plain HTTP redirects to HTTPS',
    ].sort());
  });
});

describe('smoke CLI arguments', () => {
  test('--help prints the usage and exits 0, with no region set and no AWS call', async () => {
    const c = cli({}, {});
    expect(await c.run('--help')).toBe(0);
    expect(c.out.join('\n')).toMatch(/^Usage: npm run smoke -- \[--stage <name>\]/);
    expect(c.out.join('\n')).toContain('only these architectures, of: Network, FanOut');
    expect(c.contexts).toEqual([]);
  });

  test.each([
    [['--bogus'], "smoke: Unknown option '--bogus'"],
    [['--only', 'NoSuch'], 'smoke: --only: no checks for NoSuch; there are checks for Network, FanOut'],
    [['--only', 'Network,Nope'], 'smoke: --only: no checks for Nope; there are checks for Network, FanOut'],
    [['--only', ','], 'smoke: --only needs at least one architecture'],
    [['Sandbox'], 'smoke: Unexpected argument'],
    [['--region', 'Europe'], 'smoke: --region "Europe" is not a region name such as eu-west-1'],
    [['--stage', 'my stage'], 'smoke: --stage "my stage" is not a stage name'],
  ])('%j is an error (exit 2) naming the problem, with the usage', async (argv, message) => {
    const c = cli();
    expect(await c.run(...argv)).toBe(2);
    expect(c.err[0]).toContain(message);
    expect(c.err[0]).toContain('Usage: npm run smoke');
    expect(c.contexts).toEqual([]);
  });

  test('no region anywhere is an error', async () => {
    const c = cli({}, {});
    expect(await c.run('--stage', 'Sandbox')).toBe(2);
    expect(c.err[0]).toMatch(/^smoke: no region: pass --region or set AWS_REGION/);
  });

  test('the region comes from --region, else AWS_REGION, else AWS_DEFAULT_REGION; the stage defaults to Sandbox', async () => {
    const c = cli({}, { AWS_DEFAULT_REGION: 'ap-northeast-2' });
    await c.run('--allow-empty');
    await c.run('--region', 'eu-west-1', '--stage', 'Staging', '--allow-empty');
    expect(c.contexts.map((o) => [o.stage, o.region])).toEqual([['Sandbox', 'ap-northeast-2'], ['Staging', 'eu-west-1']]);
  });
});

describe('smoke CLI runs', () => {
  test('passes (exit 0) when the stacks are in the region asked', async () => {
    const c = cli({ 'Sandbox-Network': ['us-east-1'], 'Sandbox-FanOut': ['us-east-1'] });
    expect(await c.run()).toBe(0);
    expect(c.ran).toEqual(['Network', 'FanOut']);
    expect(c.out[c.out.length - 1]).toBe('\n2 passed, 0 failed, 0 skipped');
  });

  test('--only runs only the architectures named', async () => {
    const c = cli({ 'Sandbox-Network': ['us-east-1'], 'Sandbox-FanOut': ['us-east-1'] });
    expect(await c.run('--only', 'FanOut')).toBe(0);
    expect(c.ran).toEqual(['FanOut']);
  });

  test('a wrong region fails (exit 1), naming the region the stacks are in', async () => {
    const c = cli({ 'Sandbox-Network': ['eu-west-1'], 'Sandbox-FanOut': ['eu-west-1'] });
    expect(await c.run('--region', 'ap-northeast-2')).toBe(1);
    expect(c.ran).toEqual([]);
    expect(c.out.join('\n')).toContain('stack Sandbox-Network is not deployed in ap-northeast-2 but is in eu-west-1; run with --region eu-west-1 to check it');
  });

  test('one stack in another region is reported while the others are checked', async () => {
    const c = cli({ 'Sandbox-Network': ['us-east-1'], 'Sandbox-FanOut': ['eu-west-1'] });
    expect(await c.run()).toBe(1);
    expect(c.ran).toEqual(['Network']);
    expect(c.out.join('\n')).toContain('FAIL  FanOut');
  });

  test('nothing deployed anywhere: a failure (exit 1) unless --allow-empty', async () => {
    const c = cli({});
    expect(await c.run()).toBe(1);
    expect(c.out.join('\n')).toContain('Nothing was checked');
    expect(await c.run('--allow-empty')).toBe(0);
  });
});

describe('check registry', () => {
  test('finds every check of smoke/checks: every architecture of the stage has one', () => {
    expect(architecturesOf(loadChecks()).sort()).toEqual(synthesizedStage('Sandbox').stacks.map((s) => s.id).sort());
  });

  test('is open: a new file with an exported check adds an architecture; other exports are ignored', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-checks-'));
    fs.writeFileSync(path.join(dir, 'data-tier.js'), [
      "exports.TABLES = ['a'];",
      "exports.helper = () => 1;",
      "exports.dataTierAnswers = { architecture: 'DataTier', name: 'the database answers', run: async () => ({ status: 'pass', detail: 'ok' }) };",
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'notes.md'), '# not a check');
    try {
      expect(loadChecks(dir).map((c) => [c.architecture, c.name])).toEqual([['DataTier', 'the database answers']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stack locator', () => {
  test('looks in every enabled region but the one asked; a region that refuses counts as not there', async () => {
    const clients: Record<string, CloudFormationClient> = {};
    for (const region of ['eu-west-1', 'ap-northeast-2', 'me-south-1']) {
      clients[region] = new CloudFormationClient({ region, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    }
    mockClient(clients['eu-west-1']).on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'S', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
    mockClient(clients['ap-northeast-2']).on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'S', StackStatus: 'DELETE_COMPLETE', CreationTime: new Date() }] });
    mockClient(clients['me-south-1']).on(DescribeStacksCommand).rejects(new Error('The security token included in the request is invalid'));
    const asked: string[] = [];
    const locate = stackLocator('us-east-1', async () => ['us-east-1', ...Object.keys(clients)], (r) => { asked.push(r); return clients[r]; });
    expect(await locate('S')).toEqual(['eu-west-1']);
    expect(asked.sort()).toEqual(['ap-northeast-2', 'eu-west-1', 'me-south-1']);
    // A second check asking for the same stack gets the run's answer: no region is asked again.
    expect(await locate('S')).toEqual(['eu-west-1']);
    expect(asked).toHaveLength(3);
  });
});
