import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DataTierProps, regionOfVaultArn, validateDataTierProps } from '../../lib/data-tier/data-tier-props';
import { problemsOf as problemsFor } from '../harness';

const stack = new Stack();
const vpc = new ec2.Vpc(stack, 'Vpc', {
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const problemsOf = (props: Partial<DataTierProps>) => problemsFor(validateDataTierProps, { vpc, ...props });

describe('DataTier props: bad input fails at synth with a clear message', () => {
  test('the defaults are valid', () => expect(problemsOf({})).toEqual([]));

  test('fails when the VPC has no isolated subnets', () => {
    const open = new ec2.Vpc(new Stack(), 'Open', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(problemsOf({ vpc: open })).toEqual([
      'vpc: got "0 isolated subnets"; expected isolated subnets (no route out of the VPC) in at least two AZs, as a DB subnet group needs; add the isolated tier to the Network',
    ]);
  });

  test('fails when the isolated subnets span one AZ only', () => {
    const single = new ec2.Vpc(new Stack(), 'One', { availabilityZones: ['eu-west-1a'], subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(problemsOf({ vpc: single })).toHaveLength(1);
  });

  test('fails when rotation is told to use NAT in a VPC without private subnets', () => {
    expect(problemsOf({ secretsManagerEndpoint: false })).toEqual([
      'secretsManagerEndpoint: got false; the rotation function then needs private subnets with egress to reach Secrets Manager, and the VPC has none; leave it out or set it to true',
    ]);
    expect(problemsOf({ secretsManagerEndpoint: true })).toEqual([]);
  });

  test('fails when min capacity > max capacity', () => {
    expect(problemsOf({ database: { minCapacity: 8, maxCapacity: 4 } })).toEqual(['database.minCapacity: got 8; expected at most database.maxCapacity (4)']);
  });

  test.each([[-1], [0.25], [257]])('fails when min capacity is not 0 to 256 in steps of 0.5: %s', (minCapacity) => {
    expect(problemsOf({ database: { minCapacity, maxCapacity: 256 } })).toContain(`database.minCapacity: got ${minCapacity}; expected 0 to 256 ACUs in steps of 0.5`);
  });

  test.each([[0], [0.5], [300]])('fails when max capacity is not 1 to 256 in steps of 0.5: %s', (maxCapacity) => {
    expect(problemsOf({ database: { maxCapacity } })).toContain(`database.maxCapacity: got ${maxCapacity}; expected 1 to 256 ACUs in steps of 0.5`);
  });

  test.each([[Duration.days(0)], [Duration.days(36)]])('fails when backup retention is outside 1 to 35 days: %s', (backupRetention) => {
    expect(problemsOf({ database: { backupRetention } })).toEqual([`database.backupRetention: got ${backupRetention.toDays()}; expected a whole number from 1 to 35 days`]);
  });

  test('fails when auto-pause is outside 5 minutes to a day, or set without scaling to zero', () => {
    expect(problemsOf({ database: { autoPause: Duration.minutes(1) } })).toEqual(['database.autoPause: got 60; expected a whole number from 300 to 86400 seconds']);
    expect(problemsOf({ database: { minCapacity: 0.5, autoPause: Duration.minutes(10) } })).toEqual(['database.autoPause: got "10 minutes"; only applies when database.minCapacity is 0 (it is 0.5)']);
  });

  test('fails on readers, port, rotation interval and alarm threshold out of range', () => {
    expect(problemsOf({ database: { readers: 16, port: 80, rotationInterval: Duration.days(400), maxConnectionsAlarm: 0 } })).toEqual([
      'database.readers: got 16; expected a whole number from 0 to 15',
      'database.port: got 80; expected a whole number from 1150 to 65535',
      'database.rotationInterval: got 400; expected a whole number from 1 to 365 days',
      'database.maxConnectionsAlarm: got 0; expected a whole number from 1 to 100000',
    ]);
  });

  test.each(['1app', 'App', 'postgres', 'a-b'])('fails when the database name is not a PostgreSQL identifier of ours: %s', (databaseName) => {
    expect(problemsOf({ database: { databaseName } })).toHaveLength(1);
  });

  test.each(['postgres', 'admin', 'rdsadmin', 'pg_monitor', 'Admin', '1st', 'a'.repeat(58)])('fails when the admin user name is a default, reserved or not a short PostgreSQL name: %s', (masterUsername) => {
    expect(problemsOf({ database: { masterUsername } })).toEqual([
      `database.masterUsername: got "${masterUsername}"; expected a lower-case letter then up to 56 lower-case letters, digits or underscores, not starting with "rds" or "pg_" and not a default admin name (postgres, admin, administrator, root, public)`,
    ]);
  });

  test('fails when the application user name is reserved, or the admin\'s own', () => {
    expect(problemsOf({ database: { appUsername: 'rds_app' } })).toHaveLength(1);
    expect(problemsOf({ database: { masterUsername: 'owner', appUsername: 'owner' } })).toEqual([
      'database.appUsername: got "owner"; expected a name other than database.masterUsername: the application must not log in as the admin',
    ]);
    expect(problemsOf({ database: { masterUsername: 'owner', appUsername: 'shop' } })).toEqual([]);
  });

  test('fails when the statement or idle-in-transaction timeout is outside 1 second to 1 day', () => {
    expect(problemsOf({ database: { statementTimeout: Duration.millis(500), idleInTransactionTimeout: Duration.days(2) } })).toEqual([
      'database.statementTimeout: got 0.5; expected a whole number from 1 to 86400 seconds',
      'database.idleInTransactionTimeout: got 172800; expected a whole number from 1 to 86400 seconds',
    ]);
  });

  test('fails when RDS Proxy is asked for with a cluster that scales to zero (it would never pause)', () => {
    expect(problemsOf({ database: { proxy: true } })).toEqual([
      'database.proxy: got true; RDS Proxy holds connections to the writer open, so a cluster that scales to zero (database.minCapacity 0) would never pause: set database.minCapacity to 0.5 or more, or leave the proxy off',
    ]);
    expect(problemsOf({ database: { proxy: true, minCapacity: 0.5 } })).toEqual([]);
  });

  test('fails on a bad cache node type, replica count, snapshot retention, port or version', () => {
    expect(problemsOf({ cache: { nodeType: 't4g.micro', replicas: 6, snapshotRetentionDays: 36, port: 80, engineVersion: 'latest' } })).toEqual([
      'cache.nodeType: got "t4g.micro"; expected an ElastiCache node type such as "cache.t4g.micro"',
      'cache.replicas: got 6; expected a whole number from 0 to 5',
      'cache.snapshotRetentionDays: got 36; expected a whole number from 0 to 35 days',
      'cache.port: got 80; expected a whole number from 1024 to 65535',
      'cache.engineVersion: got "latest"; expected a Valkey version such as "8.0"',
    ]);
  });

  test('fails when snapshots are asked of a node type that takes none', () => {
    expect(problemsOf({ cache: { nodeType: 'cache.t2.micro' } })).toEqual(['cache.snapshotRetentionDays: got 1; expected 0: cache.t2.micro nodes take no snapshots']);
    expect(problemsOf({ cache: { nodeType: 'cache.t2.micro', snapshotRetentionDays: 0 } })).toEqual([]);
  });

  test('fails on a backup retention out of range or a copy target that is not a vault ARN', () => {
    expect(problemsOf({ backupPlan: { retention: Duration.days(0), copyToVaultArn: 'arn:aws:s3:::bucket' } })).toEqual([
      'backupPlan.retention: got 0; expected a whole number from 1 to 36500 days',
      'backupPlan.copyToVaultArn: got "arn:aws:s3:::bucket"; expected a backup vault ARN such as "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr-copies"',
    ]);
  });

  test('lists every problem at once', () => {
    expect(problemsOf({ database: { minCapacity: 8, maxCapacity: 4 }, cache: { replicas: -1 } })).toHaveLength(2);
  });

  test('reads the region of a vault ARN', () => {
    expect(regionOfVaultArn('arn:aws:backup:eu-central-1:123456789012:backup-vault:dr')).toBe('eu-central-1');
  });
});

test('the package entry exports the data tier', () => {
  const api = require('../../lib');
  for (const name of ['DataTier', 'DataTierStack', 'validateDataTierProps', 'databaseOf', 'cacheOf']) expect(api).toHaveProperty(name);
});
