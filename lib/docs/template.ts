// Reading synthesized CloudFormation templates: the shapes and the references
// the diagram and the cost estimator follow.

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
  readonly DeletionPolicy?: string;
}

/** A synthesized CloudFormation template. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Value: unknown; readonly Description?: string }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Conditions?: Record<string, unknown>;
}

/** Logical ids referenced anywhere in `value` by Ref or Fn::GetAtt. */
export function refsIn(value: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (k === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) found.add(inner);
        else if (k === 'Fn::GetAtt') found.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]);
        else walk(inner);
      }
    }
  };
  walk(value);
  return [...found];
}

/** Output names of other stacks referenced by Fn::GetStackOutput or Fn::ImportValue in `value`. */
export function importsIn(value: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (k === 'Fn::GetStackOutput') found.push(String((inner as { OutputName?: string }).OutputName));
        else if (k === 'Fn::ImportValue' && typeof inner === 'string') found.push(inner);
        else walk(inner);
      }
    }
  };
  walk(value);
  return found;
}

/** The resources of a template, by logical id. */
export function resourcesOf(template: CfnTemplate): [string, CfnResource][] {
  return Object.entries(template.Resources ?? {});
}

/** One cdk-nag acknowledgement written into a template's metadata. */
export interface Acknowledgement {
  readonly logicalId: string;
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * The cdk-nag acknowledgements in a template, resource by resource. CDK's own
 * acknowledgements of its schema checks (`CloudFormation-Validate::*`), which
 * the same metadata carries, are left out.
 */
export function acknowledgementsIn(template: CfnTemplate): Acknowledgement[] {
  return resourcesOf(template).flatMap(([logicalId, r]) =>
    ((r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[])
      .filter((rule) => !rule.id.startsWith('CloudFormation-Validate::'))
      .map((rule) => ({ logicalId, ruleId: rule.id, reason: rule.reason })));
}
