import { failoverRunbook } from '../../lib/disaster-recovery/failover-runbook';
import { replaceBlock } from '../../lib/docs/generate';

const runbook = failoverRunbook();

test('the runbook gives the switch\'s commands as the switch stack outputs them', () => {
  expect(runbook).toContain('`aws cloudwatch put-metric-data --region <standby region> --namespace AwsReferenceArchitectures/Failover --metric-name FailoverSwitch --dimensions Switch=<Stage>-<region> --value 1`');
  expect(runbook).toContain('--dimensions Switch=<Stage>-<region> --value 0`');
  expect(runbook).toContain('`<Stage>-<region>-failover-switch`');
});

test('fail over and fail back: every step of their tables has a command (or none needed) and its cost in RTO', () => {
  const sections = runbook.split(/^### /m);
  for (const title of ['Fail over', 'Fail back']) {
    const rows = sections.find((s) => s.startsWith(title))!.split('\n').filter((l) => /^\| \d\./.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) expect(row.split(' | ')).toHaveLength(3);
  }
  expect(runbook).toMatch(/failover-global-cluster .*--allow-data-loss/);
  expect(runbook).toMatch(/switchover-global-cluster/);
  expect(runbook).toMatch(/www\.\\?` does not fail over by DNS/);
});

test('fills the failover-runbook block of a page', () => {
  const page = '# DisasterRecovery\n\n<!-- failover-runbook:start -->\nold\n<!-- failover-runbook:end -->\n';
  expect(replaceBlock(page, 'failover-runbook', runbook, 'DisasterRecovery.md')).toContain('### Fail back (the stage\'s region has recovered)');
});

test('says that pilot light fails over only by the switch, which scales the standby web tier up once, and that failing back scales nothing in', () => {
  expect(runbook).toContain('**Pilot light cannot fail over by itself.**');
  expect(runbook).toContain('**Turning the switch on scales the standby web tier up**');
  expect(runbook).toContain('ExactCapacity to the primary\'s minimum instance count');
  expect(runbook).toContain('Turning the switch off scales nothing in');
  expect(runbook).not.toContain('--desired-capacity');
});

test('says which standby health checks are alarmed, why not the pilot light\'s web tier, and what api.\'s TCP check proves', () => {
  expect(runbook).toContain('`StandbyApi` always, `StandbyApp` for warm standby');
  expect(runbook).toContain('its check is unhealthy by design and has no alarm');
  expect(runbook).toContain('`api.`\'s checks (both regions) are TCP\n443 only');
});

test('fail over promotes the secret replicas, points them at the standby cluster and rotates them in the standby region; the standby reads its host from its own parameter', () => {
  const failOver = runbook.split(/^### /m).find((s) => s.startsWith('Fail over'))!;
  expect(failOver).toContain('`aws secretsmanager stop-replication-to-replica --secret-id <replica ARN>`');
  expect(failOver).toMatch(/aws secretsmanager rotate-secret --secret-id <ARN> --rotation-lambda-arn <function in this region>/);
  expect(failOver).toContain('`/etc/web-tier/database.env`');
  expect(failOver).toContain('`/<Stage>-StandbyDataTier/database-host`');
});

describe('operating the standby', () => {
  const section = runbook.split(/^### /m).find((s) => s.startsWith('Operating the standby'))!;

  test('no standby deploy while the stage\'s region is down (the standby API and the Domain read it when they deploy)', () => {
    expect(section).toContain('**No standby deploy while the stage\'s region is down.**');
    expect(section).toMatch(/`<Stage>-StandbyServerlessApi`\nand `<Stage>-Domain` cannot be updated/);
  });

  test('Aurora minor upgrades: secondary first, a headless secondary given an instance, equal versions for a managed failover', () => {
    expect(section).toContain('the secondary clusters are upgraded before the primary');
    expect(section).toContain('a managed failover or switchover needs the clusters on the\nsame engine version');
    expect(section).toContain('add one first (`aws rds create-db-instance ... --db-instance-class db.serverless`), upgrade, then delete it');
  });

  test('Serverless v2 capacity: a recommendation, documented, not enforced', () => {
    expect(section).toContain('so synth\ndoes not enforce one');
  });

  test('the replica bucket admits the account\'s distributions (why) and is deleted with its stack (a copy)', () => {
    expect(section).toContain('for any\ndistribution of the account');
    expect(section).toContain('so the replica\'s policy cannot name it without a cycle between the regions');
    expect(section).toContain('The replica is deleted with its stack, Production too');
  });

  test('teardown: standby first, then the stage\'s stacks with the global database, then storage and the locked vault', () => {
    const steps = section.split('**Tear down**')[1].split('\n').filter((l) => /^\d\. /.test(l)).map((l) => l.slice(0, 40));
    expect(steps).toEqual([
      '1. The standby\'s stacks: `StandbyServerl',
      '2. The stage\'s stacks, as for a stage wi',
      '3. `StandbyStorage` (the site replica is',
    ]);
    expect(section).toContain('aws rds remove-from-global-cluster');
    expect(section).toContain('--no-enable-termination-protection');
  });
});
