import * as fs from 'fs';
import * as path from 'path';
import { Aspects, Validations } from 'aws-cdk-lib';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NagPack,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
  WriteNagSuppressionsToCloudFormationAspect,
} from 'cdk-nag';
import { IConstruct } from 'constructs';
import { acknowledgeCdkProviders } from './cdk-provider-acknowledgements';

/**
 * The packs built from AWS Config rules, which share rule names
 * (`<pack>-LambdaInsideVPC` and so on): a trade-off is acknowledged in each.
 */
export const CONFIG_RULE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'] as const;

/** The five cdk-nag packs every architecture is held to. */
export function nagPacks(): NagPack[] {
  return [
    new AwsSolutionsChecks(),
    new ServerlessChecks(),
    new NIST80053R5Checks(),
    new HIPAASecurityChecks(),
    new PCIDSS321Checks(),
  ];
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
  Aspects.of(scope).add(new WriteNagSuppressionsToCloudFormationAspect());
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
  Validations.of(construct).acknowledge({ id: ruleId, reason });
}

/** One unacknowledged finding: the rule and the construct it fires on. */
export interface Finding {
  readonly rule: string;
  readonly path: string;
  readonly severity: string;
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
  return findings.map((f) => `  ${f.severity.toUpperCase()} ${f.rule} at ${f.path}`).join('\n');
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
