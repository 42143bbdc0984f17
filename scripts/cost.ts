// npm run cost [-- --region us-east-1]: the idle monthly cost of every stack of
// the Sandbox and Production stages, side by side, then each stack's lines.
import { estimateStack, loadPrices, StackEstimate } from '../lib/docs/cost';
import { synthesizeStages } from '../lib/docs/generate';

const regionArg = process.argv.indexOf('--region');
const usd = (n: number) => (Number.isNaN(n) ? 'unknown' : `$${n.toFixed(2)}`);

function main(): void {
  const prices = loadPrices(regionArg > 0 ? process.argv[regionArg + 1] : 'us-east-1');
  const stages = synthesizeStages();
  const estimates = new Map<string, Map<string, StackEstimate>>();
  for (const [stage, stacks] of stages) {
    estimates.set(stage, new Map([...stacks].map(([name, s]) => [name, estimateStack(s.template, prices)])));
  }
  const sandbox = estimates.get('Sandbox')!;
  const production = estimates.get('Production')!;
  console.log(`Idle monthly cost, ${prices.region} list prices taken ${prices.takenOn} (estimates; usage is extra)\n`);
  console.log('| stack | Sandbox | Production |\n|---|---:|---:|');
  for (const name of sandbox.keys()) console.log(`| ${name} | ${usd(sandbox.get(name)!.total)} | ${usd(production.get(name)!.total)} |`);
  const total = (m: Map<string, StackEstimate>) => [...m.values()].reduce((sum, e) => sum + e.total, 0);
  console.log(`| **stage total** | **${usd(total(sandbox))}** | **${usd(total(production))}** |`);
  for (const [stage, stacks] of estimates) {
    for (const [name, e] of stacks) {
      console.log(`\n${stage}-${name}: ${usd(e.total)} a month idle`);
      for (const l of e.lines) console.log(`  ${usd(l.monthly).padStart(9)}  ${l.what} (${l.logicalId})`);
      for (const n of e.notPriced) console.log(`  not priced: ${n.logicalId} (${n.type})`);
      if (e.usage.length > 0) console.log(`  per use: ${e.usage.map((u) => `${u.item} $${u.price}/${u.unit}`).join('; ')}`);
    }
  }
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
