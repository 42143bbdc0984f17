import { App } from 'aws-cdk-lib';
import { synthesizeApp } from '../lib/app/app-synthesis';

// The stage, its environment and options come from context and environment
// variables (lib/stages/stage-selection.ts); see synthesizeApp.
process.exitCode = synthesizeApp(new App(), (text) => process.stderr.write(text));
