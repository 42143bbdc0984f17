// Synthesizes one stage variant into a directory as `cdk synth` does: through
// the app's own synthesis (synthesizeApp, what bin/app.ts runs), the variant's
// selection given as context. Writes one JSON template per stack plus what
// tests ask of the construct tree (findings, annotations, stack properties)
// and what the app printed. test/synth/stage-cache.ts calls it, once per
// variant and run.
import * as fs from 'fs';
import * as path from 'path';
import { Stack, Stage } from 'aws-cdk-lib';
import { templateApp } from '../../lib/docs/generate';
import { COMPLIANCE_RECORD_FILE, ComplianceRecord } from '../../lib/shared/template-findings';
import { synthesizeApp } from '../../lib/app/app-synthesis';
import { SynthesizedStack, SynthesizedStage } from './synthesized';
import { STAGE_VARIANTS, VariantName } from './variants';

/** What the app's compliance check recorded in its assembly (complianceReport), if it got that far. */
function complianceRecordIn(assemblyDir: string): ComplianceRecord | undefined {
  const file = path.join(assemblyDir, COMPLIANCE_RECORD_FILE);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as ComplianceRecord : undefined;
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
  // The app ran the five packs over every template as a scanner reads them
  // (complianceReport) and recorded their findings, each at its construct
  // path and its `<stack name>/<logical id>`: listed here by stack.
  const compliance = complianceRecordIn(app.outdir);
  const findingsOf = (stack: Stack) => (compliance?.findings ?? []).filter((f) => f.resource?.startsWith(`${stack.stackName}/`));
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
      findings: findingsOf(stack),
      messages: artifact.messages.map((m) => ({ level: m.level, path: m.id, text: String(m.entry.data) })),
      templateFile,
    };
  });
  fs.rmSync(path.join(dir, 'cdk.out'), { recursive: true, force: true });
  const missingContext = (assembly.manifest.missing ?? []).map((m) => m.key);
  const stageInfo: SynthesizedStage = {
    variant, stage: stage.stageName, exitCode, appOutput, stacks, missingContext,
    compliance: compliance && { packs: compliance.packs, templates: compliance.templates },
    manifestStacks: Object.values(assembly.manifest.artifacts ?? {}).filter((a) => a.type === 'aws:cloudformation:stack')
      .map((a) => (a.properties as { stackName?: string } | undefined)?.stackName ?? '?'),
  };
  fs.writeFileSync(path.join(dir, 'stage.json'), JSON.stringify(stageInfo));
}
