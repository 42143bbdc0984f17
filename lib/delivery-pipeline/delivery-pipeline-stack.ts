import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { recordAcknowledgements } from '../shared/compliance';
import { ConfigError } from '../shared/validation';
import { ReferenceStage } from '../stages/reference-stage';
import { StageConfig, stageConfigRequiringHttps, StageSelection } from '../stages/stage-config';
import { DeliveryPipeline, DeliveryPipelineProps, StageFactory } from './delivery-pipeline';
import { PipelineConfig, pipelineConfig, pipelineSelection } from './pipeline-config';

// Defined in pipeline-config.ts, which loads no constructs, so that `cdk synth` can read it first (lib/app/requested-stage.ts).
export { pipelineRequested } from './pipeline-config';

/** Props of {@link DeliveryPipelineStack}. */
export interface DeliveryPipelineStackProps extends StackProps, Omit<DeliveryPipelineProps, 'stageFactory'> {
  /**
   * Builds the Sandbox and Production stages.
   * @default the project's `ReferenceStage` with the Sandbox and Production profiles
   */
  readonly stageFactory?: StageFactory;
}

/**
 * The delivery pipeline in the tools account and region (the stack's `env` is
 * taken from the config), deploying the reference stages by default.
 */
export class DeliveryPipelineStack extends Stack {
  readonly deliveryPipeline: DeliveryPipeline;

  constructor(scope: Construct, id: string, props: DeliveryPipelineStackProps) {
    const { config } = props;
    super(scope, id, {
      description: `Delivery pipeline: ${config.repository}@${config.branch} to Sandbox, then Production in ${config.productionRegions.join(', ')}`,
      ...props,
      env: { account: config.toolsAccount, region: config.toolsRegion },
    });
    this.deliveryPipeline = new DeliveryPipeline(this, 'Delivery', {
      ...props,
      stageFactory: props.stageFactory ?? referenceStages(config),
    });
  }
}

/**
 * The project's stages: `ReferenceStage` with the profile named by the
 * factory's id, on the web tier image the pipeline's synth step resolved for
 * the stage's region (the same release the Sandbox was tested on), with the
 * Production API's reserved concurrency the pipeline chose, and the security
 * baseline's account-wide pieces in the first Production region only.
 */
export function referenceStages(config: ReferenceStagesConfig): StageFactory {
  return (scope, id, props) => new ReferenceStage(scope, referenceStageConfig(config, id, props.env ?? {}));
}

type ReferenceStagesConfig = Pick<PipelineConfig, 'alarmEmail' | 'webTierImages' | 'apiReservedConcurrency'>
  & Partial<Pick<PipelineConfig, 'productionRegions' | 'domain' | 'allowPlainHttp'>>;

/** The config referenceStages gives the stage `id` in `env`; fails as the stage would on a config it refuses. */
function referenceStageConfig(config: ReferenceStagesConfig, id: string, env: { account?: string; region?: string }): StageConfig {
  const production = id === 'Production';
  return withPipelineChoices(stageConfigRequiringHttps({
    stage: id, account: env.account, region: env.region, alarmEmail: config.alarmEmail, allowPlainHttp: config.allowPlainHttp,
    // One account, several Production regions: the account-wide pieces (trail, CIS alarms, IAM settings) live in the first.
    homeRegion: production ? config.productionRegions?.[0] : undefined,
    // Production's names on the domain, by latency across its regions (the domain's zone is the production account's).
    ...(production && config.domain ? { ...config.domain, servingRegions: config.productionRegions } : {}),
    ...(production ? productionRecovery(config.productionRegions, env.region) : {}),
  }), config);
}

/**
 * Several Production regions serve the names side by side (latency), each with
 * data of its own: each copies its backups to the next one's RecoveryVault (a
 * ring), so every region's recovery points survive it. That is backup and
 * restore across regions (1 h RPO, 4 h RTO for the lost region's data) while
 * the other regions keep serving; a standby side would duplicate what the
 * other regions already run.
 */
function productionRecovery(regions: readonly string[] | undefined, region: string | undefined): Partial<StageSelection> {
  const standbyRegion = nextRegion(regions, region);
  return standbyRegion ? { standbyRegion, recoveryPattern: 'backup-and-restore', recoveryPointObjective: '1h', recoveryTimeObjective: '4h' } : {};
}

/** The region after `region` in `regions`, the last one's being the first; none with fewer than two. */
export function nextRegion(regions: readonly string[] | undefined, region: string | undefined): string | undefined {
  if (!regions || regions.length < 2 || region === undefined) return undefined;
  const i = regions.indexOf(region);
  return i < 0 ? undefined : regions[(i + 1) % regions.length];
}

function withPipelineChoices(stage: StageConfig, config: Pick<PipelineConfig, 'webTierImages' | 'apiReservedConcurrency'>): StageConfig {
  const region = stage.region ?? '';
  const image = config.webTierImages?.[region];
  if (config.webTierImages && !image) {
    throw new ConfigError('delivery pipeline config', [`webTierImages: got ${JSON.stringify(config.webTierImages)}; expected an image for ${region}, where ${stage.name} deploys`]);
  }
  const arm = (stage.webTier.instanceType?.architecture ?? ec2.InstanceArchitecture.ARM_64) === ec2.InstanceArchitecture.ARM_64;
  if (image && !arm) throw new ConfigError('delivery pipeline config', [`webTierImages: the synth step resolves arm64 images; ${stage.name}'s web tier runs x86_64 instances`]);
  const concurrency = stage.name === 'Production' ? config.apiReservedConcurrency : undefined;
  return {
    ...stage,
    webTier: image ? { ...stage.webTier, machineImage: ec2.MachineImage.genericLinux({ [region]: image }) } : stage.webTier,
    serverlessApi: concurrency === undefined ? stage.serverlessApi : { ...stage.serverlessApi, reservedConcurrency: concurrency || undefined },
  };
}

/**
 * The pipeline app: the `DeliveryPipeline` stack (named `DeliveryPipeline`)
 * from the context values, validated all at once.
 */
export function buildPipelineApp(app: App): DeliveryPipelineStack {
  const context = (key: string) => app.node.tryGetContext(key);
  if (context('stage') !== undefined) {
    throw new ConfigError('delivery pipeline config', [`stage: got ${JSON.stringify(context('stage'))}; the pipeline deploys both Sandbox and Production: drop -c stage`]);
  }
  const config = pipelineConfig(pipelineSelection(context));
  // Every stage's config is checked before any stage is built (building the Sandbox alone takes a second), in the pipeline's order.
  referenceStageConfig(config, 'Sandbox', { account: config.sandboxAccount, region: config.sandboxRegion });
  for (const region of config.productionRegions) referenceStageConfig(config, 'Production', { account: config.productionAccount, region });
  recordAcknowledgements(app);
  return new DeliveryPipelineStack(app, 'DeliveryPipeline', { config });
}
