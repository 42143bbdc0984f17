import { App, Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DataTier } from '../../lib/data-tier/data-tier';
import { DataTierProps, validateDataTierProps } from '../../lib/data-tier/data-tier-props';
import { StandbyDatabase, StandbyDatabaseProps, validateStandbyDatabaseProps } from '../../lib/data-tier/standby-database';
import { Network } from '../../lib/network/network';
import { formatFindings, recordAcknowledgements } from '../../lib/shared/compliance';
import { nagFindings, problemsOf, resourcesOf, testApp } from '../harness';

const SECRETS_KEY = 'arn:aws:kms:us-west-2:123456789012:alias/production-secrets-standby';
const GLOBAL = { identifier: 'production-eu-west-1-data', secretReplicas: [{ region: 'us-west-2', keyArn: SECRETS_KEY }] };

/** Primary and standby stacks of one stage, pinned to two regions, as a stage deploys them. */
function stage(app: App = testApp()) {
  const s = new Stage(app, 'Unit', { env: { account: '123456789012' } });
  recordAcknowledgements(s);
  return s;
}

function primary(props: Omit<DataTierProps, 'vpc'>) {
  const stack = new Stack(stage(), 'Primary', { env: { account: '123456789012', region: 'eu-west-1' } });
  const { vpc } = new Network(stack, 'Network', {});
  const tier = new DataTier(stack, 'Data', { vpc, removalPolicy: RemovalPolicy.RETAIN, ...props });
  return { stack, tier, template: Template.fromStack(stack) };
}

function standby(props: Partial<StandbyDatabaseProps>) {
  const stack = new Stack(stage(), 'Standby', { env: { account: '123456789012', region: 'us-west-2' } });
  const { vpc } = new Network(stack, 'Network', {});
  const secretsKey = new kms.Key(stack, 'SecretsKey', { enableKeyRotation: true });
  const database = new StandbyDatabase(stack, 'Standby', { vpc, globalClusterIdentifier: GLOBAL.identifier, secretsKey, ...props });
  const app = new ec2.SecurityGroup(stack, 'AppSg', { vpc });
  const role = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  database.allowFrom(app, 'the standby web tier');
  database.grantSecretsRead(role, { stage: 'Production' });
  return { stack, database, template: Template.fromStack(stack) };
}

describe('the primary joins a global database', () => {
  const regional = primary({});
  const global = primary({ globalDatabase: GLOBAL });

  test('a global cluster is created from the cluster, deletion-protected, named for the secondary to join', () => {
    const [cluster] = Object.keys(resourcesOf(global.template, 'AWS::RDS::DBCluster'));
    global.template.resourceCountIs('AWS::RDS::GlobalCluster', 1);
    global.template.hasResourceProperties('AWS::RDS::GlobalCluster', {
      GlobalClusterIdentifier: 'production-eu-west-1-data',
      SourceDBClusterIdentifier: { 'Fn::Join': ['', ['arn:aws:rds:eu-west-1:123456789012:cluster:', { Ref: cluster }]] },
      DeletionProtection: true,
    });
    // Engine, version and encryption come from the source cluster: CloudFormation refuses them next to it.
    const props = Object.values(resourcesOf(global.template, 'AWS::RDS::GlobalCluster'))[0].Properties;
    expect(Object.keys(props).sort()).toEqual(['DeletionProtection', 'GlobalClusterIdentifier', 'SourceDBClusterIdentifier']);
  });

  test('redeploy safety: the primary cluster and its instances keep their logical ids and every property', () => {
    for (const type of ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::RDS::DBSubnetGroup', 'AWS::RDS::DBClusterParameterGroup']) {
      expect(resourcesOf(global.template, type)).toEqual(resourcesOf(regional.template, type));
    }
    const before = Object.keys(resourcesOf(regional.template, 'AWS::RDS::DBCluster'));
    expect(before).toHaveLength(1);
    expect(before[0]).toMatch(/^DataDatabase[0-9A-F]{8}$/);
  });

  test('the master and application secrets are replicated to the standby region with its key, and only gain ReplicaRegions', () => {
    const secrets = resourcesOf(global.template, 'AWS::SecretsManager::Secret');
    const regionalSecrets = resourcesOf(regional.template, 'AWS::SecretsManager::Secret');
    const replicated = Object.keys(secrets).filter((id) => secrets[id].Properties.ReplicaRegions);
    expect(replicated.sort()).toEqual(Object.keys(regionalSecrets).filter((id) => !id.includes('CacheAuth')).sort());
    expect(replicated).toHaveLength(2);
    for (const id of replicated) {
      expect(secrets[id].Properties.ReplicaRegions).toEqual([{ Region: 'us-west-2', KmsKeyId: SECRETS_KEY }]);
      const { ReplicaRegions: _, ...rest } = secrets[id].Properties;
      expect(rest).toEqual(regionalSecrets[id].Properties);
    }
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(global.stack))).toBe(''));
});

describe('the standby region\'s secondary', () => {
  const pilotLight = standby({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false });
  const warm = standby({ instances: 1, database: { maxCapacity: 16 } });
  const cluster = (t: Template) => Object.values(resourcesOf(t, 'AWS::RDS::DBCluster'))[0];

  test('pilot light: a headless secondary joining the global database, no instance, no master credentials', () => {
    pilotLight.template.resourceCountIs('AWS::RDS::DBInstance', 0);
    expect(cluster(pilotLight.template).Properties).toMatchObject({
      Engine: 'aurora-postgresql', EngineVersion: '16.9', GlobalClusterIdentifier: 'production-eu-west-1-data',
      StorageEncrypted: true, EnableIAMDatabaseAuthentication: true, Port: 5433,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
    });
    expect(cluster(pilotLight.template).Properties.MasterUsername).toBeUndefined();
    expect(cluster(pilotLight.template).Properties.MasterUserPassword).toBeUndefined();
    expect(cluster(pilotLight.template).DeletionPolicy).toBe('Delete');
  });

  test('warm standby: one Serverless v2 reader at 0.5 ACU, monitored, PI encrypted; cluster snapshotted on delete', () => {
    warm.template.resourceCountIs('AWS::RDS::DBInstance', 1);
    warm.template.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.serverless', PubliclyAccessible: false, AutoMinorVersionUpgrade: true, EnablePerformanceInsights: true, MonitoringInterval: 60,
    });
    expect(cluster(warm.template).Properties.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 0.5, MaxCapacity: 16 });
    expect(cluster(warm.template)).toMatchObject({ DeletionPolicy: 'Snapshot', Properties: { DeletionProtection: true } });
  });

  test('encrypted with a key of its own region, which rotates; the cluster names it', () => {
    const keys = resourcesOf(warm.template, 'AWS::KMS::Key');
    const keyId = Object.keys(keys).find((id) => id.startsWith('StandbyKey'))!;
    expect(keys[keyId].Properties.EnableKeyRotation).toBe(true);
    expect(cluster(warm.template).Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  test('the same parameters as the primary: TLS only, pgaudit', () => {
    warm.template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'rds.force_ssl': '1', 'pgaudit.log': 'ddl,role' } });
  });

  test('its port is open to the app tier only, and it sends nothing out', () => {
    const ingress = Object.values(resourcesOf(warm.template, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress).toEqual([expect.objectContaining({ FromPort: 5433, ToPort: 5433, Description: 'PostgreSQL from the standby web tier' })]);
    expect(Object.values(resourcesOf(warm.template, 'AWS::EC2::SecurityGroup')).find((g) => g.Properties.GroupDescription.startsWith('Aurora secondary'))!
      .Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
  });

  test('the app reads the application secret\'s replica of its stage in this region, by tag, and decrypts it through Secrets Manager only', () => {
    const policy = Object.values(resourcesOf(warm.template, 'AWS::IAM::ManagedPolicy')).find((p) => p.Properties.Description?.startsWith('Reads the replicated'))!.Properties.PolicyDocument;
    expect(policy.Statement).toEqual([
      {
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-west-2:', { Ref: 'AWS::AccountId' }, ':secret:*']] },
        Condition: { StringEquals: { 'secretsmanager:ResourceTag/stage': 'Production', 'secretsmanager:ResourceTag/database-user': 'application' } },
      },
      {
        Action: 'kms:Decrypt', Effect: 'Allow', Resource: expect.anything(),
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-west-2.amazonaws.com' } },
      },
    ]);
  });

  test('an alarm when the secondary trails the primary by more than a minute for 5 minutes, to an encrypted topic', () => {
    const alarm = Object.values(resourcesOf(pilotLight.template, 'AWS::CloudWatch::Alarm'))[0].Properties;
    const clusterId = Object.keys(resourcesOf(pilotLight.template, 'AWS::RDS::DBCluster'))[0];
    expect(alarm).toMatchObject({
      Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBProgressLag', Dimensions: [{ Name: 'DBClusterIdentifier', Value: { Ref: clusterId } }],
      Statistic: 'Maximum', Period: 60, EvaluationPeriods: 5, Threshold: 60000, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
    expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^StandbyAlarmsTopic/) }]);
    const keyId = Object.keys(resourcesOf(pilotLight.template, 'AWS::KMS::Key')).find((id) => id.startsWith('StandbyKey'));
    pilotLight.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  test('the five packs report nothing unacknowledged, both patterns', () => {
    expect(formatFindings(nagFindings(pilotLight.stack))).toBe('');
    expect(formatFindings(nagFindings(warm.stack))).toBe('');
  });
});

describe('bad input', () => {
  const vpc = new Network(new Stack(), 'Network', {}).vpc;

  test('fails when the global database identifier is not an RDS identifier', () => {
    expect(problemsOf(validateDataTierProps, { vpc, globalDatabase: { identifier: 'Prod_Data-' } })).toEqual([
      'globalDatabase.identifier: got "Prod_Data-"; expected a lower-case letter, then up to 62 lower-case letters, digits or single hyphens, not ending in a hyphen',
    ]);
  });

  test('fails when a secret replica\'s key is in another region than the replica', () => {
    expect(problemsOf(validateDataTierProps, { vpc, globalDatabase: { identifier: 'data', secretReplicas: [{ region: 'us-east-2', keyArn: SECRETS_KEY }] } })).toEqual([
      `globalDatabase.secretReplicas[0].keyArn: got "${SECRETS_KEY}"; expected a key in the replica's region us-east-2: a secret is encrypted with a key of its own region`,
    ]);
  });

  test('fails when a secret replica\'s key is not a KMS ARN, or a region is given twice', () => {
    expect(problemsOf(validateDataTierProps, {
      vpc, globalDatabase: { identifier: 'data', secretReplicas: [{ region: 'us-west-2', keyArn: 'my-key' }, { region: 'us-west-2', keyArn: SECRETS_KEY }] },
    })).toEqual([
      'globalDatabase.secretReplicas: got ["us-west-2","us-west-2"]; expected each region once',
      'globalDatabase.secretReplicas[0].keyArn: got "my-key"; expected a KMS key or alias ARN such as "arn:aws:kms:us-west-2:123456789012:alias/standby-secrets"',
    ]);
  });

  test('fails when the secrets are replicated to the stack\'s own region', () => {
    expect(() => primary({ globalDatabase: { identifier: 'data', secretReplicas: [{ region: 'eu-west-1', keyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/x' }] } }))
      .toThrow('globalDatabase.secretReplicas[0].region: got "eu-west-1"; expected a region other than the stack\'s own (eu-west-1): a secret is replicated to other regions');
  });

  test('fails when the standby has a capacity Aurora does not offer, too many instances or a lag alarm out of range', () => {
    expect(problemsOf(validateStandbyDatabaseProps, { vpc, globalClusterIdentifier: 'data', minCapacity: 0, instances: 16, maxReplicationLag: Duration.hours(2) })).toEqual([
      'instances: got 16; expected a whole number from 0 to 15',
      'maxReplicationLag: got 7200; expected a whole number from 1 to 3600 seconds',
      'minCapacity: got 0; expected 0.5 to 256 ACUs in steps of 0.5',
    ]);
    expect(problemsOf(validateStandbyDatabaseProps, { vpc, globalClusterIdentifier: 'data', minCapacity: 8, database: { maxCapacity: 4 } })).toEqual([
      'minCapacity: got 8; expected at most database.maxCapacity (4)',
    ]);
  });
});
