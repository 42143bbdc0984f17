import * as path from 'path';
import { AssetStaging, IResolvable, Lazy, Stack, Stage } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { Construct, IConstruct } from 'constructs';

/**
 * What the pipeline's CodeBuild projects install and run at deploy time, each
 * pinned here and exercised offline by test/delivery-pipeline/deploy-time-tools.suite.ts
 * against the synthesized pipeline:
 * - the CDK CLI of the self-mutation and change-review steps: this
 *   repository's `aws-cdk` devDependency;
 * - the asset publisher: `asset-publisher/`, pinned by its npm-shrinkwrap.json;
 * - Node.js: the major version the Lambda handlers run on.
 */
export const CDK_CLI_VERSION = '2.1149.0';
/** Node.js of every build: the Lambda handlers' runtime (`NODE_RUNTIME` in lib/shared/hardened-function.ts). */
export const BUILD_NODE_VERSION = '24';
/**
 * The build image: Ubuntu 24.04 (standard:8.0), which offers Node.js 24
 * through `runtime-versions`; no Docker (nothing is privileged).
 */
export const BUILD_IMAGE = codebuild.LinuxBuildImage.STANDARD_8_0;
/** The asset publisher's source, staged into the cloud assembly the asset steps read. */
export const ASSET_PUBLISHER_SOURCE = path.join(__dirname, 'asset-publisher');

/** `npm install -g <name>` with no version or `@latest`: what CDK Pipelines writes for a tool it does not pin. */
const UNPINNED_INSTALL = /^npm (install|i) -g ((?:@[a-z0-9._-]+\/)?[a-z0-9._-]+)(@latest)?$/;
const CDK_ASSETS_INSTALL = /^npm (install|i) -g cdk-assets(@\S+)?$/;

/**
 * Stages the asset publisher into the cloud assembly (the asset steps' input)
 * and rewrites the install commands of every CodeBuild project under
 * `pipeline` (call after `buildPipeline()`):
 * - `npm install -g cdk-assets@...` installs the staged publisher instead, which
 *   answers the same `cdk-assets` commands;
 * - `npm install -g aws-cdk` without a version (as CDK Pipelines' permissions
 *   check writes it) gets the pinned CLI;
 * any other unpinned global install fails synth, so a CDK upgrade that adds
 * one is noticed here rather than in the customer's pipeline. Every project
 * builds with Node.js {@link BUILD_NODE_VERSION}.
 */
export function pinDeployTimeTools(scope: Construct, pipeline: IConstruct): void {
  const publisher = new AssetStaging(scope, 'AssetPublisher', { sourcePath: ASSET_PUBLISHER_SOURCE });
  // The asset steps run at the root of the cloud assembly, whatever stage holds the pipeline:
  // `./asset.<hash>` there; the source itself where staging is off (tests).
  const root = (scope.node.root as Stage).outdir;
  const staged = publisher.absoluteStagedPath;
  const publisherDir = staged.startsWith(root + path.sep) ? `./${path.relative(root, staged)}` : staged;
  const rewrite = (command: string): string[] => {
    if (CDK_ASSETS_INSTALL.test(command)) return [`npm install -g --install-links --no-audit --no-fund "${publisherDir}"`];
    const unpinned = UNPINNED_INSTALL.exec(command);
    if (unpinned?.[2] === 'aws-cdk') return [`npm install -g aws-cdk@${CDK_CLI_VERSION}`];
    if (unpinned) throw new Error(`A CodeBuild project of the pipeline installs ${unpinned[2]} without a version (${command}): pin it in deploy-time-tools.ts`);
    return [command];
  };
  for (const project of projectsUnder(pipeline)) rewriteBuildSpec(project, rewrite);
}

function projectsUnder(scope: IConstruct): codebuild.CfnProject[] {
  return scope.node.findAll().filter((c): c is codebuild.CfnProject => c instanceof codebuild.CfnProject);
}

type BuildSpec = { phases?: Record<string, { commands?: string[]; 'runtime-versions'?: Record<string, string> }> };

/** Rewrites each command of the project's inline buildspec, at synth (the buildspec is rendered lazily). */
function rewriteBuildSpec(project: codebuild.CfnProject, rewrite: (command: string) => string[]): void {
  const source = project.source as codebuild.CfnProject.SourceProperty | IResolvable;
  const original = 'buildSpec' in source ? source.buildSpec : undefined;
  if (original === undefined) return;
  project.addPropertyOverride('Source.BuildSpec', Lazy.string({
    produce: () => {
      const rendered = Stack.of(project).resolve(original);
      if (typeof rendered !== 'string') throw new Error(`The buildspec of ${project.node.path} is not a plain string: cannot check its tools`);
      const spec = JSON.parse(rendered) as BuildSpec;
      const install = (spec.phases ??= {}).install ??= {};
      install['runtime-versions'] = { ...install['runtime-versions'], nodejs: BUILD_NODE_VERSION };
      for (const phase of Object.values(spec.phases)) {
        if (phase.commands) phase.commands = phase.commands.flatMap(rewrite);
      }
      return JSON.stringify(spec, undefined, 2);
    },
  }));
}
