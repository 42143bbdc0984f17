import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ReferenceStage } from '../stages/reference-stage';
import { stageConfig, StageName } from '../stages/stage-config';
import { architectureDoc } from './architecture-doc';
import { estimateStack, loadPrices, natModeCosts, PriceData } from './cost';
import { mermaidDiagram } from './diagram';
import { CfnTemplate } from './template';

const ROOT = path.join(__dirname, '..', '..');

/** Every stack of a stage, synthesized: architecture name to template. */
export type StageTemplates = Map<string, { stackName: string; description?: string; template: CfnTemplate }>;

/**
 * Synthesizes the stages as `cdk synth` would (cdk.json's feature flags), but
 * without bundling or schema validation, which templates do not depend on.
 */
export function synthesizeStages(names: StageName[] = ['Sandbox', 'Production']): Map<StageName, StageTemplates> {
  const context = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-docs-'));
  try {
    const app = new App({ outdir, context: { ...context, 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    const stages = names.map((name) => new ReferenceStage(app, stageConfig({ stage: name })));
    const result = new Map<StageName, StageTemplates>();
    for (const stage of stages) {
      const assembly = stage.synth();
      const templates: StageTemplates = new Map();
      for (const stack of stage.node.children.filter(Stack.isStack)) {
        templates.set(stack.node.id, { stackName: stack.stackName, description: stack.templateOptions.description, template: assembly.getStackArtifact(stack.artifactId).template });
      }
      result.set(stage.config.name as StageName, templates);
    }
    return result;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The generated files, by path relative to the repository root, with their content. */
export function generateDocs(prices: PriceData = loadPrices(), stages: Map<StageName, StageTemplates> = synthesizeStages()): Map<string, string> {
  const sandbox = stages.get('Sandbox')!;
  const production = stages.get('Production')!;
  const files = new Map<string, string>();
  let readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const [name, stack] of sandbox) {
    files.set(`docs/architectures/${name}.md`, architectureDoc({ name, ...stack, production: production.get(name)?.template }, prices));
    readme = replaceBlock(readme, `diagram:${name}`, ['```mermaid', mermaidDiagram({ template: stack.template, prefix: name }), '```'].join('\n'));
  }
  readme = replaceBlock(readme, 'nat-cost', natTable(prices));
  readme = replaceBlock(readme, 'stage-cost', stageCostTable(stages, prices));
  files.set('README.md', readme);
  return files;
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`, which must exist. */
export function replaceBlock(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no block ${start} ... ${end}`);
  return `${text.slice(0, i + start.length)}\n${content}\n${text.slice(j)}`;
}

/** Idle cost per stack of each stage, side by side. */
export function stageCostTable(stages: Map<StageName, StageTemplates>, prices: PriceData): string {
  const names = [...stages.values().next().value!.keys()];
  const rows = [...stages].map(([stage, stacks]) => {
    const totals = names.map((n) => estimateStack(stacks.get(n)!.template, prices).total);
    return `| ${stage} | ${totals.map((t) => `$${t.toFixed(2)}`).join(' | ')} | **$${totals.reduce((a, b) => a + b, 0).toFixed(2)}** |`;
  });
  return [`| stage (idle, per month) | ${names.join(' | ')} | total |`, `|---|${names.map(() => '---:|').join('')}---:|`, ...rows].join('\n');
}

function natTable(prices: PriceData): string {
  const rows = natModeCosts(prices).map((r) => `| \`${r.mode.split(' ')[0]}\`${r.mode.includes('(') ? ` ${r.mode.slice(r.mode.indexOf('('))}` : ''} | $${r.monthly.toFixed(2)} | ${r.what} |`);
  return [`| \`natMode\` | per month, idle | what you pay for (${prices.region}, prices of ${prices.takenOn}) |`, '|---|---:|---|', ...rows].join('\n');
}
