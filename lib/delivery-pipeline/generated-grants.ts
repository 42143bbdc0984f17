import { Aws, IResolvable, IResolveContext, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

/** The artifact key of one other region, known there by its alias only. */
export interface RegionalArtifactKey {
  /** The key's region. */
  readonly region: string;
  /** The key's alias, whose name is fixed at synth. */
  readonly alias: kms.IAlias;
}

type Statement = { Action: string | string[]; Resource?: unknown; Condition?: unknown; [key: string]: unknown };

const BUILD_CONTROL = ['codebuild:BatchGetBuilds', 'codebuild:StartBuild', 'codebuild:StopBuild'];

/**
 * Narrows the grants CDK Pipelines generates in the default policies under
 * `scopes` (call after `buildPipeline()`,
 * before acknowledging findings):
 * - the asset roles' `codebuild:StartBuild`/`StopBuild`/`BatchGetBuilds` on
 *   `*` go: the pipeline's CodeBuild action roles start the asset builds, and
 *   StartBuild on `*` could override the buildspec of the self-mutation
 *   project, whose role reaches the tools account's bootstrap deploy role;
 * - KMS on `*` (a key in another region, which CDK cannot name) becomes the
 *   tools account's keys of those regions that carry the artifact key's alias.
 */
export function narrowGeneratedGrants(scopes: IConstruct[], toolsAccount: string, otherKeys: RegionalArtifactKey[]): void {
  for (const node of scopes.flatMap((scope) => scope.node.findAll())) {
    if (!(node instanceof iam.Policy) || node.node.id !== 'DefaultPolicy') continue;
    const cfn = node.node.defaultChild as iam.CfnPolicy;
    const original = cfn.policyDocument;
    const narrowedDocument: IResolvable = {
      creationStack: [],
      resolve: (context: IResolveContext) => {
        const document = context.resolve(original) as { Statement: Statement[] };
        return { ...document, Statement: document.Statement.flatMap((s) => narrowed(s, toolsAccount, otherKeys)) };
      },
      toString: () => Token.asString(narrowedDocument),
    };
    cfn.policyDocument = narrowedDocument;
  }
}

const actionsOf = (s: Statement) => [s.Action].flat();
const isAnyResource = (resource: unknown) => resource === '*';

function narrowed(statement: Statement, toolsAccount: string, otherKeys: RegionalArtifactKey[]): Statement[] {
  const actions = actionsOf(statement);
  const resources = [statement.Resource].flat();
  if (!resources.some(isAnyResource)) return [statement];
  if (actions.every((a) => BUILD_CONTROL.includes(a))) return [];
  if (!actions.every((a) => a.startsWith('kms:'))) return [statement];
  const named = resources.filter((r) => !isAnyResource(r));
  const own = named.length > 0 ? [{ ...statement, Resource: named.length === 1 ? named[0] : named }] : [];
  const others = otherKeys.map((key) => ({
    ...statement,
    Resource: `arn:${Aws.PARTITION}:kms:${key.region}:${toolsAccount}:key/*`,
    Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': key.alias.aliasName } },
  }));
  return [...own, ...others];
}
