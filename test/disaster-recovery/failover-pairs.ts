import type { CfnTemplate } from '../../lib/docs/template';

/**
 * Every failover name of a stage's templates, checked across them: per zone,
 * name and record type (A, AAAA) exactly one PRIMARY and one SECONDARY, with
 * different set identifiers, the PRIMARY answering by a health check or its
 * target's health, and every failover name with the same record types on both
 * sides. Returns the problems, none when the pairs are complete.
 */
export function failoverPairProblems(templates: Record<string, CfnTemplate>): string[] {
  const groups = new Map<string, { stackId: string; role: string; setIdentifier: string; answersByHealth: boolean }[]>();
  for (const [stackId, template] of Object.entries(templates)) {
    for (const [id, r] of Object.entries(template.Resources ?? {})) {
      if (r.Type !== 'AWS::Route53::RecordSet' || !r.Properties?.Failover) continue;
      const p = r.Properties;
      const key = `${JSON.stringify(p.HostedZoneId ?? p.HostedZoneName)} ${p.Name} ${p.Type}`;
      const list = groups.get(key) ?? [];
      list.push({ stackId: `${stackId}/${id}`, role: p.Failover, setIdentifier: p.SetIdentifier, answersByHealth: p.HealthCheckId !== undefined || p.AliasTarget?.EvaluateTargetHealth === true });
      groups.set(key, list);
    }
  }
  const problems: string[] = [];
  for (const [key, list] of groups) {
    const roles = list.map((r) => r.role).sort().join();
    if (roles !== 'PRIMARY,SECONDARY') problems.push(`${key}: ${roles || 'no records'} (${list.map((r) => r.stackId).join(', ')}); expected one PRIMARY and one SECONDARY`);
    if (new Set(list.map((r) => r.setIdentifier)).size !== list.length) problems.push(`${key}: set identifiers repeat (${list.map((r) => r.setIdentifier).join(', ')})`);
    for (const r of list.filter((x) => x.role === 'PRIMARY' && !x.answersByHealth)) problems.push(`${key}: the PRIMARY ${r.stackId} has no health check and does not evaluate its target's health: it never fails over`);
  }
  // A name answered over IPv4 and IPv6 on one side must be on the other: else AAAA queries never fail over.
  const typesByName = new Map<string, Set<string>>();
  for (const key of groups.keys()) {
    const [zone, name, type] = key.split(' ');
    const set = typesByName.get(`${zone} ${name}`) ?? new Set<string>();
    set.add(type);
    typesByName.set(`${zone} ${name}`, set);
  }
  return problems.concat([...typesByName].filter(([, types]) => types.has('AAAA') && !types.has('A')).map(([name]) => `${name}: AAAA failover records without A records`));
}
