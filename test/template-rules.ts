// Rules every synthesized template must keep, read the way CloudFormation and
// the services read it. test/stages/user-paths.test.ts applies them to every
// stack of every stage variant; each returns the places that break the rule.
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { CfnTemplate } from '../lib/docs/template';

type Json = unknown;

/** Every commercial region aws-cdk-lib knows. */
export const COMMERCIAL_REGIONS = RegionInfo.regions.filter((r) => r.partition === 'aws').map((r) => r.name).sort();

/** Calls `visit` on every object in `value` that has `key`, with the path to it. */
function findKey(value: Json, key: string, visit: (arg: Json, path: string) => void, path = ''): void {
  if (Array.isArray(value)) value.forEach((v, i) => findKey(v, key, visit, `${path}[${i}]`));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === key) visit(v, path);
      findKey(v, key, visit, path ? `${path}.${k}` : k);
    }
  }
}

const isRegionRef = (v: Json) => JSON.stringify(v) === '{"Ref":"AWS::Region"}';

/**
 * `Fn::FindInMap` lookups keyed by region whose map misses a commercial region
 * and that have no `DefaultValue`: CloudFormation rejects the template there.
 */
export function regionGaps(template: CfnTemplate): string[] {
  const gaps: string[] = [];
  const mappings = template.Mappings ?? {};
  findKey(template, 'Fn::FindInMap', (arg, path) => {
    const [map, first, second, options] = arg as [Json, Json, Json, Json?];
    const hasDefault = !!options && typeof options === 'object' && 'DefaultValue' in (options as object);
    if (hasDefault || typeof map !== 'string') return;
    const table = mappings[map] ?? {};
    if (isRegionRef(first)) {
      const missing = COMMERCIAL_REGIONS.filter((r) => !(r in table));
      if (missing.length) gaps.push(`${path}: map ${map} has no entry for ${missing.join(', ')}`);
    } else if (isRegionRef(second)) {
      for (const [top, row] of Object.entries(table)) {
        const missing = COMMERCIAL_REGIONS.filter((r) => !(r in (row as object)));
        if (missing.length) gaps.push(`${path}: map ${map}.${top} has no entry for ${missing.join(', ')}`);
      }
    }
  });
  return gaps;
}

/** `Fn::Equals` of two literals: a condition fixed at synth (CloudFormation's W8003), usually a placement bug. */
export function constantConditions(template: CfnTemplate): string[] {
  const found: string[] = [];
  findKey(template, 'Fn::Equals', (arg, path) => {
    const [a, b] = arg as [Json, Json];
    if (typeof a === 'string' && typeof b === 'string') found.push(`${path}: Fn::Equals("${a}", "${b}") is always ${a === b}`);
  });
  return found;
}

/**
 * Functions in a VPC whose role cannot create their network interfaces
 * (CloudFormation then fails to create the function): neither the AWS managed
 * AWSLambdaVPCAccessExecutionRole nor a policy granting ec2:CreateNetworkInterface.
 */
export function functionsWithoutNetworkAccess(template: CfnTemplate): string[] {
  const resources = (template.Resources ?? {}) as Record<string, { Type: string; Properties?: Record<string, any> }>;
  const grantsEni = (roleId: string) => {
    const role = resources[roleId];
    if (JSON.stringify(role?.Properties?.ManagedPolicyArns ?? []).includes('service-role/AWSLambdaVPCAccessExecutionRole')) return true;
    return Object.values(resources).some((r) => (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      && JSON.stringify(r.Properties?.Roles ?? []).includes(`"${roleId}"`)
      && JSON.stringify(r.Properties?.PolicyDocument ?? {}).includes('ec2:CreateNetworkInterface'));
  };
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.VpcConfig)
    .filter(([, r]) => !grantsEni(r.Properties!.Role?.['Fn::GetAtt']?.[0]))
    .map(([id]) => id);
}

/**
 * Pairs of conditions with the same expression: CloudFormation's validation
 * (W9053, run by `cdk synth` but not by the suite's synthesis) warns on them,
 * and the app fails on any warning.
 */
export function equivalentConditions(template: CfnTemplate): string[] {
  const seen = new Map<string, string>();
  const found: string[] = [];
  for (const [id, expression] of Object.entries((template as { Conditions?: Record<string, Json> }).Conditions ?? {})) {
    const key = JSON.stringify(expression);
    const earlier = seen.get(key);
    if (earlier) found.push(`${id} is equivalent to ${earlier}`);
    else seen.set(key, id);
  }
  return found;
}

/**
 * Properties that are not account- or region-scoped physical names, though
 * their key ends in `Name`: each with why it cannot collide.
 */
export const NOT_PHYSICAL_NAMES: Record<string, string> = {
  'AWS::ApiGateway::Stage StageName': 'a stage name is scoped to its REST API, which CloudFormation names',
  'AWS::ApiGateway::Deployment StageName': 'scoped to its REST API',
  'AWS::ApiGateway::Model Name': 'a model name is scoped to its REST API',
  'AWS::ApiGateway::RestApi Name': 'API Gateway allows any number of APIs with one name; the id is what identifies it',
  'AWS::ApiGateway::UsagePlan UsagePlanName': 'usage plan names need not be unique; the id identifies it',
  'AWS::ApiGateway::RequestValidator Name': 'scoped to its REST API',
  'AWS::ApiGateway::Authorizer Name': 'scoped to its REST API',
  'AWS::ApiGateway::GatewayResponse ResponseType': 'scoped to its REST API',
  'AWS::Cognito::UserPool UserPoolName': 'Cognito allows any number of user pools with one name; the id identifies it',
  'AWS::Cognito::UserPoolClient ClientName': 'scoped to its user pool',
  'AWS::IAM::Policy PolicyName': 'an inline policy name is scoped to the role it is attached to',
  'AWS::CloudWatch::Alarm MetricName': 'a metric, not a resource',
  'AWS::Logs::MetricFilter FilterName': 'scoped to its log group',
  'AWS::EC2::SecurityGroup GroupName': 'scoped to its VPC',
  'AWS::WAFv2::WebACL MetricName': 'a metric name inside the ACL',
  'AWS::RDS::DBCluster DatabaseName': 'the database created inside the cluster, scoped to it',
  'AWS::SNS::Topic DisplayName': 'a label shown in e-mail and SMS, not an identifier',
  'AWS::EC2::VPCEndpoint ServiceName': 'the AWS service the endpoint reaches, not a name of ours',
  'AWS::CertificateManager::Certificate DomainName': 'the name a certificate covers; ACM issues any number of certificates for one name',
  // DNS names the user chose: each stage has its own (Production at the apex, the Sandbox under sandbox.),
  // and regions share a name only through routed records, one set identifier per region (test/domain).
  'AWS::Route53::RecordSet Name': 'a DNS name of the stage, distinct per stage; shared across regions only with set identifiers',
  'AWS::ApiGateway::DomainName DomainName': 'the API\'s DNS name of the stage, distinct per stage and regional',
};

/**
 * Literal names that are unique by construction: each with the pattern the
 * name must match and why no second deployment or leftover can share it.
 */
export const NAMES_UNIQUE_BY_CONSTRUCTION: readonly { readonly type: string; readonly key: string; readonly pattern: RegExp; readonly why: string }[] = [
  {
    type: 'AWS::CloudWatch::Alarm', key: 'AlarmName', pattern: /^"[A-Za-z0-9]+-[a-z]{2}-[a-z]+-\d+-failover-switch"$/,
    why: 'the failover switch: named by its stage and the region it fails away from (an operator\'s handle, and what the PRIMARY\'s health check reads across regions), one per stage and primary region, never retained',
  },
  ...['AWS::RDS::GlobalCluster', 'AWS::RDS::DBCluster'].map((type) => ({
    type, key: 'GlobalClusterIdentifier', pattern: /^"[a-z0-9]+-[a-z]{2}-[a-z]+-\d+-data"$/,
    why: 'the Aurora global database: named by its stage and primary region, so the standby region joins it and the runbook names it without reading the primary region; never retained',
  })),
];

const INTRINSIC_UNIQUE = /"Ref":"AWS::Stack(Name|Id)"|"Ref":"(?!AWS::)[^"]+"|"Fn::GetAtt"/;
const INTRINSIC_PER_CREATION = /"Ref":"AWS::StackId"|"Ref":"(?!AWS::)[^"]+"|"Fn::GetAtt"/;

/**
 * Physical names that two deployments (two stages in one region, one stage in
 * two regions of one account) or a retained leftover could share: a literal
 * name, or for a retained resource a name that does not change with each stack
 * creation (only the stack id or a generated name of another resource does).
 */
export function collidingNames(template: CfnTemplate): string[] {
  const found: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const r = resource as { Type: string; Properties?: Record<string, Json>; DeletionPolicy?: string };
    const props = Object.entries(r.Properties ?? {}).flatMap(([key, value]): [string, Json][] =>
      // CloudFront keeps its policy names one level down (ResponseHeadersPolicyConfig.Name, ...).
      (/Config$/.test(key) && value && typeof value === 'object' && 'Name' in value ? [[`${key}.Name`, (value as { Name: Json }).Name]] : [[key, value]]));
    for (const [key, value] of props) {
      if (!/Name$|^DB\w*Identifier$|^GlobalClusterIdentifier$|^ReplicationGroupId$|^UserId$/.test(key) || `${r.Type} ${key}` in NOT_PHYSICAL_NAMES) continue;
      const text = JSON.stringify(value);
      if (NAMES_UNIQUE_BY_CONSTRUCTION.some((n) => n.type === r.Type && n.key === key && n.pattern.test(text) && r.DeletionPolicy !== 'Retain')) continue;
      const pattern = r.DeletionPolicy === 'Retain' ? INTRINSIC_PER_CREATION : INTRINSIC_UNIQUE;
      if (!pattern.test(text)) found.push(`${id} (${r.Type}) ${key} = ${text.slice(0, 120)}${r.DeletionPolicy === 'Retain' ? ' (retained)' : ''}`);
    }
  }
  return found;
}

/** Lambda concurrency a brand-new account cannot grant (its quota is 10, all unreserved). */
export function concurrencyReservations(template: CfnTemplate): string[] {
  return Object.entries(template.Resources ?? {}).flatMap(([id, resource]) => {
    const r = resource as { Type: string; Properties?: Record<string, Json> };
    const found: string[] = [];
    if (r.Properties?.ReservedConcurrentExecutions !== undefined) found.push(`${id} reserves ${JSON.stringify(r.Properties.ReservedConcurrentExecutions)}`);
    if (r.Properties?.ProvisionedConcurrencyConfig !== undefined) found.push(`${id} provisions concurrency`);
    return found;
  });
}
