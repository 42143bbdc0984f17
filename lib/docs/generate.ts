import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { failoverRunbook } from '../disaster-recovery/failover-runbook';
import { ReferenceStage } from '../stages/reference-stage';
import { STAGE_PROFILES, stageConfig, StageName } from '../stages/stage-config';
import { architectureDoc, diagramBlock, referenceBlock } from './architecture-doc';
import { estimateStack, loadPrices, natModeCosts, PriceData } from './cost';
import { blockNames, replaceBlock, withTableOfContents } from './markdown';
import { CfnTemplate } from './template';

const ROOT = path.join(__dirname, '..', '..');

/** Every stack of a stage, synthesized: architecture name to template. */
export type StageTemplates = Map<string, { stackName: string; description?: string; template: CfnTemplate }>;

/** The feature flags and other context of this repository's cdk.json. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;

/**
 * An App that synthesizes templates as `cdk synth` does here (cdk.json's
 * context), but without Lambda bundling, the built-in schema validation
 * (about 3 s a process) or asset staging (copying every asset, the 21 MB
 * AWS CLI layer of a BucketDeployment included, into the outdir), which
 * templates do not depend on, nor the JavaScript stack trace CDK records
 * for every construct it creates (`cdk synth --debug` records them) or the
 * construct tree (tree.json), which only the cloud assembly's metadata holds.
 * Nor the props and method calls of every L2 construct that CDK records for
 * its usage report (cdk.json's enableAdditionalMetadataCollection): the report
 * goes into a CDKMetadata resource only when the CLI turns version reporting
 * on, which this App does not.
 * `context` is added over cdk.json's.
 */
export function templateApp(outdir: string, context: Record<string, unknown> = {}): App {
  const withoutArtifacts = {
    'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-asset-staging': true,
    'aws:cdk:disable-creation-stack-traces': true, 'aws:cdk:disable-stack-trace': true,
    '@aws-cdk/core:enableAdditionalMetadataCollection': false,
  };
  return new App({ outdir, context: { ...CDK_CONTEXT, ...withoutArtifacts, ...context }, builtinCloudFormationValidation: false, treeMetadata: false });
}

/** Synthesizes the stages as `cdk synth` would, bundling and schema validation left out (see templateApp). */
export function synthesizeStages(names: StageName[] = ['Sandbox', 'Production']): Map<StageName, StageTemplates> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-docs-'));
  try {
    const app = templateApp(outdir);
    // Production refuses to synthesize without an alarm destination: the docs show it with an example address.
    const stages = names.map((name) => new ReferenceStage(app, stageConfig({ stage: name, alarmEmail: STAGE_PROFILES[name].alarmDestinationRequired ? 'ops@example.com' : undefined })));
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

/**
 * The generated files, by path relative to the repository root, with their
 * content. Pages and the README are written by hand around generated blocks
 * (`<!-- name:start -->` ... `<!-- name:end -->`): only the blocks are
 * rewritten, and a page that does not exist yet is started from a skeleton.
 */
export function generateDocs(prices: PriceData = loadPrices(), stages: Map<StageName, StageTemplates> = synthesizeStages()): Map<string, string> {
  const sandbox = stages.get('Sandbox')!;
  const production = stages.get('Production')!;
  // failover-runbook: the DisasterRecovery page's runbook, written from the failover constructs.
  const shared = new Map([['nat-cost', natTable(prices)], ['stage-cost', stageCostTable(stages, prices)], ['failover-runbook', failoverRunbook()]]);
  const files = new Map<string, string>();
  for (const [name, stack] of sandbox) {
    const file = `docs/architectures/${name}.md`;
    const documented = { name, ...stack, production: production.get(name)?.template };
    const page = readIfExists(file) ?? architectureDoc(documented, prices);
    const blocks = new Map([...shared, ['diagram', diagramBlock(documented)], ['generated', referenceBlock(documented, prices)]]);
    files.set(file, withTableOfContents(fillBlocks(page, blocks, file, ['diagram', 'generated'])));
  }
  files.set('README.md', fillBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), shared, 'README.md', ['stage-cost']));
  return files;
}

/** Rewrites every generated block of a file; a block the generator does not know, or a required one missing, is an error. */
function fillBlocks(text: string, blocks: Map<string, string>, file: string, required: string[]): string {
  const present = blockNames(text).filter((name) => name !== 'toc');
  const unknown = present.filter((name) => !blocks.has(name));
  if (unknown.length > 0) throw new Error(`${file} has generated blocks npm run docs does not know: ${unknown.join(', ')}`);
  for (const name of required) if (!present.includes(name)) throw new Error(`${file} has no block <!-- ${name}:start --> ... <!-- ${name}:end -->`);
  return present.reduce((result, name) => replaceBlock(result, name, blocks.get(name)!, file), text);
}

function readIfExists(file: string): string | undefined {
  const full = path.join(ROOT, file);
  return fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
}

export { replaceBlock };

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
