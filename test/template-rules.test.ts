import { collidingNames, COMMERCIAL_REGIONS, concurrencyReservations, constantConditions, equivalentConditions, functionsWithoutNetworkAccess, regionGaps } from './template-rules';

// The rules the user-path tests apply to every template, shown to fire on the
// defects they exist for and to pass what CloudFormation accepts.
const region = { Ref: 'AWS::Region' };

describe('regionGaps', () => {
  const mapOf = (regions: string[]) => Object.fromEntries(regions.map((r) => [r, { account: '1' }]));
  const lookup = (map: Record<string, Record<string, unknown>>, ...rest: object[]) => ({
    Mappings: { Accounts: map },
    Resources: { P: { Type: 'X', Properties: { A: { 'Fn::FindInMap': ['Accounts', region, 'account', ...rest] } } } },
  });

  test('reports a region-keyed map that misses a region', () => {
    expect(regionGaps(lookup(mapOf(['us-east-1'])))[0]).toMatch(/map Accounts has no entry for .*mx-central-1/);
  });

  test('accepts a map that covers every commercial region, or a lookup with a default', () => {
    expect(regionGaps(lookup(mapOf(COMMERCIAL_REGIONS)))).toEqual([]);
    expect(regionGaps(lookup(mapOf(['us-east-1']), { DefaultValue: 'none' }))).toEqual([]);
  });

  test('checks maps keyed by region on the second level too', () => {
    const template = {
      Mappings: { M: { account: { 'us-east-1': '1' } } },
      Resources: { P: { Type: 'X', Properties: { A: { 'Fn::FindInMap': ['M', 'account', region] } } } },
    };
    expect(regionGaps(template)).toHaveLength(1);
  });
});

describe('functionsWithoutNetworkAccess', () => {
  test('names a function in a VPC whose role has neither the VPC access policy nor ec2:CreateNetworkInterface', () => {
    const fn = (role: string) => ({ Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': [role, 'Arn'] }, VpcConfig: { SubnetIds: ['s'] } } });
    expect(functionsWithoutNetworkAccess({ Resources: {
      Bare: fn('BareRole'), BareRole: { Type: 'AWS::IAM::Role', Properties: {} },
      Managed: fn('ManagedRole'), ManagedRole: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'] } },
      Own: fn('OwnRole'), OwnRole: { Type: 'AWS::IAM::Role', Properties: {} },
      OwnPolicy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: [{ Ref: 'OwnRole' }], PolicyDocument: { Statement: [{ Action: ['ec2:CreateNetworkInterface'] }] } } },
      Outside: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['BareRole', 'Arn'] } } },
    } })).toEqual(['Bare']);
  });
});

describe('equivalentConditions', () => {
  test('names a condition whose expression another already has, as CloudFormation\'s W9053 does', () => {
    const notNew = { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'ap-southeast-7'] }] };
    expect(equivalentConditions({ Conditions: { A: notNew, B: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }, C: notNew } })).toEqual(['C is equivalent to A']);
    expect(equivalentConditions({ Conditions: { A: notNew } })).toEqual([]);
  });
});

describe('constantConditions', () => {
  test('reports Fn::Equals of two literals and accepts one that depends on the deployment', () => {
    expect(constantConditions({ Conditions: { C: { 'Fn::Equals': ['a', 'b'] } } })).toEqual(['Conditions.C: Fn::Equals("a", "b") is always false']);
    expect(constantConditions({ Conditions: { C: { 'Fn::Equals': [region, 'us-east-1'] } } })).toEqual([]);
  });
});

describe('collidingNames', () => {
  const resource = (props: object, extra: object = {}) => ({ Resources: { R: { Type: 'AWS::Logs::LogGroup', Properties: props, ...extra } } });
  const byStackName = { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'logs']] };
  const byStackId = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };

  test('reports a literal name', () => {
    expect(collidingNames(resource({ LogGroupName: 'aws-waf-logs-fixed' }))).toHaveLength(1);
  });

  test('accepts a generated name, or one derived from the stack or another resource', () => {
    expect(collidingNames(resource({ RetentionInDays: 7 }))).toEqual([]);
    expect(collidingNames(resource({ LogGroupName: byStackName }))).toEqual([]);
    expect(collidingNames(resource({ LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', { Ref: 'Fn' }]] } }))).toEqual([]);
  });

  test('a retained resource needs a name that changes with every stack creation', () => {
    expect(collidingNames(resource({ LogGroupName: byStackName }, { DeletionPolicy: 'Retain' }))).toHaveLength(1);
    expect(collidingNames(resource({ LogGroupName: byStackId }, { DeletionPolicy: 'Retain' }))).toEqual([]);
  });

  test('accepts a failover switch named by its stage and primary region, unless retained; any other literal alarm name is reported', () => {
    const alarm = (name: string, extra: object = {}) => ({ Resources: { A: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: name }, ...extra } } });
    expect(collidingNames(alarm('Production-eu-west-1-failover-switch'))).toEqual([]);
    expect(collidingNames(alarm('Production-eu-west-1-failover-switch', { DeletionPolicy: 'Retain' }))).toHaveLength(1);
    expect(collidingNames(alarm('Production-failover-switch'))).toHaveLength(1);
    expect(collidingNames(alarm('high-cpu'))).toHaveLength(1);
  });

  test('accepts a global database identifier named by its stage and primary region, unless retained; reports any other', () => {
    const cluster = (id: string, extra: object = {}) => ({ Resources: { G: { Type: 'AWS::RDS::GlobalCluster', Properties: { GlobalClusterIdentifier: id }, ...extra } } });
    expect(collidingNames(cluster('production-eu-west-1-data'))).toEqual([]);
    expect(collidingNames(cluster('production-eu-west-1-data', { DeletionPolicy: 'Retain' }))).toHaveLength(1);
    expect(collidingNames(cluster('orders'))).toHaveLength(1);
  });

  test('looks into CloudFront policy configs and skips names scoped to their parent', () => {
    const policy = { Resources: { P: { Type: 'AWS::CloudFront::ResponseHeadersPolicy', Properties: { ResponseHeadersPolicyConfig: { Name: 'fixed' } } } } };
    expect(collidingNames(policy)).toHaveLength(1);
    const stage = { Resources: { S: { Type: 'AWS::ApiGateway::Stage', Properties: { StageName: 'prod' } } } };
    expect(collidingNames(stage)).toEqual([]);
  });
});

describe('concurrencyReservations', () => {
  test('reports reserved and provisioned concurrency, and nothing else', () => {
    const template = { Resources: {
      F: { Type: 'AWS::Lambda::Function', Properties: { ReservedConcurrentExecutions: 10 } },
      A: { Type: 'AWS::Lambda::Alias', Properties: { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 1 } } },
      G: { Type: 'AWS::Lambda::Function', Properties: {} },
    } };
    expect(concurrencyReservations(template)).toEqual(['F reserves 10', 'A provisions concurrency']);
  });
});
