import { Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ServerlessApi } from '../../lib/serverless-api/serverless-api';
import { ServerlessApiProps, validateServerlessApiProps } from '../../lib/serverless-api/serverless-api-props';
import { formatFindings, recordAcknowledgements } from '../../lib/shared/compliance';
import { nagFindings, problemsOf, resourcesOf, testApp } from '../harness';

const REPLICA_KEY = 'arn:aws:kms:us-west-2:123456789012:alias/production-items-standby';
const REPLICAS = [{ region: 'us-west-2', keyArn: REPLICA_KEY }];

function build(props: ServerlessApiProps, region = 'eu-west-1') {
  const stage = new Stage(testApp(), 'Unit');
  recordAcknowledgements(stage);
  const stack = new Stack(stage, 'Api', { env: { account: '123456789012', region } });
  const api = new ServerlessApi(stack, 'Api', props);
  return { stack, api, template: Template.fromStack(stack) };
}

describe('the items table', () => {
  const regional = build({});
  const global = build({ tableReplicas: REPLICAS, tableName: 'production-eu-west-1-items' });

  test('without replicas: the regional AWS::DynamoDB::Table at its logical id, no global table, no name, no warning', () => {
    expect(Object.keys(resourcesOf(regional.template, 'AWS::DynamoDB::Table'))).toEqual(['ApiItems4736D5DA']);
    regional.template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    expect(resourcesOf(regional.template, 'AWS::DynamoDB::Table').ApiItems4736D5DA.Properties.TableName).toBeUndefined();
    Annotations.fromStack(regional.stack).hasNoWarning('*', Match.stringLikeRegexp('global table'));
  });

  test('with replicas: a global table at a logical id of its own, so CloudFormation never changes a deployed table\'s type', () => {
    global.template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(Object.keys(resourcesOf(global.template, 'AWS::DynamoDB::GlobalTable'))).toEqual([expect.stringMatching(/^ApiGlobalItems[0-9A-F]{8}$/)]);
    const warnings = Annotations.fromStack(global.stack).findWarning('*', Match.stringLikeRegexp('global table'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toContain('retained if its removal policy was RETAIN and deleted otherwise');
  });

  test('every replica: its region\'s key, point-in-time recovery, deletion protection; named; on demand; streams for replication', () => {
    const table = Object.values(resourcesOf(global.template, 'AWS::DynamoDB::GlobalTable'))[0];
    expect(table.Properties).toMatchObject({
      TableName: 'production-eu-west-1-items',
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    const replicas = table.Properties.Replicas as Array<Record<string, any>>;
    expect(replicas.map((r) => r.Region).sort()).toEqual(['eu-west-1', 'us-west-2']);
    for (const replica of replicas) {
      expect(replica).toMatchObject({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    }
    expect(replicas.find((r) => r.Region === 'us-west-2')!.SSESpecification).toEqual({ KMSMasterKeyId: REPLICA_KEY });
    expect(replicas.find((r) => r.Region === 'eu-west-1')!.SSESpecification).toEqual({ KMSMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^ApiKey/), 'Arn'] } });
    expect(table.DeletionPolicy).toBe('Retain');
  });

  test('the handler reads and writes the global table and names it in TABLE_NAME', () => {
    global.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { TABLE_NAME: { Ref: Match.stringLikeRegexp('^ApiGlobalItems') } } } });
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(global.stack))).toBe(''));
});

describe('the standby region\'s API on the replica', () => {
  const stage = new Stage(testApp(), 'Unit');
  recordAcknowledgements(stage);
  const stack = new Stack(stage, 'StandbyApi', { env: { account: '123456789012', region: 'us-west-2' } });
  const key = new kms.Key(stack, 'ReplicaKey', { enableKeyRotation: true });
  const replica = dynamodb.TableV2.fromTableAttributes(stack, 'Replica', { tableName: 'production-eu-west-1-items', encryptionKey: key });
  new ServerlessApi(stack, 'Api', { existingTable: replica, encryptionKey: key });
  const template = Template.fromStack(stack);

  test('no table of its own: the handler names the replica and may read and write it in this region, with its key', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { TABLE_NAME: 'production-eu-west-1-items' } } });
    const statements = [...Object.values(resourcesOf(template, 'AWS::IAM::Policy')), ...Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy'))].flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
    const tableGrant = statements.find((s) => [s.Action].flat().includes('dynamodb:PutItem'))!;
    expect(JSON.stringify(tableGrant.Resource)).toContain(':dynamodb:us-west-2:123456789012:table/production-eu-west-1-items');
    expect(statements.some((s) => [s.Action].flat().includes('kms:Decrypt') && JSON.stringify(s.Resource).includes('ReplicaKey'))).toBe(true);
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

describe('bad input', () => {
  test('fails when replicas have a key of another region, or a region twice', () => {
    expect(problemsOf(validateServerlessApiProps, { tableReplicas: [...REPLICAS, { region: 'us-west-2', keyArn: 'arn:aws:kms:us-east-2:123456789012:alias/x' }] })).toEqual([
      'tableReplicas: got ["us-west-2","us-west-2"]; expected each region once',
      'tableReplicas[1].keyArn: got "arn:aws:kms:us-east-2:123456789012:alias/x"; expected a key in the replica\'s region us-west-2: a replica is encrypted with a key of its own region',
    ]);
  });

  test('fails when an existing table is given with createTable or replicas', () => {
    const existingTable = dynamodb.TableV2.fromTableName(new Stack(), 'T', 'items');
    expect(problemsOf(validateServerlessApiProps, { existingTable, createTable: true, tableReplicas: REPLICAS, tableName: 'items' })).toEqual([
      'createTable: got true; expected createTable or existingTable, not both',
      'tableReplicas: got ["us-west-2"]; replicates a table the construct creates; replicate your existingTable where it is defined',
    ]);
  });

  test('fails when a replica is in the stack\'s own region, or the stack has no region', () => {
    expect(() => build({ tableReplicas: REPLICAS, tableName: 'items' }, 'us-west-2'))
      .toThrow('tableReplicas[0].region: got "us-west-2"; expected a region other than the stack\'s own (us-west-2)');
    const stack = new Stack(new Stage(testApp(), 'Agnostic'), 'Api');
    expect(() => new ServerlessApi(stack, 'Api', { tableReplicas: REPLICAS, tableName: 'items' }))
      .toThrow('a global table needs a stack with a region (env.region)');
  });
});
