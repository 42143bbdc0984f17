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

The standby's health checks are alarmed in the Domain stack (us-east-1), as the primary's are, so that a
standby that broke is noticed before it is needed: \`StandbyApi\` always, \`StandbyApp\` for warm standby. A pilot
light's web tier has no instance until failover: its check is unhealthy by design and has no alarm (an alarm
that is always on tells nothing); the readiness checks below cover it. \`api.\`'s checks (both regions) are TCP
443 only: the API authorizes every method (IAM by default) and has no unauthenticated route for Route 53 to
call, so they prove that API Gateway's regional endpoint accepts TLS for the name, not that the function and
the table answer. An unauthenticated health route would be a public method the security packs flag; the
readiness checks' signed calls and the API's own alarms (errors, latency) cover the rest.

| situation | Route 53 answers with |
|---|---|
| endpoint healthy, switch off (alarm OK, or never used) | PRIMARY |
| the primary endpoint fails its health check (3 failures, 30 s apart) | SECONDARY, without anyone acting |
| switch on (alarm in ALARM) | SECONDARY, until the switch is turned off |
| switch unreadable (CloudWatch of the standby region down) | the switch's last known position (a new switch: off) |
| PRIMARY and SECONDARY both unhealthy (switch on, standby not scaled up yet) | PRIMARY (Route 53's rule) |

**Pilot light cannot fail over by itself.** Its standby web tier has no instance, so the SECONDARY \`app.\` fails
its health check, and while both records are unhealthy Route 53 answers with the PRIMARY: a failed primary
region keeps \`app.\` on the dead load balancer. The Domain stack's \`AppFailoverAlarm\` (the PRIMARY does not
answer) tells the operator, who turns the switch on. **Turning the switch on scales the standby web tier up**
(pilot light and warm standby): an alarm of the standby web tier's stack on the switch's metric runs the
group's step scaling policy, ExactCapacity to the primary's minimum instance count. Once the new instances pass
the load balancer's and Route 53's health checks (a few minutes), the SECONDARY answers. That alarm treats
missing data as not breaching, so it is in ALARM only the minute the operator publishes 1: CloudWatch repeats an
Auto Scaling action every minute its alarm stays in ALARM, and the switch's own alarm, held on for the whole
failover, would reset the group every minute and undo the scale-out target tracking makes under load. After
that one setting the group's own policies follow the load. Publishing 1 again sets the group to that count
again (a scale-in if the load took it higher): publish it once. Turning the switch off scales nothing in: the
traffic leaves over the records' TTL, and target tracking takes the group back to its minimum (zero for pilot
light) as the load falls. Warm standby fails over by DNS without anyone acting (its one instance answers the
health check) and the switch then scales it to the primary's size; the standby group's template sets no desired
count, so that a deploy does not reset the capacity serving traffic.

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
| 3. Turn the switch on: the standby web tier scales to the primary's minimum, and \`app.\` and \`api.\` move to the standby once it passes its health checks, and stay there, even if the primary comes back to a stale database | \`${on}\` (the \`FailOverCommand\` output of \`<Stage>-FailoverSwitch\`), once | 1-3 min, then 60 s TTL; pilot light: about 5 min more for the instances |
| 4. Optional: keep a floor under the standby web tier for the outage (target tracking may scale it in at low load) | \`aws autoscaling update-auto-scaling-group --auto-scaling-group-name <standby group> --min-size <n>\` | 0 |
| 5. Nothing for the table: a DynamoDB global table's replicas all take writes; the standby API writes its region's replica | - | 0 |
| 6. Nothing for the site: CloudFront's origin group already reads the replica bucket | - | 0 |
| 7. The database secrets: their replicas in the standby region carry the primary cluster's host and rotate only from the primary region. Promote each replica to a standalone secret (it becomes writable), write the standby cluster's host into it (the \`DatabaseEndpoint\` output of \`<Stage>-StandbyDataTier\`), then set up rotation in this region (a rotation function here for PostgreSQL: single user for the master secret, alternating users for the application's; until then they do not rotate) | \`aws secretsmanager stop-replication-to-replica --secret-id <replica ARN>\`, \`aws secretsmanager put-secret-value ...\`, \`aws secretsmanager rotate-secret --secret-id <ARN> --rotation-lambda-arn <function in this region> --rotation-rules ...\` | 0 (the application does not wait for it) |

The standby web tier never reads the database's host from a secret: its instances find in
\`/etc/web-tier/database.env\` the name of an SSM parameter of their own region (\`/<Stage>-StandbyDataTier/database-host\`)
holding the standby cluster endpoint's host (the writer's once promoted); only the credentials come from the
secret's replica. An application on the standby reads both.

Order matters: promote the database first, or the standby serves a read-only secondary. Route 53 moves
\`app.\` to the standby only once its health check passes (pilot light: after the scale-up the switch starts),
and a warm standby's PRIMARY that failed its health check has already moved traffic by itself; the switch then
holds it there. Warm standby: about 10 min (steps 1 and 3); pilot light: about 30 min.

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
| 8. Nothing to scale in: once the traffic has left, target tracking takes the standby group back to its minimum (zero for pilot light); if step 4 of the failover raised its floor, lower it again | \`aws autoscaling update-auto-scaling-group --auto-scaling-group-name <standby group> --min-size <pattern's minimum: 0 or 1>\` | 0 |

Deploy the stacks again only once the roles are back as the templates declare them (the stage's cluster the
writer): CloudFormation would otherwise try to undo the switchover.

### Operating the standby

**No standby deploy while the stage's region is down.** The standby API reads the items table's name, and the
Domain stack the endpoints' health-check ids (of both regions, for their alarms), from the stacks of the other
region (\`Fn::GetStackOutput\`, resolved by CloudFormation when the reading stack deploys). While that region is down, \`<Stage>-StandbyServerlessApi\`
and \`<Stage>-Domain\` cannot be updated, and a \`cdk deploy --all\` fails on them. During a failover, change
capacity with the switch and the CLI (\`aws autoscaling update-auto-scaling-group\`, \`aws rds create-db-instance\`),
never by deploying the standby stacks; deploy again once the stage's region answers (see fail back).

**Aurora minor version upgrades.** In a global database the secondary clusters are upgraded before the primary
(Aurora User Guide, upgrading a global database), and a managed failover or switchover needs the clusters on the
same engine version. \`cdk deploy --all\` orders the stage's DataTier (primary) before StandbyDataTier (its
secondary joins the primary's global database), so an \`EngineVersion\` change would reach the primary first.
Upgrade by hand, secondary first: \`aws rds modify-db-cluster --db-cluster-identifier <standby cluster>
--engine-version <new> --apply-immediately\` in the standby region, then the primary's, then change
\`dataTier.database\` and deploy, which then changes nothing. A pilot light's secondary has no instance (headless):
add one first (\`aws rds create-db-instance ... --db-instance-class db.serverless\`), upgrade, then delete it.

**Serverless v2 capacity of the secondary.** Each cluster takes the data tier's capacity range (Production:
0.5 to 16 ACU). AWS documents 0.5 ACU as the smallest minimum Aurora accepts; no source at hand made a larger
minimum a requirement for a global database's clusters (the reviewer's 8 ACU could not be confirmed), so synth
does not enforce one. The Aurora User Guide recommends memory-optimized instance classes for global databases, and
a secondary at a low minimum scales up to apply a burst of writes: if the \`AuroraGlobalDBProgressLag\` alarm
of StandbyDataTier fires under load, raise \`dataTier.database\`'s minimum capacity, which both clusters use.

**The site's replica bucket.** Its policy admits CloudFront reading through Origin Access Control for any
distribution of the account (\`AWS:SourceAccount\` and a \`distribution/*\` source ARN), not the stage's
distribution alone: the distribution (stage's region) names the replica as its fallback origin and deploys after
the replica's stack, so the replica's policy cannot name it without a cycle between the regions. What it admits
reads a copy of the public site. The replica is deleted with its stack, Production too: it is a copy (the content
bucket and the repository keep the site), and a retained replica would hold its name and block the next deploy.

**Tear down** (what \`cdk destroy\` must be helped through in Production, in this order):
1. The standby's stacks: \`StandbyServerlessApi\`, \`StandbyWebTier\` (load balancer deletion protection off),
   \`StandbyDataTier\`: first detach its cluster from the global database (\`aws rds remove-from-global-cluster
   --global-cluster-identifier <global> --db-cluster-identifier <standby cluster ARN>\`) and turn off its
   deletion protection; the stack takes a final snapshot. Then \`FailoverSwitch\`.
2. The stage's stacks, as for a stage without standby; DataTier holds the global database: turn off the deletion
   protection of the global cluster, the cluster and the items table (its replica in the standby region goes with it).
3. \`StandbyStorage\` (the site replica is emptied and deleted; Production retains its keys: schedule their deletion,
   \`aws kms schedule-key-deletion\`, once nothing encrypted with them is needed) and last the
   backup stacks: a locked vault cannot be deleted while it holds recovery points, and a compliance-mode lock cannot
   be removed once its grace time has passed; the points expire with their retention.
Termination protection is on for every Production stack: \`aws cloudformation update-termination-protection
--no-enable-termination-protection --stack-name <stack>\` in each stack's region first.

### Readiness

\`npm run smoke -- --stage <Stage> --region <stage's region> --read-only\` checks, without changing anything:
the switch is off; Route 53 reports every PRIMARY health check healthy; the standby load balancer exists and
(warm standby) its instances are healthy; the standby API's health check passes; the Aurora secondary is
available, a reader, and lags under a minute; the table's replicas are ACTIVE; the site bucket replicates.`;
}
