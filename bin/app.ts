import { App } from 'aws-cdk-lib';
import { enforceCompliance } from '../lib/shared/compliance';
import { synthFailureMessage } from '../lib/shared/synth-failure';
import { complianceReport } from '../lib/shared/template-findings';
import { ReferenceStage } from '../lib/stages/reference-stage';
import { stageConfig } from '../lib/stages/stage-config';
import { noticesIn, STAGE_NOTICES, stageSelectionFrom } from '../lib/stages/stage-selection';
import { buildPipelineApp, pipelineRequested } from '../lib/delivery-pipeline/delivery-pipeline-stack';

// Stage by context (-c stage=Production); account, region, alarm e-mail and the
// web tier's certificate by context or environment variable (stage-selection.ts).
function synth(): void {
  const app = new App();
  enforceCompliance(app);
  // -c pipeline=true: the delivery pipeline (README "Delivery pipeline across accounts") instead of one stage.
  if (pipelineRequested(app)) buildPipelineApp(app);
  else new ReferenceStage(app, stageConfig(stageSelectionFrom((key) => app.node.tryGetContext(key))));
  const assembly = app.synth();
  for (const notice of noticesIn(assembly)) process.stderr.write(`warning: ${notice}\n`);
  // The CLI fails on findings only for the stacks it selected, and a plain
  // `cdk synth` selects none inside a stage: fail here on any finding anywhere.
  const report = complianceReport(assembly, STAGE_NOTICES);
  if (report) {
    process.stderr.write(report);
    process.exitCode = 1;
  }
}

// Exit code, not a throw: an uncaught error would bury a config problem under
// Node's stack trace and banner.
try {
  synth();
} catch (error) {
  process.stderr.write(synthFailureMessage(error));
  process.exitCode = 1;
}
