// Synthesizes one stage variant into a directory: one JSON template per stack
// plus what tests ask of the construct tree (findings, annotations, stack
// properties). test/synth/stage-cache.ts calls it, once per variant and run.
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { templateApp } from '../../lib/docs/generate';
import { packFindings } from '../../lib/shared/compliance';
import { templateFindings } from '../../lib/shared/template-findings';
import { ReferenceStage } from '../../lib/stages/reference-stage';
import { stageConfig } from '../../lib/stages/stage-config';
import { SynthesizedStack, SynthesizedStage } from './synthesized';
import { STAGE_VARIANTS, VariantName } from './variants';

/** Writes `variant`'s templates and `stage.json` into `dir`, which must exist. */
export function synthesizeVariant(variant: VariantName, dir: string): void {
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
