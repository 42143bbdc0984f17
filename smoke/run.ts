import { stackOutputs } from './outputs';
import { fail, Outcome, skip, SmokeCheck, SmokeContext } from './types';

/** The result of one check. */
export interface CheckResult extends Outcome {
  readonly check: SmokeCheck;
  readonly seconds: number;
}

type Deployed = { readonly outputs: Record<string, string> } | { readonly missing: Outcome };

/** Runs the checks one after another; a check that throws or overruns `checkTimeoutMs` fails, never hangs. */
export async function runSmoke(ctx: SmokeContext, checks: SmokeCheck[], checkTimeoutMs: number,
  report: (r: CheckResult) => void = () => undefined): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const stacks = new Map<string, Promise<Deployed>>();
  for (const check of checks) {
    const start = Date.now();
    const outcome = await runOne(ctx, check, stacks, checkTimeoutMs);
    const result = { ...outcome, check, seconds: (Date.now() - start) / 1000 };
    results.push(result);
    report(result);
  }
  return results;
}

async function runOne(ctx: SmokeContext, check: SmokeCheck, stacks: Map<string, Promise<Deployed>>, timeoutMs: number): Promise<Outcome> {
  if (ctx.readOnly && !check.readOnly) return skip('changes the stage (writes, publishes or runs a command): not run in a read-only run');
  const stackName = `${ctx.stage}-${check.architecture}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    // One look per stack, shared by its checks (a failed look is not retried).
    if (!stacks.has(stackName)) stacks.set(stackName, lookUp(ctx, stackName));
    const deployed = await stacks.get(stackName)!;
    if ('missing' in deployed) return deployed.missing;
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve(fail(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    return await Promise.race([check.run(ctx, deployed.outputs), timeout]);
  } catch (error) {
    return fail(`${(error as Error).name}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The stack's outputs in the region asked; when it is not there, whether it is
 * deployed in another region (a failure naming it) or nowhere (a skip).
 */
async function lookUp(ctx: SmokeContext, stackName: string): Promise<Deployed> {
  const outputs = await stackOutputs(ctx, stackName);
  if (outputs) return { outputs };
  const elsewhere = ctx.locateStack ? await ctx.locateStack(stackName) : [];
  if (elsewhere.length > 0) {
    return { missing: fail(`stack ${stackName} is not deployed in ${ctx.region} but is in ${elsewhere.join(', ')}; run with --region ${elsewhere[0]} to check it`) };
  }
  return { missing: skip(`stack ${stackName} is not deployed in ${ctx.region}`) };
}

/** How a run is judged. */
export interface SummaryOptions {
  /**
   * Exit 0 when every check was skipped (nothing deployed). Off by default: a
   * run that checked nothing proves nothing, and a wrong stage or region looks just like it.
   * @default false
   */
  readonly allowEmpty?: boolean;
}

/** The summary line (and why an empty run fails); returns the exit code: 1 when any check failed or none ran. */
export function summarize(results: CheckResult[], print: (line: string) => void, options: SummaryOptions = {}): number {
  const count = (s: Outcome['status']) => results.filter((r) => r.status === s).length;
  print(`\n${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  if (count('fail') > 0) return 1;
  if (count('pass') === 0 && !options.allowEmpty) {
    print('Nothing was checked: no stack of the stage is deployed in this region. Check --stage and --region, or pass --allow-empty if that is expected.');
    return 1;
  }
  return 0;
}

/** A check's line: status, architecture, what it proves, and why. */
export function formatResult(r: CheckResult): string {
  const status = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' }[r.status];
  return `${status.padEnd(5)} ${r.check.architecture.padEnd(14)} ${r.check.name} (${r.seconds.toFixed(1)} s)\n      ${r.detail}`;
}
