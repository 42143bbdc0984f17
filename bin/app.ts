import { App } from 'aws-cdk-lib';
import { ReferenceStage } from '../lib/stages/reference-stage';
import { enforceCompliance, findingsIn, formatFindings } from '../lib/shared/compliance';
import { stageConfig } from '../lib/stages/stage-config';
import { buildPipelineApp, pipelineRequested } from '../lib/delivery-pipeline/delivery-pipeline-stack';

// Stage by context (-c stage=Production); account and region by context or
// CDK_DEPLOY_ACCOUNT / CDK_DEPLOY_REGION, else the stage is environment-agnostic.
const app = new App();
enforceCompliance(app);
const context = (key: string): string | undefined => app.node.tryGetContext(key);
// -c pipeline=true: the delivery pipeline (README "Delivery pipeline across accounts") instead of one stage.
if (pipelineRequested(app)) buildPipelineApp(app);
else {
  new ReferenceStage(app, stageConfig({
    stage: context('stage'),
    account: context('account') ?? process.env.CDK_DEPLOY_ACCOUNT,
    region: context('region') ?? process.env.CDK_DEPLOY_REGION,
    alarmEmail: context('alarmEmail') ?? process.env.ALARM_EMAIL,
  }));
}
const assembly = app.synth();

// The CLI fails on findings only for the stacks it selected, and a plain
// `cdk synth` selects none inside a stage: fail here on any finding anywhere.
const findings = findingsIn(assembly.directory);
if (findings.length > 0) {
  process.stderr.write(`cdk-nag: ${findings.length} unacknowledged finding(s):\n${formatFindings(findings)}\n`);
  process.exitCode = 1;
}
