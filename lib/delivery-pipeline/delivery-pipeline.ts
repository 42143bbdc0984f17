import { Aws, Duration, RemovalPolicy, Stack, Stage, StageProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { DEFAULT_REMOVAL_POLICY } from '../shared/removal';
import { Validator } from '../shared/validation';
import { BUILD_IMAGE, BUILD_NODE_VERSION, CDK_CLI_VERSION, pinDeployTimeTools } from './deploy-time-tools';
import { ChangeReview } from './change-review';
import { narrowGeneratedGrants } from './generated-grants';
import { PipelineNotifications } from './pipeline-notifications';
import { acknowledgeDefaultPolicy, acknowledgePipelineFindings } from './pipeline-findings';
import { ArtifactReplicaStack, ArtifactStore } from './artifact-store';
import { PipelineConfig, pipelineContextArgs } from './pipeline-config';
import { SmokeAccessStack } from './smoke-access';

/**
 * Builds one deployable stage. `id` is the stage's name (`Sandbox`,
 * `Production`), `props.env` its account and region.
 */
export type StageFactory = (scope: Construct, id: string, props: StageProps) => Stage;

/** Props of {@link DeliveryPipeline}. */
export interface DeliveryPipelineProps {
  /** The validated configuration (see `pipelineConfig`). */
  readonly config: PipelineConfig;
  /** Builds the Sandbox stage and each Production stage. */
  readonly stageFactory: StageFactory;
  /**
   * Runs the smoke checks (`npm run smoke`) against the Sandbox stage after it deploys,
   * under a role of the sandbox account that can only do what they do, and the
   * read-only checks (`--read-only`) against each Production region after it deploys.
   * @default true
   */
  readonly smokeTest?: boolean;
  /**
   * A topic of yours (tools account and region) for approval requests and
   * failed runs, instead of a new one; its policy must let
   * `codestar-notifications.amazonaws.com` publish. `config.alarmEmail`, when
   * given, is subscribed either way.
   * @default a new topic, encrypted with a key of its own
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * Paths whose changes alone do not start the pipeline (CodePipeline V2 trigger
   * filters, glob patterns): a documentation-only commit does not roll the fleet.
   * @default ['*.md', '**\/*.md', 'docs/**']
   */
  readonly ignoredPaths?: string[];
  /**
   * Commands of the synth step; the last one must write `cdk.out`.
   * @default `npm ci`, `npm test`, then `npx cdk synth` with the context flags that built this pipeline
   */
  readonly synthCommands?: string[];
  /**
   * Retention of the CodeBuild logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the artifact bucket, its key and the build logs when the pipeline stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long pipeline artifacts are kept, in every region. A Production stage's
   * rollback redeploys the last successful run's artifacts: keep them longer than the gap between releases.
   * @default Duration.days(90)
   */
  readonly artifactExpiration?: Duration;
  /**
   * Image of every CodeBuild project: Linux, no Docker.
   * @default codebuild.LinuxBuildImage.STANDARD_8_0 with Node.js 24, the Lambda handlers' runtime
   */
  readonly buildImage?: codebuild.IBuildImage;
  /**
   * Name of the IAM role the smoke step runs as. It is named because the
   * sandbox account's smoke role trusts it by ARN, across accounts.
   * @default `<pipeline stack name>-smoke-<region>`, cut to IAM's 64 characters
   */
  readonly smokeRunnerRoleName?: string;
  /**
   * Name of the IAM role each Production verification step runs as (termination
   * protection, then the read-only smoke checks), trusted by name across accounts.
   * @default `<pipeline stack name>-verify-<region>`, cut to IAM's 64 characters
   */
  readonly verifyRunnerRoleName?: string;
}


/**
 * CDK Pipelines across accounts: source from a CodeConnections connection,
 * `npm ci` + `npm test` + synth, the Sandbox stage with post-deploy smoke
 * checks, a manual approval, then Production in every region as one wave. The
 * pipeline updates itself. Place it in a stack pinned to the tools account and region.
 *
 * The pipeline is built in the constructor (its generated roles and projects
 * are reviewed there): add stages through a stage factory, not to `pipeline`.
 */
export class DeliveryPipeline extends Construct {
  /** The CDK pipeline. */
  readonly pipeline: pipelines.CodePipeline;
  /** The Sandbox stage. */
  readonly sandbox: Stage;
  /** One Production stage per region, in the order of `config.productionRegions`. */
  readonly production: Stage[];
  /** The bucket of the pipeline's artifacts. */
  readonly artifactBucket: s3.Bucket;
  /** The key of the artifact bucket. */
  readonly artifactKey: kms.Key;
  /** The artifact bucket in each other region the pipeline deploys to (stacks of the tools account). */
  readonly replicas: ArtifactReplicaStack[];
  /** The log group of every CodeBuild project of the pipeline. */
  readonly buildLogs: logs.LogGroup;
  /** The role of the smoke step, when there is one. */
  readonly smokeRunnerRole?: iam.Role;
  /** The sandbox account's role the smoke step assumes, when there is one. */
  readonly smokeAccess?: SmokeAccessStack;
  /** The role of the Production verification steps. */
  readonly verifyRunnerRole: iam.Role;
  /** In each Production region, the role the verification step assumes: read-only checks and termination protection (none when there is neither). */
  readonly productionAccess: SmokeAccessStack[];
  /** Where approval requests and failures are sent. */
  readonly notifications: PipelineNotifications;

  constructor(scope: Construct, id: string, props: DeliveryPipelineProps) {
    super(scope, id);
    const { config } = props;
    checkPlacement(Stack.of(this), config);
    new Validator('delivery pipeline').check(config.alarmEmail !== undefined || props.notificationTopic !== undefined, 'alarmEmail', config.alarmEmail,
      'expected an e-mail address (-c alarmEmail=...) or a notificationTopic: approval requests and failed runs must reach someone').throwIfInvalid();
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const store = new ArtifactStore(this, 'Artifacts', { removalPolicy, artifactExpiration: props.artifactExpiration });
    this.artifactBucket = store.bucket;
    this.artifactKey = store.key;
    this.replicas = this.newReplicas(config, props.artifactExpiration);
    this.buildLogs = new EncryptedLogGroup(this, 'BuildLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, removalPolicy }).logGroup;
    this.notifications = new PipelineNotifications(this, 'Notifications', { email: config.alarmEmail, existingTopic: props.notificationTopic, removalPolicy });
    // Started by the V2 trigger below, which filters paths; not by the source action's own push detection.
    const source = pipelines.CodePipelineSource.connection(config.repository, config.branch, { connectionArn: config.connectionArn, triggerOnPush: false });
    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineType: codepipeline.PipelineType.V2,
      synth: new pipelines.ShellStep('Synth', { input: source, commands: props.synthCommands ?? synthCommands(config) }),
      crossAccountKeys: true,
      enableKeyRotation: true,
      selfMutation: true,
      cliVersion: CDK_CLI_VERSION,
      // The bucket of the pipeline's region is its artifact bucket; one bucket of ours per other region.
      crossRegionReplicationBuckets: {
        [config.toolsRegion]: this.artifactBucket,
        ...Object.fromEntries(this.replicas.map((r) => [r.region, r.store.bucket])),
      },
      codeBuildDefaults: this.codeBuildDefaults(props.buildImage),
      // No lookup roles: they read every account's data (ReadOnlyAccess) and the synth step runs npm's
      // dependencies; stages that look things up commit cdk.context.json, as CDK advises.
      synthCodeBuildDefaults: { rolePolicy: imageResolutionAccess(config) },
    });

    this.sandbox = props.stageFactory(this, 'Sandbox', { env: { account: config.sandboxAccount, region: config.sandboxRegion } });
    if (props.smokeTest ?? true) {
      this.smokeRunnerRole = this.newRunnerRole('SmokeRunnerRole', props.smokeRunnerRoleName ?? this.runnerRoleName('smoke'),
        'Runs the smoke checks of the Sandbox stage; can only assume the sandbox account\'s smoke role');
      this.smokeAccess = new SmokeAccessStack(this.sandbox, 'SmokeAccess', {
        env: { account: config.sandboxAccount, region: config.sandboxRegion },
        runnerRoleArn: this.smokeRunnerRole.roleArn,
        runnerAccount: config.toolsAccount,
      });
    }
    const smoke = this.smokeAccess && this.smokeRunnerRole ? [this.smokeStep(source, this.smokeAccess, this.smokeRunnerRole)] : [];
    this.pipeline.addStage(this.sandbox, { post: smoke });
    this.verifyRunnerRole = this.newRunnerRole('VerifyRunnerRole', props.verifyRunnerRoleName ?? this.runnerRoleName('verify'),
      'Verifies each Production region after it deploys; can only assume the production account\'s pipeline access roles');
    const production = this.addProductionStages(props, source);
    this.production = production.map((p) => p.stage);
    this.productionAccess = production.flatMap((p) => p.access ? [p.access] : []);
    // Built here, not lazily at synth, so that the generated roles and projects exist to be reviewed.
    this.pipeline.buildPipeline();
    pinDeployTimeTools(this, this.pipeline);
    rollBackOnFailure(this.pipeline.pipeline, production.map((p) => p.stageName));
    startOnChangesOutside(this.pipeline.pipeline, config.branch, props.ignoredPaths ?? ['*.md', '**/*.md', 'docs/**']);
    this.notifications.watch(this.pipeline.pipeline);
    this.grantConnectionUse(config.connectionArn);
    narrowGeneratedGrants([this.pipeline, this.verifyRunnerRole, ...(this.smokeRunnerRole ? [this.smokeRunnerRole] : [])], config.toolsAccount,
      this.replicas.map((r) => ({ region: r.region, alias: r.store.alias! })));
    // The pipeline names the other regions' buckets and aliases as strings: deploy them first.
    for (const replica of this.replicas) Stack.of(this).addDependency(replica, 'the pipeline copies artifacts to its bucket');
    this.acknowledgeFindings();
  }

  /**
   * One Production stage per region, in the order of `config.productionRegions`,
   * after a stage of their own with a review of every region's changes and a
   * manual approval linking to it; after each region, its verification. A
   * failed verification fails the stage, which rolls back, and the regions
   * after it are not deployed.
   */
  private addProductionStages(props: DeliveryPipelineProps, source: pipelines.IFileSetProducer): ProductionRegion[] {
    const { config } = props;
    const regions = config.productionRegions;
    const smoke = props.smokeTest ?? true;
    const production = regions.map((region): ProductionRegion => {
      // One scope per region: each stage keeps the name Production (stacks `Production-Network`
      // in every region, as the smoke CLI expects) while its pipeline stage is named after the region.
      const env = { account: config.productionAccount, region };
      const stage = props.stageFactory(new Construct(this, region), 'Production', { env });
      const stageName = regions.length > 1 ? `Production-${region}` : 'Production';
      const protect = stage.node.findAll().some((c) => Stack.isStack(c) && c.terminationProtection);
      if (!smoke && !protect) return { region, stage, stageName };
      const access = new SmokeAccessStack(stage, 'PipelineAccess', {
        env,
        description: 'Pipeline access: the role the delivery pipeline\'s Production verification assumes (read-only checks, termination protection)',
        runnerRoleArn: this.verifyRunnerRole.roleArn,
        runnerAccount: config.toolsAccount,
        readOnly: true,
        protectStacks: protect,
        terminationProtection: protect,
      });
      return { region, stage, stageName, access };
    });
    const review = new ChangeReview('ReviewChanges', {
      stages: production.map((p) => p.stage),
      lookupRoleAccess: lookupRoleAccess([config.productionAccount]),
      notificationTopic: this.notifications.topic,
      logGroup: this.buildLogs,
      question: `Sandbox deployed${smoke ? ' and smoke-tested' : ''}: deploy this commit to Production in ${regions.join(', then ')}?`,
    });
    // A stage of its own, which does not roll back: a rejected or expired approval fails it and deploys nothing.
    this.pipeline.addWave('ApproveProduction', { pre: [review] });
    for (const p of production) {
      // A wave of one: the pipeline stage takes the region's name, the Stage keeps `Production`.
      this.pipeline.addWave(p.stageName).stages.push(pipelines.StageDeployment.fromStage(p.stage, {
        stageName: p.stageName,
        post: p.access ? [this.verifyStep(source, p.access, smoke)] : [],
      }));
    }
    return production;
  }

  /**
   * After a Production region deploys: termination protection on each of its
   * stacks that asks for it (CodePipeline's CloudFormation actions cannot set
   * it), then the read-only smoke checks, as the region's pipeline access role.
   */
  private verifyStep(source: pipelines.IFileSetProducer, access: SmokeAccessStack, smoke: boolean): pipelines.CodeBuildStep {
    const stage = Stage.of(access)!;
    // A stage's stacks may sit in other regions (the Domain in us-east-1).
    const protectedStacks = stage.node.findAll().filter(Stack.isStack).filter((s) => s.terminationProtection)
      .sort((a, b) => a.stackName.localeCompare(b.stackName));
    return new pipelines.CodeBuildStep('Verify', {
      input: source,
      role: this.verifyRunnerRole,
      envFromCfnOutputs: { ACCESS_ROLE_ARN: access.roleArnOutput },
      installCommands: smoke ? ['npm ci'] : [],
      commands: [
        ...assumeRoleProfile('target', '$ACCESS_ROLE_ARN', access.region),
        // CodeBuild sets AWS_REGION to the pipeline's region, which outranks the profile's: name the stage's.
        ...protectedStacks.map((s) => `AWS_PROFILE=target aws cloudformation update-termination-protection --region ${s.region} --enable-termination-protection --stack-name ${s.stackName}`),
        ...(smoke ? [`AWS_PROFILE=target npm run smoke -- --stage ${stage.stageName} --region ${access.region} --read-only`] : []),
      ],
      rolePolicyStatements: [new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        // The role's name is generated from its stack's: only that stack's roles, in the production account.
        resources: [`arn:${Aws.PARTITION}:iam::${access.account}:role/${access.stackName}-*`],
      })],
    });
  }

  /**
   * The source action may use the connection under both service prefixes:
   * CDK grants `codestar-connections:UseConnection` only, and a
   * `codeconnections` ARN is authorized under its own prefix.
   */
  private grantConnectionUse(connectionArn: string): void {
    const sourceRoles = this.pipeline.pipeline.node.findAll()
      .filter((c): c is iam.Role => c instanceof iam.Role && c.node.id === 'CodePipelineActionRole' && c.node.scope?.node.scope?.node.id === 'Source');
    for (const role of sourceRoles) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['codeconnections:UseConnection', 'codestar-connections:UseConnection'], resources: [connectionArn] }));
    }
  }

  /** The findings of the roles and projects CDK Pipelines generated, one resource at a time. */
  private acknowledgeFindings(): void {
    acknowledgePipelineFindings(this.pipeline);
    const grants = this.smokeRunnerRole?.node.tryFindChild('DefaultPolicy');
    if (grants instanceof iam.Policy) {
      acknowledgeDefaultPolicy(grants, 'The smoke project\'s grants from CDK Pipelines: read of the pipeline\'s artifact bucket and key (s3:GetObject*, kms:GenerateDataKey*), '
        + 'its own log streams and report groups, and sts:AssumeRole on the sandbox stage\'s SmokeAccess roles only.');
    }
    const verifyGrants = this.verifyRunnerRole.node.tryFindChild('DefaultPolicy');
    if (verifyGrants instanceof iam.Policy) {
      acknowledgeDefaultPolicy(verifyGrants, 'The verification projects\' grants from CDK Pipelines: read of the pipeline\'s artifact bucket and key (s3:GetObject*, kms:GenerateDataKey*), '
        + 'their own log streams and report groups, and sts:AssumeRole on the Production stages\' PipelineAccess roles only.');
    }
  }

  /**
   * One artifact bucket stack per region other than the pipeline's, next to the
   * pipeline stack. Always destroyed with their stack: they hold only copies of
   * artifacts each run rebuilds, and their names are fixed at synth (the
   * pipeline names them across regions), so a retained leftover would block
   * the next deployment.
   */
  private newReplicas(config: PipelineConfig, artifactExpiration?: Duration): ArtifactReplicaStack[] {
    const stack = Stack.of(this);
    // The Domain stacks of a Production on a domain deploy to us-east-1 (CloudFront's certificate, health-check alarms).
    const domainRegions = config.domain ? ['us-east-1'] : [];
    const regions = [...new Set([config.sandboxRegion, ...config.productionRegions, ...domainRegions])].filter((r) => r !== config.toolsRegion);
    const parent = Stage.of(stack) ?? stack.node.root;
    return regions.map((region) => new ArtifactReplicaStack(parent, `${stack.node.id}-artifacts-${region}`, {
      env: { account: config.toolsAccount, region },
      removalPolicy: RemovalPolicy.DESTROY,
      artifactExpiration,
    }));
  }

  /** Small Linux builds on the handlers' Node.js, no Docker, logging to the encrypted log group. */
  private codeBuildDefaults(buildImage?: codebuild.IBuildImage): pipelines.CodeBuildOptions {
    return {
      buildEnvironment: {
        buildImage: buildImage ?? BUILD_IMAGE,
        computeType: codebuild.ComputeType.SMALL,
        privileged: false,
      },
      partialBuildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { install: { 'runtime-versions': { nodejs: BUILD_NODE_VERSION } } } }),
      logging: { cloudWatch: { logGroup: this.buildLogs } },
    };
  }

  /** A role in the tools account for a CodeBuild step that assumes a role of a stage's account, which trusts it by name. */
  private newRunnerRole(id: string, roleName: string, description: string): iam.Role {
    return new iam.Role(this, id, { roleName, description, assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
  }

  /** `<pipeline stack name>-<purpose>-<region>`, cut to IAM's 64 characters. */
  private runnerRoleName(purpose: string): string {
    const stack = Stack.of(this);
    return `${stack.stackName}-${purpose}-${stack.region}`.slice(0, 64);
  }

  /** `npm run smoke` against the Sandbox stage, as the sandbox account's smoke role. */
  private smokeStep(source: pipelines.IFileSetProducer, access: SmokeAccessStack, role: iam.Role): pipelines.CodeBuildStep {
    const region = access.region;
    return new pipelines.CodeBuildStep('SmokeTest', {
      input: source,
      role,
      envFromCfnOutputs: { SMOKE_ROLE_ARN: access.roleArnOutput },
      installCommands: ['npm ci'],
      commands: [
        ...assumeRoleProfile('smoke', '$SMOKE_ROLE_ARN', region),
        `AWS_PROFILE=smoke npm run smoke -- --stage ${Stage.of(access)?.stageName} --region ${region}`,
      ],
      rolePolicyStatements: [new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        // The role's name is generated from its stack's: only that stack's roles, in the sandbox account.
        resources: [`arn:${Aws.PARTITION}:iam::${access.account}:role/${access.stackName}-*`],
      })],
    });
  }
}

/** The pipeline's stack must be pinned to the tools account and region: cross-account actions need both. */
function checkPlacement(stack: Stack, config: PipelineConfig): void {
  const v = new Validator('delivery pipeline placement');
  v.check(stack.account === config.toolsAccount, 'stack account', stack.account, `expected the tools account ${config.toolsAccount}: pin the stack with env`);
  v.check(stack.region === config.toolsRegion, 'stack region', stack.region, `expected the tools region ${config.toolsRegion}: pin the stack with env`);
  v.throwIfInvalid();
}

/**
 * Lets a step read what is deployed in `accounts` through their bootstrap
 * lookup roles (read-only; trusted with `cdk bootstrap --trust`): the change review's `cdk diff`.
 */
function lookupRoleAccess(accounts: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: accounts.map((account) => `arn:${Aws.PARTITION}:iam::${account}:role/*`),
    conditions: { StringEquals: { 'iam:ResourceTag/aws-cdk:bootstrap-role': 'lookup' } },
  });
}

/** The public parameter of the web tier's default image (arm64 Amazon Linux 2023), which the synth step resolves. */
export const WEB_TIER_IMAGE_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64';

/**
 * Shell commands that resolve the web tier's image once for the run: the
 * latest Amazon Linux release in the Sandbox's region, then the image of
 * that same release (by name, owned by Amazon) in every other region; fails
 * when a region lacks it. Leaves `region:ami-...` pairs in WEB_TIER_IMAGES.
 */
export function imageResolutionCommands(config: PipelineConfig): string[] {
  const regions = [...new Set([config.sandboxRegion, ...config.productionRegions])];
  const sandbox = config.sandboxRegion;
  return [
    `IMAGE_NAME="$(aws ec2 describe-images --region ${sandbox} --image-ids "$(aws ssm get-parameter --region ${sandbox} --name ${WEB_TIER_IMAGE_PARAMETER} --query Parameter.Value --output text)" --query 'Images[0].Name' --output text)"`,
    'case "$IMAGE_NAME" in al2023-ami-*) ;; *) echo "no Amazon Linux image behind the parameter: $IMAGE_NAME" >&2; exit 1;; esac',
    `WEB_TIER_IMAGES=""; for REGION in ${regions.join(' ')}; do `
      + 'IMAGE="$(aws ec2 describe-images --region "$REGION" --owners amazon --filters "Name=name,Values=$IMAGE_NAME" --query \'Images[0].ImageId\' --output text)"; '
      + 'case "$IMAGE" in ami-*) ;; *) echo "$IMAGE_NAME is not in $REGION yet; run the pipeline again later" >&2; exit 1;; esac; '
      + 'WEB_TIER_IMAGES="$WEB_TIER_IMAGES${WEB_TIER_IMAGES:+,}$REGION:$IMAGE"; done',
  ];
}

/** `npm ci`, `npm test`, the web tier's image, then `cdk synth` with the flags that rebuild this pipeline and that image. */
export function synthCommands(config: PipelineConfig): string[] {
  return ['npm ci', 'npm test', ...imageResolutionCommands(config),
    `npx cdk synth ${pipelineContextArgs(config).join(' ')} -c webTierImages="$WEB_TIER_IMAGES"`];
}

/** What the synth step's image resolution reads: the public image parameter in each region, and image descriptions. */
function imageResolutionAccess(config: PipelineConfig): iam.PolicyStatement[] {
  const regions = [...new Set([config.sandboxRegion, ...config.productionRegions])];
  return [
    new iam.PolicyStatement({
      actions: ['ssm:GetParameter'],
      resources: regions.map((region) => `arn:${Aws.PARTITION}:ssm:${region}::parameter${WEB_TIER_IMAGE_PARAMETER}`),
    }),
    // DescribeImages takes no resource.
    new iam.PolicyStatement({ actions: ['ec2:DescribeImages'], resources: ['*'] }),
  ];
}

/** A Production region of the pipeline. */
interface ProductionRegion {
  readonly region: string;
  readonly stage: Stage;
  /** The role its verification step assumes; none when there is nothing to verify or protect. */
  readonly access?: SmokeAccessStack;
  readonly stageName: string;
}

/** AWS CLI profile commands: the SDK and CLI assume `roleArn` from CodeBuild's own credentials (the container's). */
function assumeRoleProfile(profile: string, roleArn: string, region: string): string[] {
  return [
    `aws configure set profile.${profile}.role_arn "${roleArn}"`,
    `aws configure set profile.${profile}.credential_source EcsContainer`,
    `aws configure set profile.${profile}.region ${region}`,
  ];
}

/**
 * A failed stage of `stageNames` rolls back to the last successful run's
 * artifacts (CodePipeline V2 failure condition), so a region whose
 * verification fails returns to the release that passed it.
 */
function rollBackOnFailure(pipeline: codepipeline.Pipeline, stageNames: string[]): void {
  const cfn = pipeline.node.defaultChild as codepipeline.CfnPipeline;
  pipeline.stages.forEach((stage, i) => {
    if (stageNames.includes(stage.stageName)) cfn.addPropertyOverride(`Stages.${i}.OnFailure`, { Result: 'ROLLBACK' });
  });
}

/** Starts the pipeline on a push to `branch` that changes a path outside `ignoredPaths` (V2 trigger). */
function startOnChangesOutside(pipeline: codepipeline.Pipeline, branch: string, ignoredPaths: string[]): void {
  const [sourceAction] = pipeline.stages[0].actions;
  pipeline.addTrigger({
    providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
    gitConfiguration: {
      sourceAction,
      pushFilter: [{ branchesIncludes: [branch], ...(ignoredPaths.length > 0 ? { filePathsExcludes: ignoredPaths } : {}) }],
    },
  });
}
