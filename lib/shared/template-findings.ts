import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { Finding, findingsIn, formatFindings, packFindings } from './compliance';

// The packs run in the app see L1 classes only; CDK's own provider functions
// are raw CfnResources and slip past them, though every template scanner
// reports them. Reading each synthesized template back with CfnInclude gives
// every resource its L1 class, so the packs see the template as a scanner does.

/** Intrinsics CfnInclude reads; it rejects any other `Fn::` (such as Fn::GetStackOutput). */
const READABLE_INTRINSICS = new Set([
  'Fn::GetAtt', 'Fn::Join', 'Fn::Cidr', 'Fn::FindInMap', 'Fn::Select', 'Fn::GetAZs', 'Fn::ImportValue',
  'Fn::Split', 'Fn::Transform', 'Fn::Base64', 'Fn::If', 'Fn::Equals', 'Fn::And', 'Fn::Not', 'Fn::Or', 'Fn::Sub',
]);

/** One template to check, named by its stack. */
export type Templates = Record<string, object>;

/**
 * The findings of the five packs in synthesized templates that the templates'
 * own metadata (`cdk_nag.rules_to_suppress`) does not acknowledge, each at
 * `<template name>/<logical id>`. All templates are read into one App, once.
 */
export function templateFindings(templates: Templates): Finding[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-findings-'));
  try {
    const app = new App({ outdir: path.join(dir, 'assembly'), autoSynth: false });
    for (const [name, template] of Object.entries(templates)) {
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(standInUnreadable(template)));
      new CfnInclude(new Stack(app, name), 'Template', { templateFile: file });
    }
    return packFindings(app).map((f) => ({ ...f, path: templatePath(f.path) }))
      .filter((f) => !acknowledgedIn(templates, f.path).has(f.rule));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `<template name>/<logical id>`, from the included resource's construct path `<name>/Template/<logical id>`. */
function templatePath(constructPath = '?'): string {
  const [name, , logicalId] = constructPath.split('/');
  return `${name}/${logicalId}`;
}

/** Every stack template of a synthesized assembly and the stages inside it, by stack name. */
export function templatesOf(assembly: CloudAssembly): Templates {
  const templates: Templates = {};
  const collect = (a: CloudAssembly): void => {
    // Stack names are unique per environment only: the artifact id tells apart the same name in two regions.
    for (const stack of a.stacks) templates[stack.stackName in templates ? `${stack.stackName}-${stack.id}` : stack.stackName] = stack.template;
    a.nestedAssemblies.forEach((nested) => collect(nested.nestedAssembly));
  };
  collect(assembly);
  return templates;
}

/** The rule ids acknowledged in the metadata of the resource at `<template name>/<logical id>`. */
function acknowledgedIn(templates: Templates, templatePath: string): Set<string> {
  const [name, logicalId] = templatePath.split('/');
  const resource = (templates[name] as { Resources?: Record<string, { Metadata?: any }> }).Resources?.[logicalId];
  const rules = (resource?.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string }[];
  return new Set(rules.map((r) => r.id));
}

/** A copy of `value` with every intrinsic CfnInclude cannot read replaced by a placeholder string. */
export function standInUnreadable(value: unknown): any {
  if (Array.isArray(value)) return value.map(standInUnreadable);
  if (!value || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0].startsWith('Fn::') && !READABLE_INTRINSICS.has(keys[0])) return `<${keys[0]}>`;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, standInUnreadable(v)]));
}

/**
 * Every unacknowledged finding of a synthesized assembly, for a person to act
 * on; undefined when there is none. The packs run in the app report first,
 * at construct paths; only when they pass are the templates read back, for
 * what only a template scanner sees (a finding of both would be listed twice).
 * Warnings whose ids are in `notices` are not findings.
 */
export function complianceReport(assembly: CloudAssembly, notices: readonly string[] = []): string | undefined {
  // A notice is a warning that states a deliberate choice: said, not a finding.
  const inApp = findingsIn(assembly.directory).filter((f) => !notices.some((id) => f.rule === `Annotation::${id}`));
  if (inApp.length > 0) return `cdk-nag: ${inApp.length} unacknowledged finding(s):\n${formatFindings(inApp)}\n`;
  const inTemplates = templateFindings(templatesOf(assembly));
  if (inTemplates.length > 0) {
    return `cdk-nag: ${inTemplates.length} unacknowledged finding(s) in the synthesized templates, at <stack>/<logical id>:\n${formatFindings(inTemplates)}\n`;
  }
  return undefined;
}
