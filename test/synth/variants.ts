import type { StageSelection } from '../../lib/stages/stage-config';

/**
 * The stage variants the suite synthesizes once per run (test/setup/global-setup.js)
 * and every test reads from the cache: both stages as `cdk synth` builds them
 * by default (environment-agnostic, as the docs show them), and both pinned to
 * an account and region the way a user deploys them. Production is pinned to a
 * region opened after 2022, where the newest-region rules (OAC only, ALB log
 * delivery by service principal) apply, with the certificate a production web
 * tier is given, its endpoints on a domain (the Domain stack in us-east-1) and a standby
 * region its backups are copied to (the RecoveryVault stack in ap-southeast-1);
 * the agnostic Production shows the stage without either, as -c allowPlainHttp=true lets it.
 */
export const STAGE_VARIANTS = {
  'Sandbox': { stage: 'Sandbox' },
  'Production': { stage: 'Production', alarmEmail: 'ops@example.com', allowPlainHttp: true },
  'Sandbox pinned': { stage: 'Sandbox', account: '123456789012', region: 'eu-west-1' },
  'Production pinned': {
    stage: 'Production', account: '123456789012', region: 'ap-southeast-7', alarmEmail: 'ops@example.com',
    certificateArn: 'arn:aws:acm:ap-southeast-7:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e',
    domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', standbyRegion: 'ap-southeast-1',
    // Backup and restore across regions (a 1 h RPO, 4 h RTO): recovery points copied to the standby region, no standby side.
    recoveryPointObjective: '1h', recoveryTimeObjective: '4h',
  },
  // The standby side (pilot light, the pattern Production's objectives call for) in a second region, the primary pinned to a region opened before 2023.
  'Production standby': {
    stage: 'Production', account: '123456789012', region: 'eu-west-1', standbyRegion: 'us-west-2', alarmEmail: 'ops@example.com',
    domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  },
} satisfies Record<string, StageSelection>;

/** Name of a synthesized stage variant. */
export type VariantName = keyof typeof STAGE_VARIANTS;

/** Every variant name, in a stable order. */
export const VARIANT_NAMES = Object.keys(STAGE_VARIANTS) as VariantName[];
