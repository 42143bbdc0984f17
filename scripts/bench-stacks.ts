// Part of `npm run bench`: what each architecture's stacks cost in the stage
// variants the suite synthesizes, read from the run's stage cache (the
// directory given as the argument). For every stack of every variant: its
// resources and the CPU seconds the five packs take over its template, as
// the app runs them at template level (templateFindings). Prints one JSON line.
import * as fs from 'fs';
import * as path from 'path';
import { templateFindings } from '../lib/shared/template-findings';

interface Row { variant: string; stack: string; resources: number; packSeconds: number }

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const cacheDir = process.argv[2];
const variants = fs.readdirSync(cacheDir).filter((name) => fs.existsSync(path.join(cacheDir, name, 'stage.json')));
const rows: Row[] = [];
let warmedUp = false;
for (const variant of variants) {
  const stage = JSON.parse(fs.readFileSync(path.join(cacheDir, variant, 'stage.json'), 'utf8')) as { stacks: { id: string; stackName: string; templateFile: string }[] };
  for (const stack of stage.stacks) {
    const template = JSON.parse(fs.readFileSync(path.join(cacheDir, variant, stack.templateFile), 'utf8')) as { Resources?: object };
    // The first call loads cdk-nag and CfnInclude: not any one stack's cost.
    if (!warmedUp) templateFindings({ [stack.stackName]: template });
    warmedUp = true;
    const start = cpuSeconds();
    templateFindings({ [stack.stackName]: template });
    rows.push({ variant, stack: stack.id, resources: Object.keys(template.Resources ?? {}).length, packSeconds: cpuSeconds() - start });
  }
}
console.log(JSON.stringify(rows));
