import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Validator } from '../shared/validation';

/**
 * How private subnets reach the internet, a cost decision made knowingly:
 * - `perAz`: one NAT gateway per AZ; survives the loss of an AZ (production).
 * - `single`: one NAT gateway shared by every AZ; one AZ's outage cuts egress.
 * - `instance`: one small NAT instance; cheapest, you patch it, lowest bandwidth.
 * - `none`: no NAT; the VPC has no private-with-egress tier.
 */
export type NatMode = 'perAz' | 'single' | 'instance' | 'none';

/** Every NAT mode, in order of cost. */
export const NAT_MODES: readonly NatMode[] = ['perAz', 'single', 'instance', 'none'];

/**
 * Prefix length of each subnet of a tier (one subnet per AZ), or `false` to
 * leave the tier out. AWS allows subnets from /16 to /28.
 */
export interface SubnetTierSizes {
  /**
   * Public subnets: internet gateway route; load balancers and NAT live here.
   * @default 24
   */
  readonly public?: number | false;
  /**
   * Private subnets with egress through NAT: application servers.
   * @default 22
   */
  readonly private?: number | false;
  /**
   * Isolated subnets with no route out of the VPC: databases.
   * @default 24
   */
  readonly isolated?: number | false;
}

/** Props of the {@link Network} construct. */
export interface NetworkProps {
  /**
   * IPv4 CIDR block of the VPC; prefix /16 to /28. Must be known at synth
   * (not a parameter): the VPC divides it into subnets.
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;
  /**
   * Number of Availability Zones to span, 2 to 6. Ignored when
   * `availabilityZones` is given.
   * @default 2
   */
  readonly azCount?: number;
  /**
   * Explicit Availability Zone names (e.g. `['eu-west-1a', 'eu-west-1b']`).
   * Names need a stack with an explicit region; they may be tokens, the
   * list's length must be known at synth.
   * @default the first `azCount` zones of the region, resolved at deploy time
   */
  readonly availabilityZones?: string[];
  /**
   * Prefix length per subnet tier, or `false` to leave a tier out.
   * @default { public: 24, private: 22, isolated: 24 }
   */
  readonly subnetSizes?: SubnetTierSizes;
  /**
   * How private subnets reach the internet. See {@link NatMode}.
   * @default 'single'
   */
  readonly natMode?: NatMode;
  /**
   * Instance type of the NAT instance when `natMode` is `'instance'`.
   * @default t4g.nano (Graviton)
   */
  readonly natInstanceType?: ec2.InstanceType;
  /**
   * Retention of the VPC flow log (all traffic) in CloudWatch Logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * Create interface endpoints for Session Manager (ssm, ssmmessages,
   * ec2messages) in the private subnets, so instances are reachable without
   * NAT. Each endpoint costs about $7.30 a month per AZ.
   * @default false
   */
  readonly sessionManagerEndpoints?: boolean;
  /**
   * CIDR blocks denied in and out at the public and private network ACLs,
   * ahead of every allow rule (e.g. known-bad address ranges). At most 10.
   * Entries may be tokens (e.g. `Fn.select(0, param.valueAsList)`); the list's
   * length must be known at synth.
   * @default []
   */
  readonly blockedCidrs?: string[];
  /**
   * What happens to the flow log group and its key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Network props with every default applied. */
export interface ResolvedNetworkProps {
  readonly cidr: string;
  readonly azCount: number;
  readonly availabilityZones?: string[];
  readonly subnetSizes: { readonly public: number | false; readonly private: number | false; readonly isolated: number | false };
  readonly natMode: NatMode;
  readonly blockedCidrs: string[];
}

/** Most deny rules a network ACL direction takes beside the tier's own rules (quota: 20). */
export const MAX_BLOCKED_CIDRS = 10;

const AZ_NAME = /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/;

/** Applies defaults and checks every rule, throwing one ConfigError listing all problems. */
export function resolveNetworkProps(props: NetworkProps): ResolvedNetworkProps {
  const v = new Validator('Network props');
  const cidr = props.cidr ?? '10.0.0.0/16';
  const vpcBlock = knownAtSynth(v, 'cidr', cidr, 'the VPC divides it into subnets at synth') ? v.cidr('cidr', cidr, 16, 28) : undefined;
  const azCount = props.availabilityZones?.length ?? props.azCount ?? 2;
  if (knownAtSynth(v, 'azCount', props.azCount, 'it decides how many subnets there are')) v.intRange('azCount', props.azCount, 2, 6);
  checkAvailabilityZones(v, props.availabilityZones);
  const bothKnown = !Token.isUnresolved(props.azCount) && !Token.isUnresolved(props.availabilityZones);
  v.check(!bothKnown || props.azCount === undefined || props.availabilityZones === undefined || props.azCount === props.availabilityZones.length,
    'azCount', props.azCount, `expected it to match the ${props.availabilityZones?.length} availabilityZones given, or to be left out`);
  const natMode = props.natMode ?? 'single';
  v.oneOf('natMode', natMode, NAT_MODES);
  const subnetSizes = {
    public: props.subnetSizes?.public ?? 24,
    private: props.subnetSizes?.private ?? 22,
    isolated: props.subnetSizes?.isolated ?? 24,
  };
  let sizesKnown = true;
  for (const [tier, mask] of Object.entries(subnetSizes)) {
    if (!knownAtSynth(v, `subnetSizes.${tier}`, mask, 'the VPC lays out its subnets at synth')) sizesKnown = false;
    else if (mask !== false) v.intRange(`subnetSizes.${tier}`, mask, 16, 28);
  }
  if (vpcBlock && sizesKnown && !Token.isUnresolved(azCount)) checkSubnetsFit(v, vpcBlock.prefix, cidr, azCount, subnetSizes);
  checkNatNeeds(v, natMode, subnetSizes);
  const blockedCidrs = props.blockedCidrs ?? [];
  checkBlockedCidrs(v, blockedCidrs);
  v.throwIfInvalid();
  return { cidr, azCount, availabilityZones: props.availabilityZones, subnetSizes, natMode, blockedCidrs };
}

/**
 * Records a problem when `value` is a token where the value shapes the
 * template itself (how many subnets, which rules): CloudFormation parameters
 * and imported values cannot be used there. True when the value is known.
 */
function knownAtSynth(v: Validator, prop: string, value: unknown, why: string): boolean {
  if (!Token.isUnresolved(value)) return true;
  v.fail(prop, 'a token', `expected a value known at synth: ${why}, which a value known only at deploy (a parameter, an imported value) cannot drive`);
  return false;
}

function checkBlockedCidrs(v: Validator, blockedCidrs: string[]): void {
  // The list makes one ACL rule per entry, so its length must be known; each entry may be a token.
  if (!knownAtSynth(v, 'blockedCidrs', blockedCidrs, 'each entry becomes its own network ACL rule (the entries themselves may be tokens)')) return;
  v.check(blockedCidrs.length <= MAX_BLOCKED_CIDRS, 'blockedCidrs', `${blockedCidrs.length} entries`,
    `expected at most ${MAX_BLOCKED_CIDRS}, as each becomes a deny rule in network ACLs limited to 20 rules per direction`);
  blockedCidrs.forEach((c, i) => {
    if (!Token.isUnresolved(c)) v.cidr(`blockedCidrs[${i}]`, c, 0, 32);
  });
}

function checkAvailabilityZones(v: Validator, azs: string[] | undefined): void {
  if (azs === undefined || !knownAtSynth(v, 'availabilityZones', azs, 'each zone gets its own subnets (the names themselves may be tokens)')) return;
  v.check(azs.length >= 2 && azs.length <= 6, 'availabilityZones', azs, 'expected 2 to 6 zone names');
  const known = azs.filter((az) => !Token.isUnresolved(az));
  v.check(new Set(known).size === known.length, 'availabilityZones', azs, 'expected each zone once');
  azs.forEach((az, i) => {
    if (!Token.isUnresolved(az)) v.check(AZ_NAME.test(az), `availabilityZones[${i}]`, az, 'expected a zone name such as "eu-west-1a"');
  });
}

/**
 * Replays how the VPC allocates subnets (tier by tier, one per AZ, each block
 * aligned to its size) to tell at synth whether they fit the VPC CIDR.
 */
function checkSubnetsFit(v: Validator, vpcPrefix: number, cidr: string, azCount: number,
  sizes: ResolvedNetworkProps['subnetSizes']): void {
  const masks = Object.values(sizes).filter((m): m is number => m !== false);
  if (masks.some((m) => !Number.isInteger(m) || m < vpcPrefix || m > 28)) {
    const bad = masks.find((m) => m < vpcPrefix);
    if (bad !== undefined) v.fail('subnetSizes', sizes, `expected no subnet larger than the VPC (${cidr}); /${bad} is`);
    return;
  }
  let next = 0;
  for (const mask of masks) {
    const size = 2 ** (32 - mask);
    next = Math.ceil(next / size) * size + size * azCount;
  }
  const available = 2 ** (32 - vpcPrefix);
  v.check(next <= available, 'subnetSizes', sizes,
    `${azCount} AZs of these subnets need ${next} addresses but ${cidr} has ${available}; use smaller subnets (a larger prefix) or a larger VPC`);
}

function checkNatNeeds(v: Validator, natMode: NatMode, sizes: ResolvedNetworkProps['subnetSizes']): void {
  if (natMode !== 'none' && sizes.public === false) {
    v.fail('natMode', natMode, 'a NAT lives in a public subnet, but subnetSizes.public is false; add the public tier or use natMode "none"');
  }
  if (natMode !== 'none' && sizes.private === false) {
    v.fail('natMode', natMode, 'a NAT serves the private tier, but subnetSizes.private is false; add the private tier or use natMode "none"');
  }
  if (natMode === 'none' && sizes.private !== false) {
    v.fail('subnetSizes.private', sizes.private, 'natMode "none" leaves the private tier without egress; set it to false (use the isolated tier) or choose a NAT mode');
  }
}
