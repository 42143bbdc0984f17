import { App } from 'aws-cdk-lib';
import { buildPipelineApp } from '../delivery-pipeline/delivery-pipeline-stack';
import { synthFailureMessage } from '../shared/synth-failure';
import { complianceReport } from '../shared/template-findings';
import { ReferenceStage } from '../stages/reference-stage';
import { noticesIn, STAGE_NOTICES } from '../stages/stage-selection';
import { requestedStageConfig } from './requested-stage';

/**
 * What `cdk synth` runs (bin/app.ts): the stage chosen by context
 * (-c stage=Production), account, region, alarm e-mail and the web tier's
 * certificate by context or environment variable (stage-selection.ts), or
 * with -c pipeline=true the delivery pipeline instead of one stage.
 *
 * Returns the process's exit code rather than throwing: an uncaught error
 * would bury a config problem under Node's stack trace and banner.
 * @param env where values context lacks are read from (stage-selection.ts)
 * @returns 0, or 1 after writing to `stderr` why synth failed
 */
export function synthesizeApp(app: App, stderr: (text: string) => void, env: Record<string, string | undefined> = process.env): number {
  try {
    const stage = requestedStageConfig(app, env);
    if (stage) new ReferenceStage(app, stage);
    else buildPipelineApp(app);
    const assembly = app.synth();
    for (const notice of noticesIn(assembly)) stderr(`warning: ${notice}\n`);
    // The five packs run once, over every template (incl. CDK's provider
    // functions), and fail synth on any finding anywhere, inside stages too.
    const report = complianceReport(assembly, STAGE_NOTICES);
    if (!report) return 0;
    stderr(report);
  } catch (error) {
    stderr(synthFailureMessage(error));
  }
  return 1;
}
