import { App } from 'aws-cdk-lib';
import { requestedStageConfig } from '../lib/app/requested-stage';
import { synthFailureMessage } from '../lib/shared/synth-failure';

// The stage, its environment and options come from context and environment
// variables (lib/stages/stage-selection.ts); see synthesizeApp.
const app = new App();
try {
  // A bad stage config fails here, before the constructs, the pipeline and
  // cdk-nag load; synthesizeApp checks it again and would fail the same way.
  requestedStageConfig(app);
  const { synthesizeApp }: typeof import('../lib/app/app-synthesis') = require('../lib/app/app-synthesis');
  process.exitCode = synthesizeApp(app, (text) => process.stderr.write(text));
} catch (error) {
  process.stderr.write(synthFailureMessage(error));
  process.exitCode = 1;
}
