// Synthesizes stage variants into a cache directory, one JSON template per
// stack plus what tests ask of the construct tree (findings, annotations,
// stack properties). Run by test/setup/global-setup.js in child processes:
//   node -r sucrase/register test/synth/synthesize.ts <outdir> <shard> <shards>
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { templateApp } from '../../lib/docs/generate';
import { packFindings } from '../../lib/shared/compliance';
import { templateFindings } from '../../lib/shared/template-findings';
import { ReferenceStage } from '../../lib/stages/reference-stage';
import { stageConfig } from '../../lib/stages/stage-config';
import { SynthesizedStack, SynthesizedStage } from './synthesized';
import { STAGE_VARIANTS, VARIANT_NAMES, VariantName } from './variants';


function synthesizeVariant(variant: VariantName, outdir: string): void {
  const dir = path.join(outdir, variant.replace(/\s+/g, '-'));
  fs.mkdirSync(dir, { recursive: true });
  const app = templateApp(path.join(dir, 'cdk.out'));
  const stage = new ReferenceStage(app, stageConfig(STAGE_VARIANTS[variant]));
  const assembly = stage.synth();
  const stackConstructs = stage.node.children.filter(Stack.isStack);
  // The five packs once more over the templates as a scanner reads them: CDK's own provider functions included.
  const atTemplateLevel = templateFindings(Object.fromEntries(stackConstructs.map((s) => [s.stackName, assembly.getStackArtifact(s.artifactId).template])));
  const stacks: SynthesizedStack[] = stackConstructs.map((stack) => {
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const templateFile = `${stack.node.id}.template.json`;
    fs.writeFileSync(path.join(dir, templateFile), JSON.stringify(artifact.template));
    return {
      id: stack.node.id,
      stackName: stack.stackName,
      description: stack.templateOptions.description,
      environment: stack.environment,
      terminationProtection: stack.terminationProtection,
      findings: packFindings(stack),
      templateFindings: atTemplateLevel.filter((f) => f.path.startsWith(`${stack.stackName}/`)),
      messages: artifact.messages.map((m) => ({ level: m.level, path: m.id, text: String(m.entry.data) })),
      templateFile,
    };
  });
  fs.rmSync(path.join(dir, 'cdk.out'), { recursive: true, force: true });
  const missingContext = (assembly.manifest.missing ?? []).map((m) => m.key);
  const stageInfo: SynthesizedStage = { variant, stage: stage.config.name, stacks, missingContext };
  fs.writeFileSync(path.join(dir, 'stage.json'), JSON.stringify(stageInfo));
}

const [outdir, shard, shards] = process.argv.slice(2);
VARIANT_NAMES.filter((_v, i) => i % Number(shards) === Number(shard)).forEach((v) => synthesizeVariant(v, outdir));
