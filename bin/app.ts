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

// The CLI reports findings and warnings only for the stacks it selected, and a
// plain `cdk synth` selects none inside a stage: report here for every stack.
// A warning that states a deliberate choice (a stage without a certificate serves
// plain HTTP) is said, and does not fail the synth; any other finding fails it.
const NOTICES = [PLAIN_HTTP_WARNING];
for (const stack of assembly.stacksRecursively) {
  for (const message of stack.messages) {
    const text = String(message.entry.data);
    if (NOTICES.some((id) => text.endsWith(`[ack: ${id}]`))) process.stderr.write(`warning: ${text.replace(/ \[ack: .*\]$/, '')}\n`);
  }
}
const findings = findingsIn(assembly.directory).filter((f) => !NOTICES.some((id) => f.rule === `Annotation::${id}`));
if (findings.length > 0) {
  process.stderr.write(`cdk-nag: ${findings.length} unacknowledged finding(s):\n${formatFindings(findings)}\n`);
  process.exitCode = 1;
}
