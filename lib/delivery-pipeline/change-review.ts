import { Stack, Stage } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as cp from 'aws-cdk-lib/aws-codepipeline';
import * as cpa from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { BUILD_IMAGE, BUILD_NODE_VERSION, CDK_CLI_VERSION } from './deploy-time-tools';

/** Props of {@link ChangeReview}. */
export interface ChangeReviewProps {
  /** The stages whose stacks are compared with what is deployed. */
  readonly stages: Stage[];
  /** Lets the review read the deployed templates: assuming the target accounts' bootstrap lookup roles. */
  readonly lookupRoleAccess: iam.PolicyStatement;
  /** Where the approval request is sent, with the review link. */
  readonly notificationTopic: sns.ITopic;
  /** Log group of the review's build. */
  readonly logGroup: logs.ILogGroup;
  /** What the approver is asked, before the review's findings. */
  readonly question: string;
}

/** Namespace of the review's variables (LINK, MESSAGE) in the pipeline. */
const NAMESPACE = 'ChangeReview';

/**
 * A review, then a manual approval that links to it. The review runs the
 * pinned CDK CLI's `cdk diff` of every stack of `stages` against what is
 * deployed (through the target accounts' read-only lookup roles), printing
 * the changes to its build log, and `cdk diff --security-only` to say whether
 * IAM or security-group permissions broaden. The approval request, e-mailed to
 * `notificationTopic`, carries that verdict and a link to the log.
 *
 * Why not CloudFormation change sets: the stacks of a stage depend on each
 * other's outputs, so a stack's change set can only be created after the
 * stacks it imports from are deployed, never all before one approval. Why not
 * CDK Pipelines' ConfirmPermissionsBroadening: it installs the CDK CLI unpinned
 * and may assume every deploy role; this step always stops for a person anyway.
 */
export class ChangeReview extends pipelines.Step implements pipelines.ICodePipelineActionFactory {
  constructor(id: string, private readonly props: ChangeReviewProps) {
    super(id);
  }

  /** The stack paths `cdk diff` selects, as `cdk ls` lists them. */
  get stackPaths(): string[] {
    return this.props.stages.flatMap((stage) => stage.node.findAll().filter(Stack.isStack).map((s) => s.node.path));
  }

  produceAction(stage: cp.IStage, options: pipelines.ProduceActionOptions): pipelines.CodePipelineActionFactoryResult {
    const project = new codebuild.PipelineProject(options.scope, `${this.id}Project`, {
      description: 'Compares the Production stacks with what is deployed, for the approver',
      // The pipeline's build image (CDK Pipelines passes its defaults to a step of ours too).
      environment: { buildImage: options.codeBuildDefaults?.buildEnvironment?.buildImage ?? BUILD_IMAGE, computeType: codebuild.ComputeType.SMALL, privileged: false },
      buildSpec: codebuild.BuildSpec.fromObject(reviewBuildSpec(this.stackPaths)),
      logging: { cloudWatch: { logGroup: this.props.logGroup } },
      encryptionKey: options.pipeline.pipeline.artifactBucket.encryptionKey,
    });
    project.addToRolePolicy(this.props.lookupRoleAccess);
    stage.addAction(new cpa.CodeBuildAction({
      actionName: this.id,
      runOrder: options.runOrder,
      input: options.artifacts.toCodePipeline(options.pipeline.cloudAssemblyFileSet),
      project,
      variablesNamespace: NAMESPACE,
    }));
    stage.addAction(new cpa.ManualApprovalAction({
      actionName: 'PromoteToProduction',
      runOrder: options.runOrder + 1,
      externalEntityLink: `#{${NAMESPACE}.LINK}`,
      additionalInformation: `${this.props.question} #{${NAMESPACE}.MESSAGE} The changes are in the linked build log. `
        + 'Unanswered, the request expires after 7 days and the rollout stops; the next commit starts a new one.',
      notificationTopic: this.props.notificationTopic,
    }));
    return { runOrdersConsumed: 2, project };
  }
}

/** The review's buildspec: pinned CLI, the full diff, then the security verdict, exported with a link to the build. */
export function reviewBuildSpec(stackPaths: string[]): Record<string, unknown> {
  const stacks = stackPaths.map((p) => `'${p}'`).join(' ');
  return {
    version: '0.2',
    env: { 'exported-variables': ['LINK', 'MESSAGE'] },
    phases: {
      install: { 'runtime-versions': { nodejs: BUILD_NODE_VERSION }, 'commands': [`npm install -g aws-cdk@${CDK_CLI_VERSION}`] },
      build: {
        commands: [
          // arn:aws:codebuild:<region>:<account>:build/<project>:<build id>
          'REGION="$(echo "$CODEBUILD_BUILD_ARN" | cut -d: -f4)"; ACCOUNT="$(echo "$CODEBUILD_BUILD_ARN" | cut -d: -f5)"; BUILD="$(echo "$CODEBUILD_BUILD_ARN" | cut -d/ -f2)"',
          'export LINK="https://$REGION.console.aws.amazon.com/codesuite/codebuild/$ACCOUNT/projects/${BUILD%%:*}/build/$BUILD/log?region=$REGION"',
          `cdk diff --app . --no-change-set ${stacks}`,
          `if cdk diff --app . --no-change-set --security-only --fail ${stacks}; then export MESSAGE="No IAM or security group permission broadens."; `
            + 'else export MESSAGE="IAM or security group permissions BROADEN: review them first (the security changes are at the end of the log)."; fi',
        ],
      },
    },
  };
}
