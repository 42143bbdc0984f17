import { DeliveryPipelineStack } from '../../lib/delivery-pipeline/delivery-pipeline-stack';
import { pipelineConfig } from '../../lib/delivery-pipeline/pipeline-config';
import { recordAcknowledgements } from '../../lib/shared/compliance';
import { testApp } from '../harness';

// The pipeline the delivery-pipeline tests read, synthesized once per run: it
// synthesizes three whole stages, and pipeline-under-test.test.ts runs every
// file that reads it in one worker. It is the pipeline as its synth step
// rebuilds it: with the web tier images that step resolved, and the Production
// API's reserved concurrency chosen (0: none).
export const config = pipelineConfig({
  toolsAccount: '111111111111', sandboxAccount: '222222222222', productionAccount: '333333333333',
  regions: 'eu-west-1,us-east-1', repository: 'my-org/my-app', alarmEmail: 'ops@example.com',
  domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', apiReservedConcurrency: '0',
  connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/abc-123',
  webTierImages: 'eu-west-1:ami-0bbbbbbbbbbbbbbb2,us-east-1:ami-0ccccccccccccccc3',
});
const app = testApp();
recordAcknowledgements(app);
export const stack = new DeliveryPipelineStack(app, 'DeliveryPipeline', { config });
export const assembly = app.synth();
