// Synthesizes one stage variant into a directory as `cdk synth` does: through
// the app's own synthesis (synthesizeApp, what bin/app.ts runs), the variant's
// selection given as context. Writes one JSON template per stack plus what
// tests ask of the construct tree (findings, annotations, stack properties)
// and what the app printed. test/synth/stage-cache.ts calls it, once per
// variant and run.
import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationPlugin, Stack, Stage } from 'aws-cdk-lib';
import { templateApp } from '../../lib/docs/generate';
import { packFindings } from '../../lib/shared/compliance';
import { templateFindings, templatesOf } from '../../lib/shared/template-findings';
import { synthesizeApp } from '../../lib/app/app-synthesis';
import { SynthesizedStack, SynthesizedStage } from './synthesized';
import { STAGE_VARIANTS, VariantName } from './variants';

/**
 * The validation plugins registered on a stage. aws-cdk-lib offers no public
 * getter but a deprecated one that prints a warning; its internal accessor
 * failing after an upgrade fails the tests that read it, loudly.
 */
function validationPluginsOf(stage: Stage): IPolicyValidationPlugin[] {
  return (stage as unknown as { readonly _validationPlugins: IPolicyValidationPlugin[] })._validationPlugins;
}

/** Writes `variant`'s templates and `stage.json` into `dir`, which must exist. */
export function synthesizeVariant(variant: VariantName, dir: string): void {
  const app = templateApp(path.join(dir, 'cdk.out'), STAGE_VARIANTS[variant]);
  let appOutput = '';
  // No environment variables: the variant is what its context says, whatever the shell running the tests exports.
  const exitCode = synthesizeApp(app, (text) => { appOutput += text; }, {});
  const stage = app.node.children.find(Stage.isStage);
  if (!stage) throw new Error(`stage variant ${variant}: the app built no stage (exit ${exitCode}):\n${appOutput}`);
  const assembly = stage.synth();
  const stackConstructs = stage.node.children.filter(Stack.isStack);
  // The app ran the five packs in the app and over the templates as a scanner
  // reads them (complianceReport): when it passed, no stack has a finding.
  // When it failed, each stack's findings are listed here for the tests to name.
  const passed = exitCode === 0;
  const atTemplateLevel = passed ? [] : templateFindings(templatesOf(assembly));
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
      findings: passed ? [] : packFindings(stack),
      templateFindings: atTemplateLevel.filter((f) => f.path.startsWith(`${stack.stackName}/`)),
      messages: artifact.messages.map((m) => ({ level: m.level, path: m.id, text: String(m.entry.data) })),
      templateFile,
    };
  });
  fs.rmSync(path.join(dir, 'cdk.out'), { recursive: true, force: true });
  const missingContext = (assembly.manifest.missing ?? []).map((m) => m.key);
  const stageInfo: SynthesizedStage = {
    variant, stage: stage.stageName, exitCode, appOutput, stacks, missingContext,
    validationPlugins: validationPluginsOf(app).map((p) => p.name),
    manifestStacks: Object.values(assembly.manifest.artifacts ?? {}).filter((a) => a.type === 'aws:cloudformation:stack')
      .map((a) => (a.properties as { stackName?: string } | undefined)?.stackName ?? '?'),
  };
  fs.writeFileSync(path.join(dir, 'stage.json'), JSON.stringify(stageInfo));
}
