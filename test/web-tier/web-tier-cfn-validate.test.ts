import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { ReferenceStage } from '../../lib/stages/reference-stage';
import { StageSelection, stageConfig } from '../../lib/stages/stage-config';
import { CDK_CONTEXT, tempOutdir } from '../harness';

/**
 * The WebTier stack's findings from CDK's built-in CloudFormation validation
 * (the `cdk synth` check the harness skips for speed), as `rule: description`.
 */
function cloudFormationFindings(selection: Omit<StageSelection, 'stage'>): string[] {
  const outdir = tempOutdir();
  const app = new App({ outdir, context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: true });
  new ReferenceStage(app, stageConfig({ stage: 'Production', ...selection }));
  app.synth();
  const report = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(report)) return [];
  return (JSON.parse(fs.readFileSync(report, 'utf8')).pluginReports as any[])
    .filter((r) => r.pluginName === 'CloudFormation Validate')
    .flatMap((r) => r.violations)
    .filter((v: any) => v.violatingConstructs.some((c: any) => c.constructPath?.startsWith('Production/WebTier')))
    .map((v: any) => `${v.ruleName}: ${v.description}`);
}

describe('CloudFormation validation of the WebTier stack: clean however the stage is placed', () => {
  test('environment-agnostic', () => {
    expect(cloudFormationFindings({})).toEqual([]);
  });

  test('pinned to an account and a region (W8003: no condition that is always true or false)', () => {
    expect(cloudFormationFindings({ account: '123456789012', region: 'eu-west-1' })).toEqual([]);
  });
});
