import { CfnResource } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { IConstruct } from 'constructs';
import { acknowledge } from '../shared/compliance';

const GENERATED = 'CDK Pipelines generates this role\'s grants:';

/**
 * Acknowledges, resource by resource, what the packs find in the roles and
 * projects CDK Pipelines generates (call after `buildPipeline()`): their
 * grants live in each role's own default policy, and their wildcards are the
 * object and key actions on the pipeline's artifact buckets and the bootstrap
 * roles of the target accounts.
 */
export function acknowledgePipelineFindings(pipeline: pipelines.CodePipeline): void {
  for (const node of pipeline.node.findAll()) {
    if (node instanceof codebuild.CfnProject) {
      for (const pack of ['HIPAA.Security', 'PCI.DSS.321']) {
        acknowledge(node, `${pack}-CodeBuildProjectSourceRepoUrl`, 'The project\'s source is the pipeline\'s artifact (CODEPIPELINE), not a repository URL: the repository is reached through the CodeConnections connection, and no credential is stored in the project.');
      }
    }
    if (node instanceof iam.Policy && node.node.id === 'DefaultPolicy') {
      acknowledgeDefaultPolicy(node, `${GENERATED} S3 object and KMS data-key actions (s3:GetObject*, kms:GenerateDataKey*) on the pipeline's own artifact buckets and keys, `
        + 'the CDK bootstrap roles and asset buckets of the target accounts (named by the bootstrap qualifier), and the report groups and log streams of the pipeline\'s own projects.');
    }
  }
}

/**
 * The default policy of a role CDK Pipelines grants to: inline because a
 * managed policy attached to the role would make a dependency cycle with the
 * CodeBuild project it names; `wildcards` says what its wildcards are.
 */
export function acknowledgeDefaultPolicy(policy: iam.Policy, wildcards: string): void {
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
    acknowledge(policy, `${pack}-IAMNoInlinePolicy`, `${GENERATED} the policy belongs to this one role and is created and deleted with it `
      + '(a managed policy attached to the role would make a dependency cycle with the CodeBuild project it names).');
  }
  acknowledgeWildcards(policy, wildcards);
}

/**
 * Acknowledges each `AwsSolutions-IAM5` finding of one policy (a wildcard
 * action or resource), as its own rule id, with `reason`. The findings are
 * read with cdk-nag's own rule; without cdk-nag installed there is nothing to acknowledge.
 */
export function acknowledgeWildcards(policy: IConstruct, reason: string): void {
  const resource = policy.node.defaultChild ?? policy;
  if (!CfnResource.isCfnResource(resource)) return;
  let rule: (node: CfnResource) => unknown;
  try {
    rule = require('cdk-nag/lib/rules/iam/IAMNoWildcardPermissions').default;
  } catch {
    return;
  }
  const findings = rule(resource);
  if (!Array.isArray(findings)) return;
  for (const finding of findings) acknowledge(resource, `AwsSolutions-IAM5[${finding}]`, reason);
}
