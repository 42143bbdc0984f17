import * as fs from 'fs';
import * as path from 'path';
import { Aspects, Validations } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { acknowledgeCdkProviders } from './cdk-provider-acknowledgements';

/**
 * The packs built from AWS Config rules, which share rule names
 * (`<pack>-LambdaInsideVPC` and so on): a trade-off is acknowledged in each.
 */
export const CONFIG_RULE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'] as const;

/**
 * cdk-nag, loaded when a helper below is called: it is an optional peer of the
 * package. The constructs acknowledge findings through aws-cdk-lib's
 * `Validations` alone, so an app that does not check them needs no cdk-nag.
 */
function cdkNag(): typeof import('cdk-nag') {
  try {
    return require('cdk-nag');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error('The compliance helpers (nagPacks, enforceCompliance, recordAcknowledgements, ReferenceStage) need cdk-nag 3: npm install --save-dev cdk-nag');
  }
}

/** The five cdk-nag packs every architecture is held to. */
export function nagPacks(): NagPack[] {
  const { AwsSolutionsChecks, ServerlessChecks, NIST80053R5Checks, HIPAASecurityChecks, PCIDSS321Checks } = cdkNag();
  return [
    new AwsSolutionsChecks(),
    new ServerlessChecks(),
    new NIST80053R5Checks(),
    new HIPAASecurityChecks(),
    new PCIDSS321Checks(),
  ];
}

/**
 * What the packs (the five by default) report under `scope`, acknowledgements
 * applied, at construct paths. The scope is read as it stands: synthesize
 * first when the acknowledgements written by aspects should count.
 */
export function packFindings(scope: IConstruct, packs: NagPack[] = nagPacks()): Finding[] {
  return packs.flatMap((pack) => pack.validateScope(scope).violations.flatMap((v) =>
    v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '?', severity: v.severity ?? 'error' }))));
}

/**
 * Copies every acknowledgement under `scope` into its resource's template
 * metadata (`cdk_nag.rules_to_suppress`), so an auditor reading a template
 * sees each acknowledged rule with its reason, and acknowledges the rules
 * CDK's own provider functions break (see cdk-provider-acknowledgements.ts).
 * Aspects do not cross stage boundaries, so call this on each Stage.
 */
export function recordAcknowledgements(scope: IConstruct): void {
  acknowledgeCdkProviders(scope);
  Aspects.of(scope).add(new (cdkNag().WriteNagSuppressionsToCloudFormationAspect)());
}

/**
 * Registers the five packs on `scope` (an App or Stage, covering the stages
 * inside it), so synthesis reports every unacknowledged finding.
 */
export function enforceCompliance(scope: IConstruct): void {
  Validations.of(scope).addPlugins(...nagPacks());
}

/**
 * Acknowledges one rule on one construct (and its children), with the reason.
 * Kept as the one way to acknowledge so every call site reads the same.
 */
export function acknowledge(construct: IConstruct, ruleId: string, reason: string): void {
  withoutStackTraceWhereDisabled(construct, () => Validations.of(construct).acknowledge({ id: ruleId, reason }));
}

/**
 * Runs `record` capturing no stack frames when the app disables metadata stack
 * traces (`aws:cdk:disable-stack-trace`, as the tests' apps do). aws-cdk-lib
 * records a trace with every acknowledgement whatever that setting says: a
 * tenth of building a stage, for a trace nobody asked for.
 */
function withoutStackTraceWhereDisabled(construct: IConstruct, record: () => void): void {
  if (!construct.node.tryGetContext('aws:cdk:disable-stack-trace')) return record();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    record();
  } catch (error) {
    // A bad acknowledgement (a malformed rule id) still points at its caller.
    Error.stackTraceLimit = limit;
    if (error instanceof Error) Error.captureStackTrace(error, acknowledge);
    throw error;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * A resolved CloudFormation value as cdk-nag writes it into a finding id
 * (`AwsSolutions-IAM5[Resource::<Bucket.Arn>/*]`): joins flattened, `Ref` and
 * `Fn::GetAtt` in angle brackets. Lets an acknowledgement name the exact
 * finding however the stack is placed, without reaching into cdk-nag.
 */
export function nagFindingName(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const v = value as Record<string, any>;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(nagFindingName).join(v['Fn::Join'][0]);
  if (v['Fn::Sub']) return nagFindingName(v['Fn::Sub']);
  if (v['Fn::GetAtt']) return `<${nagFindingName(v['Fn::GetAtt'][0])}.${nagFindingName(v['Fn::GetAtt'][1])}>`;
  if (v['Fn::ImportValue']) return nagFindingName(v['Fn::ImportValue']);
  if (v.Ref) return `<${nagFindingName(v.Ref)}>`;
  return JSON.stringify(value);
}

/** One unacknowledged finding: the rule and the construct it fires on. */
export interface Finding {
  readonly rule: string;
  readonly path: string;
  readonly severity: string;
  /** `<template name>/<logical id>`, for a finding in a synthesized template. */
  readonly resource?: string;
}

/** Reads the findings from a synthesized assembly's validation report. */
export function findingsIn(assemblyDir: string): Finding[] {
  const file = path.join(assemblyDir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReport;
  return report.pluginReports.flatMap((r) => r.violations.flatMap((v) =>
    v.violatingConstructs.map((c) => ({ rule: v.ruleName, path: c.constructPath ?? '?', severity: v.severity ?? 'error' }))));
}

/** Renders findings one per line, for a person to act on. */
export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `  ${f.severity.toUpperCase()} ${f.rule} at ${f.path}${f.resource && f.resource !== f.path ? ` (${f.resource} in the template)` : ''}`).join('\n');
}

interface ValidationReport {
  readonly pluginReports: {
    readonly violations: {
      readonly ruleName: string;
      readonly severity?: string;
      readonly violatingConstructs: { readonly constructPath?: string }[];
    }[];
  }[];
}
