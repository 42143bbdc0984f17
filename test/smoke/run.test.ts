import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { formatResult, runSmoke, summarize } from '../../smoke/run';
import { pass, SmokeCheck } from '../../smoke/types';
import { testContext } from './fixtures';

const cfn = mockClient(CloudFormationClient);
afterEach(() => cfn.reset());

const check = (architecture: string, run: SmokeCheck['run']): SmokeCheck => ({ architecture, name: `${architecture} works`, run });

describe('smoke runner', () => {
  test('reads each stack\'s outputs once, passes them to its checks, and reports every outcome', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'Sandbox-Network' }).resolves({ Stacks: [{ StackName: 'Sandbox-Network', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [{ OutputKey: 'VpcId', OutputValue: 'vpc-1' }] }] });
    cfn.on(DescribeStacksCommand, { StackName: 'Sandbox-FanOut' }).rejects(new Error('Stack with id Sandbox-FanOut does not exist'));
    const seen: Record<string, string>[] = [];
    const results = await runSmoke(testContext(), [
      check('Network', async (_ctx, outputs) => { seen.push(outputs); return pass('ok'); }),
      check('Network', async () => { throw new Error('boom'); }),
      check('FanOut', async () => pass('never run')),
    ], 1_000);
    expect(results.map((r) => [r.status, r.detail])).toEqual([
      ['pass', 'ok'], ['fail', 'Error: boom'], ['skip', 'stack Sandbox-FanOut is not deployed in us-east-1'],
    ]);
    expect(seen).toEqual([{ VpcId: 'vpc-1' }]);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(2);
  });

  test('a check that overruns its time fails instead of hanging', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Sandbox-WebTier', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Outputs: [] }] });
    const [result] = await runSmoke(testContext(), [check('WebTier', () => new Promise(() => undefined))], 50);
    expect([result.status, result.detail]).toEqual(['fail', 'no answer within 0.05 s']);
  });

  test('a stack missing from the region asked but deployed in another is a failure naming that region, looked up once', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id Sandbox-StaticSite does not exist'));
    const asked: string[] = [];
    const ctx = testContext({ locateStack: async (name) => { asked.push(name); return ['eu-west-1']; } });
    const results = await runSmoke(ctx, [check('StaticSite', async () => pass('never run')), check('StaticSite', async () => pass('never run'))], 1_000);
    expect(results.map((r) => [r.status, r.detail])).toEqual(Array(2).fill(
      ['fail', 'stack Sandbox-StaticSite is not deployed in us-east-1 but is in eu-west-1; run with --region eu-west-1 to check it']));
    expect(asked).toEqual(['Sandbox-StaticSite']);
  });

  test('a stack deployed nowhere is skipped', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id Sandbox-FanOut does not exist'));
    const [result] = await runSmoke(testContext({ locateStack: async () => [] }), [check('FanOut', async () => pass('never run'))], 1_000);
    expect([result.status, result.detail]).toEqual(['skip', 'stack Sandbox-FanOut is not deployed in us-east-1']);
  });

  test('a run that checked nothing fails, unless an empty run was allowed', () => {
    const skipped = { status: 'skip' as const, detail: 'not deployed', check: check('A', async () => pass('')), seconds: 0 };
    const lines: string[] = [];
    expect(summarize([skipped, skipped], (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual(['\n0 passed, 0 failed, 2 skipped',
      'Nothing was checked: no stack of the stage is deployed in this region. Check --stage and --region, or pass --allow-empty if that is expected.']);
    expect(summarize([skipped], () => undefined, { allowEmpty: true })).toBe(0);
    expect(summarize([], () => undefined)).toBe(1);
  });

  test('exits non-zero when any check failed, with a plain summary line', async () => {
    const lines: string[] = [];
    const ok = { status: 'pass' as const, detail: '', check: check('A', async () => pass('')), seconds: 0.1 };
    expect(summarize([ok], (l) => lines.push(l))).toBe(0);
    expect(summarize([ok, { ...ok, status: 'fail' }, { ...ok, status: 'skip' }], (l) => lines.push(l))).toBe(1);
    expect(lines[1]).toBe('\n1 passed, 1 failed, 1 skipped');
    expect(formatResult({ ...ok, detail: 'why' })).toBe('PASS  A              A works (0.1 s)\n      why');
  });
});
