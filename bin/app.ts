import { App } from 'aws-cdk-lib';
import { ReferenceStage } from '../lib/stages/reference-stage';
import { enforceCompliance, findingsIn, formatFindings } from '../lib/shared/compliance';
import { stageConfig } from '../lib/stages/stage-config';
import { PLAIN_HTTP_WARNING } from '../lib/web-tier/web-tier';

// Stage by context (-c stage=Production); account and region by context or
// CDK_DEPLOY_ACCOUNT / CDK_DEPLOY_REGION, else the stage is environment-agnostic.
// The web tier's certificate by -c certificateArn=... or CERTIFICATE_ARN.
const app = new App();
enforceCompliance(app);
const context = (key: string): string | undefined => app.node.tryGetContext(key);
new ReferenceStage(app, stageConfig({
  stage: context('stage'),
  account: context('account') ?? process.env.CDK_DEPLOY_ACCOUNT,
  region: context('region') ?? process.env.CDK_DEPLOY_REGION,
  alarmEmail: context('alarmEmail') ?? process.env.ALARM_EMAIL,
  certificateArn: context('certificateArn') ?? process.env.CERTIFICATE_ARN,
}));
const assembly = app.synth();

// The CLI fails on findings only for the stacks it selected, and a plain
// `cdk synth` selects none inside a stage: fail here on any finding anywhere.
// A warning that states a deliberate choice (a stage without a certificate serves
// plain HTTP) is printed by the synth above and does not fail it.
const NOTICES = [`Annotation::${PLAIN_HTTP_WARNING}`];
const findings = findingsIn(assembly.directory).filter((f) => !NOTICES.includes(f.rule));
if (findings.length > 0) {
  process.stderr.write(`cdk-nag: ${findings.length} unacknowledged finding(s):\n${formatFindings(findings)}\n`);
  process.exitCode = 1;
}
