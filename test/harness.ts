import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { CDK_CONTEXT, templateApp, type StageTemplates } from '../lib/docs/generate';
import { acknowledgementsIn, CfnTemplate } from '../lib/docs/template';
import { Finding, formatFindings, packFindings, recordAcknowledgements } from '../lib/shared/compliance';
import { ConfigError } from '../lib/shared/validation';
import { variantDir } from './synth/stage-cache';
import { SynthesizedStack, SynthesizedStage } from './synth/synthesized';
import { VariantName } from './synth/variants';


/** The feature flags of cdk.json, so tests synthesize what the app synthesizes. */
export { CDK_CONTEXT };

/** A temporary directory for a cloud assembly, inside the run's own, which test/setup/global-teardown.js removes. */
export function tempOutdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-test-'));
}

/**
 * An App with the project's feature flags, in a temporary directory. The
 * built-in schema validation, Lambda bundling and asset staging are left to
 * `cdk synth` (see templateApp): templates do not depend on them.
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return templateApp(tempOutdir(), context);
}

/** A stack in a stage of its own, for testing one construct; acknowledgements are recorded as in the app. */
export function testStack(id = 'Test'): Stack {
  const stage = new Stage(testApp(), 'Unit');
  recordAcknowledgements(stage);
  return new Stack(stage, id);
}

const stageCache = new Map<VariantName, SynthesizedStage>();
const templateCache = new Map<string, Template>();

/**
 * A stage variant of test/synth/variants.ts as synthesized once for the whole
 * run: its stacks' names, environments, findings and annotations.
 */
export function synthesizedStage(variant: VariantName): SynthesizedStage {
  let stage = stageCache.get(variant);
  if (!stage) {
    stage = JSON.parse(fs.readFileSync(path.join(variantDir(variant), 'stage.json'), 'utf8')) as SynthesizedStage;
    stageCache.set(variant, stage);
  }
  return stage;
}

/** One stack (by architecture name, e.g. `Network`) of a synthesized variant. */
export function synthesizedStack(variant: VariantName, stackId: string): SynthesizedStack {
  const stack = synthesizedStage(variant).stacks.find((s) => s.id === stackId);
  if (!stack) throw new Error(`no stack ${stackId} in variant ${variant}`);
  return stack;
}

/** The template of one stack of a synthesized variant, shared by every test that reads it. */
export function stackTemplate(variant: VariantName, stackId: string): Template {
  const key = `${variant}/${stackId}`;
  let template = templateCache.get(key);
  if (!template) {
    const file = path.join(variantDir(variant), synthesizedStack(variant, stackId).templateFile);
    template = Template.fromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
    templateCache.set(key, template);
  }
  return template;
}

/** A variant's stacks in the shape the doc generator reads (lib/docs/generate.ts). */
export function stageTemplates(variant: VariantName): StageTemplates {
  return new Map(synthesizedStage(variant).stacks.map((s) => [s.id, {
    stackName: s.stackName, description: s.description, template: stackTemplate(variant, s.id).toJSON() as CfnTemplate,
  }]));
}

/**
 * Every unacknowledged finding of the five packs under `scope`. Synthesizes
 * first (a no-op when already done), so aspects have run as in the app.
 */
export function nagFindings(scope: IConstruct): Finding[] {
  (Stage.of(scope) as Stage).synth();
  return packFindings(scope);
}

/** Fails with a readable list of rule and construct path when any pack finds anything. */
export function expectNoFindings(scope: IConstruct): void {
  expect(formatFindings(nagFindings(scope))).toBe('');
}

/**
 * Acknowledged cdk-nag rules written into a template's metadata, as `ruleId`
 * to reason (CDK's own acknowledgements of its schema checks left out).
 */
export function acknowledgedRules(template: Template): Map<string, string> {
  return new Map(acknowledgementsIn(template.toJSON()).map((a) => [a.ruleId, a.reason]));
}

const ASSET_HASH = /[0-9a-f]{64}/g;

/**
 * A template for snapshots: asset hashes (which change with the machine,
 * Node version and bundler) replaced by a placeholder.
 */
export function normalised(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(ASSET_HASH, '<asset-hash>'));
}

/** The resources of one type in a template, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties: Record<string, any>; [k: string]: any }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, any> }>;
}

/** The problems a validation function reports for `props` (none when it accepts them). */
export function problemsOf<P>(validate: (props: P) => unknown, props: P): string[] {
  try {
    validate(props);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}
