import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { OAC_FALLBACK_WARNING } from '../static-site/origin-access-region';
import { NO_LEGACY_LOGGING_WARNING } from '../static-site/standard-logging';
import { PLAIN_HTTP_WARNING } from '../web-tier/web-tier';
import { NO_BACKUP_COPY_WARNING } from '../data-tier/backup';
import { GLOBAL_TABLE_WARNING } from '../serverless-api/serverless-api';
import { NO_STANDBY_REGION_WARNING } from '../disaster-recovery/disaster-recovery-stack';
import { ConfigError, show } from '../shared/validation';
import type { StageSelection } from './stage-config';

/**
 * The stage a `cdk synth` asks for: each value from CDK context (`-c key=value`)
 * or else from its environment variable; what neither gives stays undefined
 * (account and region unset keep the stage environment-agnostic).
 */
export function stageSelectionFrom(context: (key: string) => unknown, env: Record<string, string | undefined> = process.env): StageSelection {
  const fromContext = (key: string) => {
    const value = context(key);
    return value === undefined || value === null ? undefined : String(value);
  };
  return {
    stage: fromContext('stage'),
    account: fromContext('account') ?? env.CDK_DEPLOY_ACCOUNT,
    region: fromContext('region') ?? env.CDK_DEPLOY_REGION,
    alarmEmail: fromContext('alarmEmail') ?? env.ALARM_EMAIL,
    alarmTopicArn: fromContext('alarmTopicArn') ?? env.ALARM_TOPIC_ARN,
    homeRegion: fromContext('homeRegion') ?? env.HOME_REGION,
    certificateArn: fromContext('certificateArn') ?? env.CERTIFICATE_ARN,
    backupCopyVaultArn: fromContext('backupCopyVaultArn') ?? env.BACKUP_COPY_VAULT_ARN,
    domainName: fromContext('domainName') ?? env.DOMAIN_NAME,
    hostedZoneId: fromContext('hostedZoneId') ?? env.HOSTED_ZONE_ID,
    standbyRegion: fromContext('standbyRegion') ?? env.STANDBY_REGION,
    recoveryPointObjective: fromContext('recoveryPointObjective'),
    recoveryTimeObjective: fromContext('recoveryTimeObjective'),
    recoveryPattern: fromContext('recoveryPattern'),
    allowPlainHttp: flag(fromContext('allowPlainHttp')),
  };
}

/** `true`/`false` as -c gives it; anything else is an error naming the flag. */
function flag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError('stage config', [`allowPlainHttp: got ${show(value)}; expected "true" or "false"`]);
}

/**
 * Warnings that state a deliberate choice of the stage (Production without a
 * certificate serves plain HTTP; a site in an opt-in region has no CloudFront
 * standard logs; the sandbox's site reads through OAC where an OAI is refused;
 * the data tier's own backups without a copy in another region; a stage whose
 * recovery points stay in its region, which a region outage is not covered by):
 * said at synth, never a failure.
 */
export const STAGE_NOTICES: readonly string[] = [PLAIN_HTTP_WARNING, NO_LEGACY_LOGGING_WARNING, OAC_FALLBACK_WARNING, NO_BACKUP_COPY_WARNING, GLOBAL_TABLE_WARNING, NO_STANDBY_REGION_WARNING];

/** Whether a warning's text (as CDK writes it, ending `[ack: <id>]`) is one of `notices`. */
export function isNotice(text: string, notices: readonly string[] = STAGE_NOTICES): boolean {
  return notices.some((id) => text.endsWith(`[ack: ${id}]`));
}

/**
 * The notices of every stack in a synthesized assembly, as text for a person.
 * The CLI prints warnings only for the stacks it selected, and a plain
 * `cdk synth` selects none inside a stage.
 */
export function noticesIn(assembly: CloudAssembly, notices: readonly string[] = STAGE_NOTICES): string[] {
  return assembly.stacksRecursively.flatMap((stack) => stack.messages.map((m) => String(m.entry.data)))
    .filter((text) => isNotice(text, notices))
    .map((text) => text.replace(/ \[ack: .*\]$/, ''));
}
