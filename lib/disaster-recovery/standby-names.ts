import { ConfigError, show } from '../shared/validation';
import { effectiveOriginAccess } from '../static-site/static-site-props';
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { DataTierProps } from '../data-tier/data-tier-props';
import type { NetworkProps } from '../network/network-props';
import type { ServerlessApiProps } from '../serverless-api/serverless-api-props';
import type { StaticSiteProps } from '../static-site/static-site-props';
import type { WebTierProps } from '../web-tier/web-tier-props';
import { type RecoveryConfig, recoveryPattern, type RecoveryPattern } from './recovery-objectives';

/**
 * What the standby side reads of a stage's config (a StageConfig is one):
 * its names, regions, objectives, policies and the architectures' props.
 */
export interface StandbyConfig extends RecoveryConfig {
  readonly name: string;
  readonly account?: string;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
  readonly deletionProtection: boolean;
  readonly terminationProtection: boolean;
  readonly alarmEmail?: string;
  readonly plainHttpReason?: string;
  readonly network: NetworkProps;
  /** The standby VPC's CIDR block. @default the block after `network.cidr`'s, of its size, in its /8 */
  readonly standbyNetworkCidr?: string;
  readonly webTier: Omit<WebTierProps, 'vpc'>;
  readonly serverlessApi: ServerlessApiProps;
  readonly dataTier: Omit<DataTierProps, 'vpc'>;
  readonly staticSite: StaticSiteProps;
}

/** The patterns with a standby side in the standby region. */
export type StandbyPattern = Exclude<RecoveryPattern, 'backup-and-restore'>;

/**
 * The standby pattern of a stage: pilot light or warm standby when it has a
 * standby region and its objectives call for one; undefined for backup and restore.
 */
export function standbyPatternOf(config: StandbyConfig): StandbyPattern | undefined {
  if (config.standbyRegion === undefined) return undefined;
  const pattern = recoveryPattern(config);
  return pattern === 'backup-and-restore' ? undefined : pattern;
}

/**
 * The Aurora global database's identifier, made from the stage's name and
 * region: the one name both sides write rather than read across regions, so
 * that the secondary's stack and the failover commands (`aws rds
 * failover-global-cluster --global-cluster-identifier ...`) need nothing from
 * the primary region when it is down. Every other cross-region value is a weak
 * reference (Fn::GetStackOutput), read only when its stack deploys.
 */
export function globalClusterIdentifier(config: StandbyConfig): string {
  const { region, standbyRegion } = config;
  if (region === undefined || standbyRegion === undefined || region === standbyRegion) {
    throw new ConfigError('stage config', [region === undefined
      ? `standbyRegion: got ${show(standbyRegion)}; the standby side names the primary's global database by the stage's region: give -c region=<region> (or CDK_DEPLOY_REGION)`
      : `standbyRegion: got ${show(standbyRegion)}; expected another region than the stage's (${region}): a standby in the same region fails with it`]);
  }
  // Lower-case letters, digits and single hyphens, a letter first: an RDS identifier.
  const stage = config.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30) || 'stage';
  return `${/^[a-z]/.test(stage) ? stage : `s-${stage}`}-${region}-data`;
}

/** Whether the stage's site is replicated: when it is read through Origin Access Control. */
export function replicatesSite(config: StandbyConfig): boolean {
  return effectiveOriginAccess(config.staticSite, config.region) === 'oac';
}
