import { Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { IConstruct } from 'constructs';

/** The part of a synthesized template the check reads. */
export interface RecordTemplate {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: Record<string, any> }>;
}

/** One failover record, as its template has it. */
export interface FailoverRecord {
  /** Where it is: `<stack>/<logical id>`. */
  readonly where: string;
  /** The zone (id or name, as JSON). */
  readonly zone: string;
  readonly name: string;
  /** `A`, `AAAA`, ... */
  readonly type: string;
  readonly role: string;
  readonly setIdentifier: string;
  /** A health check, or an alias evaluating its target's health. */
  readonly answersByHealth: boolean;
}

function recordOf(where: string, p: Record<string, any>): FailoverRecord {
  return {
    where, zone: JSON.stringify(p.HostedZoneId ?? p.HostedZoneName), name: p.Name, type: p.Type, role: p.Failover, setIdentifier: p.SetIdentifier,
    answersByHealth: p.HealthCheckId !== undefined || p.AliasTarget?.EvaluateTargetHealth === true,
  };
}

/** The failover records of synthesized templates, by stack id. */
export function failoverRecordsOfTemplates(templates: Record<string, RecordTemplate>): FailoverRecord[] {
  return Object.entries(templates).flatMap(([stackId, t]) => Object.entries(t.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::Route53::RecordSet' && r.Properties?.Failover)
    .map(([id, r]) => recordOf(`${stackId}/${id}`, r.Properties!)));
}

/** The failover records under `scope` (a stage), read from the construct tree before synthesis. */
export function failoverRecordsIn(scope: IConstruct): FailoverRecord[] {
  return scope.node.findAll().filter((c): c is route53.CfnRecordSet => c instanceof route53.CfnRecordSet && c.failover !== undefined).map((r) => {
    const stack = Stack.of(r);
    const p = stack.resolve({ HostedZoneId: r.hostedZoneId, HostedZoneName: r.hostedZoneName, Name: r.name, Type: r.type, Failover: r.failover,
      SetIdentifier: r.setIdentifier, HealthCheckId: r.healthCheckId, AliasTarget: r.aliasTarget });
    return recordOf(`${stack.node.id}/${stack.getLogicalId(r)}`, p);
  });
}

/**
 * Every failover name checked across stacks: per zone, name and record type (A,
 * AAAA) exactly one PRIMARY and one SECONDARY, with different set identifiers,
 * the PRIMARY answering by a health check or its target's health. Returns the
 * problems, none when the pairs are complete.
 */
export function failoverPairProblems(records: readonly FailoverRecord[]): string[] {
  const groups = new Map<string, FailoverRecord[]>();
  for (const r of records) {
    const key = `${r.zone} ${r.name} ${r.type}`;
    groups.set(key, [...groups.get(key) ?? [], r]);
  }
  const problems: string[] = [];
  for (const [key, list] of groups) {
    const roles = list.map((r) => r.role).sort().join();
    if (roles !== 'PRIMARY,SECONDARY') problems.push(`${key}: ${roles} (${list.map((r) => r.where).join(', ')}); expected one PRIMARY and one SECONDARY`);
    if (new Set(list.map((r) => r.setIdentifier)).size !== list.length) problems.push(`${key}: set identifiers repeat (${list.map((r) => r.setIdentifier).join(', ')})`);
    for (const r of list.filter((x) => x.role === 'PRIMARY' && !x.answersByHealth)) problems.push(`${key}: the PRIMARY ${r.where} has no health check and does not evaluate its target's health: it never fails over`);
  }
  return problems;
}
