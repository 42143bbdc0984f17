import { cacheRequiresAuth, databaseAnswers } from './checks/data-tier';
import { flowLogDelivering } from './checks/network';
import { apiRoundTrip } from './checks/serverless-api';
import { bucketRefusesDirectAccess, siteServesSecurely } from './checks/static-site';
import { fanOutDelivers } from './checks/fan-out';
import { loadBalancerSpreads } from './checks/web-tier';
import { stackOutputs } from './outputs';
import { fail, Outcome, skip, SmokeCheck, SmokeContext } from './types';

/** Every check, in deployment order. */
export const ALL_CHECKS: SmokeCheck[] = [
  flowLogDelivering, loadBalancerSpreads, siteServesSecurely, bucketRefusesDirectAccess, fanOutDelivers, apiRoundTrip,
  databaseAnswers, cacheRequiresAuth,
];

/** The result of one check. */
export interface CheckResult extends Outcome {
  readonly check: SmokeCheck;
  readonly seconds: number;
}

/** Runs the checks one after another; a check that throws or overruns `checkTimeoutMs` fails, never hangs. */
export async function runSmoke(ctx: SmokeContext, checks: SmokeCheck[], checkTimeoutMs: number,
  report: (r: CheckResult) => void = () => undefined): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const outputsByStack = new Map<string, Record<string, string> | undefined>();
  for (const check of checks) {
    const start = Date.now();
    const outcome = await runOne(ctx, check, outputsByStack, checkTimeoutMs);
    const result = { ...outcome, check, seconds: (Date.now() - start) / 1000 };
    results.push(result);
    report(result);
  }
  return results;
}

async function runOne(ctx: SmokeContext, check: SmokeCheck, cache: Map<string, Record<string, string> | undefined>, timeoutMs: number): Promise<Outcome> {
  const stackName = `${ctx.stage}-${check.architecture}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!cache.has(stackName)) cache.set(stackName, await stackOutputs(ctx, stackName));
    const outputs = cache.get(stackName);
    if (!outputs) return skip(`stack ${stackName} is not deployed`);
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve(fail(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    return await Promise.race([check.run(ctx, outputs), timeout]);
  } catch (error) {
    return fail(`${(error as Error).name}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** One line per check, then the summary; returns the exit code (1 when any check failed). */
export function summarize(results: CheckResult[], print: (line: string) => void): number {
  const count = (s: Outcome['status']) => results.filter((r) => r.status === s).length;
  print(`\n${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  return count('fail') > 0 ? 1 : 0;
}

/** A check's line: status, architecture, what it proves, and why. */
export function formatResult(r: CheckResult): string {
  const status = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' }[r.status];
  return `${status.padEnd(5)} ${r.check.architecture.padEnd(14)} ${r.check.name} (${r.seconds.toFixed(1)} s)\n      ${r.detail}`;
}
