import type { App } from 'aws-cdk-lib';
import { pipelineRequested } from '../delivery-pipeline/pipeline-config';
import { type StageConfig, stageConfigRequiringHttps } from '../stages/stage-config';
import { stageSelectionFrom } from '../stages/stage-selection';

/**
 * The stage `cdk synth` is asked for, from context and environment variables
 * (stage-selection.ts), checked all at once; undefined when the app is the
 * delivery pipeline (`-c pipeline=true`), which checks its own config.
 *
 * This module loads the stage config and little else (the constructs whose
 * warnings stage-selection.ts names), not the pipeline, cdk-nag or the rest of
 * the constructs: bin/app.ts calls it before it loads synthesizeApp, so a bad
 * config fails in about half the time.
 * @throws ConfigError naming every problem of the selection
 */
export function requestedStageConfig(app: App, env: Record<string, string | undefined> = process.env): StageConfig | undefined {
  if (pipelineRequested(app)) return undefined;
  return stageConfigRequiringHttps(stageSelectionFrom((key) => app.node.tryGetContext(key), env));
}
