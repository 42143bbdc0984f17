// The test files that read the synthesized delivery pipeline, run as one file:
// Jest would spread them over the workers, and each worker would synthesize
// the pipeline (three whole stages) again. The deploy-time tools go first:
// they start child processes (the CDK CLI, npm pack).
import './deploy-time-tools.suite';
import './delivery-pipeline.suite';
import './production-rollout.suite';
