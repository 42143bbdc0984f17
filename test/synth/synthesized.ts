import type { Finding } from '../../lib/shared/compliance';

/** One stack of a synthesized variant, as the cache holds it. */
export interface SynthesizedStack {
  /** Construct id in the stage: the architecture name (`Network`). */
  readonly id: string;
  readonly stackName: string;
  readonly description?: string;
  /** `aws://account/region`, with `unknown-account` / `unknown-region` when agnostic. */
  readonly environment: string;
  readonly terminationProtection: boolean;
  /**
   * Unacknowledged findings of the five packs in the template re-read from
   * its JSON as the app reads it (complianceReport), at construct paths. The
   * app fails on any. Each names its place in the template too (`resource`:
   * `<stack name>/<logical id>`).
   */
  readonly findings: Finding[];
  /** Warnings and errors CDK attached to constructs of this stack (`Annotations`). */
  readonly messages: { level: string; path: string; text: string }[];
  /** File name of the template, relative to the variant's directory. */
  readonly templateFile: string;
}

/** What the cache holds for one variant. */
export interface SynthesizedStage {
  readonly variant: string;
  /** The stage name (`Sandbox`). */
  readonly stage: string;
  /** The app's exit code (synthesizeApp, as bin/app.ts runs it): 0 when it found nothing to fail on. */
  readonly exitCode: number;
  /** What the app printed: the stage's notices, or why it failed. */
  readonly appOutput: string;
  /** What the app's compliance check read: the packs and the templates by name; absent when the app failed before it. */
  readonly compliance?: { readonly packs: string[]; readonly templates: string[] };
  /** The stack names the cloud assembly's manifest lists, in its order. */
  readonly manifestStacks: string[];
  readonly stacks: SynthesizedStack[];
  /** Context lookups the synthesis asked for (each needs AWS credentials at `cdk synth`). */
  readonly missingContext: string[];
}
