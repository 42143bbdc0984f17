import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import type { NagPack } from 'cdk-nag';
import { Finding, findingsIn, formatFindings, nagPacks, packFindings } from './compliance';

// The packs run on a construct tree see L1 classes only; CDK's own provider
// functions are raw CfnResources and slip past them, though every template
// scanner reports them. Reading each synthesized template back with CfnInclude
// gives every resource its L1 class, so the packs see the template as a
// scanner does. The app runs them this way alone, once over every template,
// and names each finding's construct from the assembly's logical-id metadata.

/** Intrinsics CfnInclude reads; it rejects any other `Fn::` (such as Fn::GetStackOutput). */
const READABLE_INTRINSICS = new Set([
  'Fn::GetAtt', 'Fn::Join', 'Fn::Cidr', 'Fn::FindInMap', 'Fn::Select', 'Fn::GetAZs', 'Fn::ImportValue',
  'Fn::Split', 'Fn::Transform', 'Fn::Base64', 'Fn::If', 'Fn::Equals', 'Fn::And', 'Fn::Not', 'Fn::Or', 'Fn::Sub',
]);

/** Context of the App the templates are read into: no stack trace per construct or metadata entry. */
const READ_ONLY_CONTEXT = { 'aws:cdk:disable-stack-trace': true, 'aws:cdk:disable-creation-stack-traces': true };

/** One template to check, named by its stack. */
export type Templates = Record<string, object>;

/**
 * The findings of the five packs in synthesized templates that the templates'
 * own metadata (`cdk_nag.rules_to_suppress`) does not acknowledge, each at
 * `<template name>/<logical id>`. All templates are read into one App, once.
 */
export function templateFindings(templates: Templates, packs: NagPack[] = nagPacks()): Finding[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-findings-'));
  try {
    // Never synthesized: the stack traces CDK records per construct would only cost time.
    const app = new App({ outdir: path.join(dir, 'assembly'), autoSynth: false, context: READ_ONLY_CONTEXT });
    for (const [name, template] of Object.entries(templates)) {
      refuseNestedStacks(name, template);
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(standInUnreadable(withoutResourceMetadata(template))));
      new CfnInclude(new Stack(app, name), 'Template', { templateFile: file });
    }
    return packFindings(app, packs).map((f) => ({ ...f, path: templatePath(f.path) }))
      .filter((f) => !acknowledgedIn(templates, f.path).has(f.rule));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * CfnInclude reads a nested stack's template only when given its file, so its
 * resources would pass unread: refused until the check reads them.
 */
function refuseNestedStacks(name: string, template: object): void {
  const resources = Object.entries((template as { Resources?: Record<string, { Type?: string }> }).Resources ?? {});
  const nested = resources.filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack').map(([id]) => id);
  if (nested.length > 0) {
    throw new Error(`The template-level compliance check does not read nested stacks: ${name} has ${nested.join(', ')} (AWS::CloudFormation::Stack); build it as a stack of its own`);
  }
}

/** `<template name>/<logical id>`, from the included resource's construct path `<name>/Template/<logical id>`. */
function templatePath(constructPath = '?'): string {
  const [name, , logicalId] = constructPath.split('/');
  return `${name}/${logicalId}`;
}

/**
 * A template without its resources' Metadata, which no rule reads (the
 * acknowledgements in it are read from the template as given): a third of
 * what CfnInclude would parse.
 */
function withoutResourceMetadata(template: object): object {
  const resources = (template as { Resources?: Record<string, object> }).Resources;
  if (!resources) return template;
  return { ...template, Resources: Object.fromEntries(Object.entries(resources).map(([id, { Metadata: _, ...resource }]: [string, any]) => [id, resource])) };
}

/** Every stack of a synthesized assembly and the stages inside it, by template name (templatesOf). */
function stacksOf(assembly: CloudAssembly): Map<string, CloudFormationStackArtifact> {
  const stacks = new Map<string, CloudFormationStackArtifact>();
  const collect = (a: CloudAssembly): void => {
    // Stack names are unique per environment only: the artifact id tells apart the same name in two regions.
    for (const stack of a.stacks) stacks.set(stacks.has(stack.stackName) ? `${stack.stackName}-${stack.id}` : stack.stackName, stack);
    a.nestedAssemblies.forEach((nested) => collect(nested.nestedAssembly));
  };
  collect(assembly);
  return stacks;
}

/** Every stack template of a synthesized assembly and the stages inside it, by stack name. */
export function templatesOf(assembly: CloudAssembly): Templates {
  return templatesFrom(stacksOf(assembly));
}

function templatesFrom(stacks: Map<string, CloudFormationStackArtifact>): Templates {
  return Object.fromEntries([...stacks].map(([name, stack]) => [name, stack.template]));
}

/** The construct path of each resource of an assembly, by `<template name>/<logical id>`, from the manifest's logical-id metadata. */
function constructPathsOf(stacks: Map<string, CloudFormationStackArtifact>): Map<string, string> {
  const paths = new Map<string, string>();
  for (const [name, stack] of stacks) {
    for (const entry of stack.findMetadataByType('aws:cdk:logicalId')) paths.set(`${name}/${String(entry.data)}`, entry.path.replace(/^\//, ''));
  }
  return paths;
}

/** The rule ids acknowledged in the metadata of the resource at `<template name>/<logical id>`. */
function acknowledgedIn(templates: Templates, templatePath: string): Set<string> {
  const [name, logicalId] = templatePath.split('/');
  const resource = (templates[name] as { Resources?: Record<string, { Metadata?: any }> }).Resources?.[logicalId];
  const rules = (resource?.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string }[];
  return new Set(rules.map((r) => r.id));
}

/**
 * A copy of `value` with every intrinsic CfnInclude cannot read replaced by an
 * `Fn::ImportValue` of a placeholder: a value still unknown until deploy, as
 * the packs must see it (a rule that needs a literal fails on it, where a
 * placeholder string would pass for an allowed literal).
 */
export function standInUnreadable(value: unknown): any {
  if (Array.isArray(value)) return value.map(standInUnreadable);
  if (!value || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0].startsWith('Fn::') && !READABLE_INTRINSICS.has(keys[0])) return { 'Fn::ImportValue': `<${keys[0]}>` };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, standInUnreadable(v)]));
}

/** What the app's template-level check ran, written next to the assembly's validation report. */
export interface ComplianceRecord {
  /** The packs run over the templates. */
  readonly packs: string[];
  /** The templates they read, by name (stack name; `<stack name>-<artifact id>` for a name used in two regions). */
  readonly templates: string[];
  /** Their unacknowledged findings, at construct paths, each with its `<template name>/<logical id>`. */
  readonly findings: Finding[];
}

/** The file in the assembly directory that records the app's template-level check. */
export const COMPLIANCE_RECORD_FILE = 'compliance-report.json';

/**
 * Every unacknowledged finding of a synthesized assembly, for a person to act
 * on; undefined when there is none. The five packs run once, over every
 * template as a scanner reads it (templateFindings), each finding named by
 * its construct path and its place in the template; the findings already in
 * the assembly's validation report (annotations, CloudFormation's built-in
 * validation, plugins an app registered) are listed too. What the packs read
 * is recorded in the assembly directory (COMPLIANCE_RECORD_FILE).
 * Warnings whose ids are in `notices` are not findings.
 */
export function complianceReport(assembly: CloudAssembly, notices: readonly string[] = []): string | undefined {
  // A notice is a warning that states a deliberate choice: said, not a finding.
  const reported = findingsIn(assembly.directory).filter((f) => !notices.some((id) => f.rule === `Annotation::${id}`));
  const stacks = stacksOf(assembly);
  const paths = constructPathsOf(stacks);
  const packs = nagPacks();
  const inTemplates = templateFindings(templatesFrom(stacks), packs).map((f) => ({ ...f, path: paths.get(f.path) ?? f.path, resource: f.path }));
  const record: ComplianceRecord = { packs: packs.map((p) => p.name), templates: [...stacks.keys()], findings: inTemplates };
  fs.writeFileSync(path.join(assembly.directory, COMPLIANCE_RECORD_FILE), JSON.stringify(record, undefined, 2));
  const findings = [...reported, ...inTemplates];
  if (findings.length === 0) return undefined;
  return `cdk-nag: ${findings.length} unacknowledged finding(s):\n${formatFindings(findings)}\n`;
}
