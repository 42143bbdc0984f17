import { FAILOVER_SWITCH_METRIC, FAILOVER_SWITCH_NAMESPACE, switchAlarmName, switchCommand } from './failover-switch';

/** The placeholders the runbook's commands are written with. */
const EXAMPLE = { switchName: '<Stage>-<region>', region: '<standby region>' };

/**
 * The failover runbook (how traffic moves, fail over, fail back, what each step
 * costs in RTO), as Markdown for the `failover-runbook` block of the docs. Its
 * commands come from the constructs, so that the page and the stacks agree.
 */
export function failoverRunbook(): string {
  const on = switchCommand(EXAMPLE, true);
  const off = switchCommand(EXAMPLE, false);
  return `## Failover runbook

### How traffic moves

With a standby pattern (pilot light, warm standby) and the stage's domain, \`app.\` (the load balancer) and
\`api.\` (the API, A and AAAA) are Route 53 failover pairs: the PRIMARY record in the stage's region, the
SECONDARY in the standby region, each pair complete (the tests check every name and record type across the
stage's templates). \`www.\` does not fail over by DNS: a CloudFront distribution is one name in every region,
so the site fails over inside CloudFront, whose origin group reads the replica bucket when the primary bucket
fails (the standby side's replication of the site content).

The PRIMARY answers by a calculated health check that is healthy only when both its children are (threshold 2
of 2): the endpoint's own health check (HTTPS \`/health\` for \`app.\`, TCP 443 for \`api.\`) and a health check
on the **failover switch**, the CloudWatch alarm \`${switchAlarmName(EXAMPLE)}\` in the standby region, on
the metric \`${FAILOVER_SWITCH_NAMESPACE}/${FAILOVER_SWITCH_METRIC}\`. The alias also evaluates its target's
health: Route 53 requires both. The SECONDARY answers by the standby endpoint's own health check.

| situation | Route 53 answers with |
|---|---|
| endpoint healthy, switch off (alarm OK, or never used) | PRIMARY |
| the primary endpoint fails its health check (3 failures, 30 s apart) | SECONDARY, without anyone acting |
| switch on (alarm in ALARM) | SECONDARY, until the switch is turned off |
| switch unreadable (CloudWatch of the standby region down) | the switch's last known position (a new switch: off) |
| PRIMARY and SECONDARY both unhealthy (switch on, standby not scaled up yet) | PRIMARY (Route 53's rule) |

Why the switch is built this way (Route 53 Developer Guide and API reference):
- Turning it on is one \`PutMetricData\` call to CloudWatch in the standby region: no call to the failed
  region, and none to Route 53's control plane (us-east-1). The health checks and records exist already.
- A health check on an alarm follows the alarm's data stream, not its state (\`SetAlarmState\` cannot move it).
  The alarm takes the *Maximum* over one-minute periods of a standard-resolution metric, which Route 53 supports
  (no high-resolution metrics, no extended statistics), and ignores missing data, so one call holds the switch.
- \`InsufficientDataHealthStatus: LastKnownStatus\`: when CloudWatch cannot tell the state, the health check
  keeps its last status, and a new health check is healthy. A fresh deployment is therefore switched off, and a
  switch that is on stays on while the standby region's CloudWatch cannot be read.
- A calculated health check is healthy when at least \`HealthThreshold\` children are: 2 of 2 here (a
  threshold above the number of children is always unhealthy, 0 always healthy).
- Route 53 reads alarms in the regions its API lists for an alarm (every commercial region but me-west-1 when
  this was written); the switch refuses any other region, and its own primary region, at synth.
- Route 53 Application Recovery Controller's routing controls do the same with a cluster of five regional
  endpoints and safety rules, but AWS bills each cluster by the hour, used or not (about $2.50 an hour, some
  $1,800 a month: check the ARC pricing page, which was not at hand offline); the switch costs one alarm and,
  per endpoint, two more health checks (one on the alarm, one calculated).

Timing: Route 53 checks each endpoint every 30 s and calls it unhealthy after 3 failures (about 1.5 min); the
switch's alarm turns at its next one-minute evaluation and the health check follows its data (about a minute: an
estimate, AWS gives no figure);
resolvers see the new answer after the record's TTL (60 s for a load balancer's or an API's alias).

### Fail over (the stage's region is down)

Run every command against the standby region (\`--region <standby region>\`). RTO is what each step adds.

| step | command | RTO |
|---|---|---|
| 1. Promote the Aurora secondary to the writer of the global database, accepting the loss of what had not replicated (the RPO, under a minute) | \`aws rds failover-global-cluster --global-cluster-identifier <global> --target-db-cluster-identifier <standby cluster ARN> --allow-data-loss\` | a few min |
| 2. Pilot light: give the promoted cluster a writer instance (warm standby has one) | \`aws rds create-db-instance --db-cluster-identifier <standby cluster> --db-instance-identifier <name> --db-instance-class db.serverless --engine aurora-postgresql\` | 10-15 min |
| 3. Scale the standby web tier to the stage's capacity (pilot light: from zero) | \`aws autoscaling update-auto-scaling-group --auto-scaling-group-name <standby group> --min-size <n> --desired-capacity <n>\` | about 5 min |
| 4. Turn the switch on: \`app.\` and \`api.\` move to the standby and stay there, even if the primary comes back to a stale database | \`${on}\` (the \`FailOverCommand\` output of \`<Stage>-FailoverSwitch\`) | 1-3 min, then 60 s TTL |
| 5. Nothing for the table: a DynamoDB global table's replicas all take writes; the standby API writes its region's replica | - | 0 |
| 6. Nothing for the site: CloudFront's origin group already reads the replica bucket | - | 0 |

Order matters: the switch moves traffic to the standby only while the standby's health check passes (step 3
first for the load balancer), and a PRIMARY that failed its health check has already moved traffic by itself;
the switch then holds it there. Warm standby: about 10 min (steps 1, 3 and 4); pilot light: about 30 min.

### Fail back (the stage's region has recovered)

| step | command | RTO (writes paused) |
|---|---|---|
| 1. Make the old primary a secondary again: when its region is back, check whether Aurora returned it to the global database as a secondary (\`aws rds describe-global-clusters\`); otherwise delete the old cluster (its data is behind) and add a new secondary cluster to the global database in the stage's region (\`aws rds create-db-cluster --global-cluster-identifier <global> ...\` with the data tier's engine, key and subnets) | \`aws rds describe-global-clusters --global-cluster-identifier <global>\` | none (replication in the background: hours for a large database) |
| 2. Wait until it has caught up: the readiness checks report the lag under a minute | \`npm run smoke -- --stage <Stage> --region <stage's region> --read-only\` | - |
| 3. Switch the writer back, without data loss (a planned switchover) | \`aws rds switchover-global-cluster --global-cluster-identifier <global> --target-db-cluster-identifier <stage's cluster ARN>\` | a few min |
| 4. Bring back site content written to the replica during the outage (replication runs from the primary bucket to the replica only) | \`aws s3 sync s3://<replica bucket> s3://<site bucket>\` | 0 |
| 5. Nothing for the table: the global table's replicas converge (last writer wins) | - | 0 |
| 6. Check that the stage's endpoints pass their health checks | \`aws route53 get-health-check-status --health-check-id <endpoint check>\` | - |
| 7. Turn the switch off: Route 53 answers with the PRIMARY again | \`${off}\` (the \`FailBackCommand\` output) | 1-3 min, then 60 s TTL |
| 8. Scale the standby web tier back (pilot light: to zero; warm standby: its minimum) | \`aws autoscaling update-auto-scaling-group ...\` | 0 |

Deploy the stacks again only once the roles are back as the templates declare them (the stage's cluster the
writer): CloudFormation would otherwise try to undo the switchover.

### Readiness

\`npm run smoke -- --stage <Stage> --region <stage's region> --read-only\` checks, without changing anything:
the switch is off; Route 53 reports every PRIMARY health check healthy; the standby load balancer exists and
(warm standby) its instances are healthy; the standby API's health check passes; the Aurora secondary is
available, a reader, and lags under a minute; the table's replicas are ACTIVE; the site bucket replicates.`;
}
