import { App } from 'aws-cdk-lib';
import { ReferenceStage } from '../lib/stages/reference-stage';
import { enforceCompliance } from '../lib/shared/compliance';
import { synthFailureMessage } from '../lib/shared/synth-failure';
import { complianceReport } from '../lib/shared/template-findings';
import { stageConfig } from '../lib/stages/stage-config';

// Stage by context (-c stage=Production); account and region by context or
// CDK_DEPLOY_ACCOUNT / CDK_DEPLOY_REGION, else the stage is environment-agnostic.
function synth(): void {
  const app = new App();
  enforceCompliance(app);
  const context = (key: string): string | undefined => app.node.tryGetContext(key);
  new ReferenceStage(app, stageConfig({
    stage: context('stage'),
    account: context('account') ?? process.env.CDK_DEPLOY_ACCOUNT,
    region: context('region') ?? process.env.CDK_DEPLOY_REGION,
    alarmEmail: context('alarmEmail') ?? process.env.ALARM_EMAIL,
  }));
  // The CLI fails on findings only for the stacks it selected, and a plain
  // `cdk synth` selects none inside a stage: fail here on any finding anywhere.
  const report = complianceReport(app.synth());
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
