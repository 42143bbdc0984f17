import { Match, Template } from 'aws-cdk-lib/assertions';
import { PROJECT_TAG } from '../../lib/stages/reference-stage';
import { acknowledgedRules, normalised, resourcesOf, stackTemplate, synthesizedStack } from '../harness';
import { formatFindings } from '../../lib/shared/compliance';

// Each stage variant is synthesized once per run (test/setup/global-setup.js).
const sandbox = synthesizedStack('Sandbox', 'Network');
const production = synthesizedStack('Production', 'Network');
const sandboxTemplate = stackTemplate('Sandbox', 'Network');
const productionTemplate = stackTemplate('Production', 'Network');

const routesTo = (template: Template, target: string) =>
  Object.values(resourcesOf(template, 'AWS::EC2::Route')).filter((r) => target in r.Properties);

describe.each([
  ['Sandbox', sandboxTemplate, { azs: 2, nats: 1 }],
  ['Production', productionTemplate, { azs: 3, nats: 3 }],
])('Network stack, %s profile', (_name, template, expected) => {
  test('a VPC with the default CIDR and DNS', () => {
    template.hasResourceProperties('AWS::EC2::VPC', {
      CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true,
    });
  });

  test('three tiers of one subnet per AZ, spread over distinct AZs without lookups', () => {
    template.resourceCountIs('AWS::EC2::Subnet', expected.azs * 3);
    const subnets = Object.values(resourcesOf(template, 'AWS::EC2::Subnet'));
    const azIndexes = new Set(subnets.map((s) => s.Properties.AvailabilityZone['Fn::Select'][0]));
    expect([...azIndexes].sort()).toEqual(Array.from({ length: expected.azs }, (_, i) => i));
    for (const tier of ['Public', 'Private', 'Isolated']) {
      const ofTier = subnets.filter((s) => s.Properties.Tags.some((t: { Key: string; Value: string }) => t.Key === 'aws-cdk:subnet-name' && t.Value === tier));
      expect(ofTier).toHaveLength(expected.azs);
    }
  });

  test('no subnet gives instances a public IP on launch', () => {
    for (const subnet of Object.values(resourcesOf(template, 'AWS::EC2::Subnet'))) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  test('public subnets route to the internet gateway, private ones to NAT, isolated ones nowhere', () => {
    template.resourceCountIs('AWS::EC2::InternetGateway', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', expected.nats);
    template.resourceCountIs('AWS::EC2::EIP', expected.nats);
    expect(routesTo(template, 'GatewayId')).toHaveLength(expected.azs);
    expect(routesTo(template, 'NatGatewayId')).toHaveLength(expected.azs);
    template.resourceCountIs('AWS::EC2::Route', expected.azs * 2);
    const natIds = new Set(routesTo(template, 'NatGatewayId').map((r) => r.Properties.NatGatewayId.Ref));
    expect(natIds.size).toBe(expected.nats);
  });

  test('flow log of ALL traffic to an encrypted log group', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: Match.stringLikeRegexp('FlowLogsLogGroup') },
      DeliverLogsPermissionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowLogRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowLogsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the flow log key lets CloudWatch Logs of this region and account use it, nothing wider', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        Action: Match.arrayWith(['kms:Encrypt*', 'kms:GenerateDataKey*']),
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
      })]) },
    });
  });

  test('the flow log role may only write to its log group, through a managed policy', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowLogsLogGroup'), 'Arn'] },
      }] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'vpc-flow-logs.amazonaws.com' } })] },
    });
  });

  test('gateway endpoints for S3 and DynamoDB on every route table', () => {
    const endpoints = Object.values(resourcesOf(template, 'AWS::EC2::VPCEndpoint'));
    expect(endpoints).toHaveLength(2);
    for (const service of ['.s3', '.dynamodb']) {
      const endpoint = endpoints.find((e) => JSON.stringify(e.Properties.ServiceName).includes(service));
      expect(endpoint?.Properties.VpcEndpointType).toBe('Gateway');
      expect(endpoint?.Properties.RouteTableIds).toHaveLength(expected.azs * 3);
    }
  });

  test('the default security group is stripped of its rules', () => {
    template.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
      DefaultSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Vpc'), 'DefaultSecurityGroup'] },
    });
  });

  test('a network ACL per tier, associated with each of its subnets', () => {
    template.resourceCountIs('AWS::EC2::NetworkAcl', 3);
    template.resourceCountIs('AWS::EC2::SubnetNetworkAclAssociation', expected.azs * 3);
  });

  test('the isolated tier ACL admits and emits VPC traffic only', () => {
    const entries = Object.entries(resourcesOf(template, 'AWS::EC2::NetworkAclEntry'))
      .filter(([id]) => id.includes('IsolatedAcl')).map(([, e]) => e.Properties);
    expect(entries).toEqual([
      expect.objectContaining({ CidrBlock: '10.0.0.0/16', Egress: false, RuleAction: 'allow', Protocol: -1 }),
      expect.objectContaining({ CidrBlock: '10.0.0.0/16', Egress: true, RuleAction: 'allow', Protocol: -1 }),
    ]);
  });

  test('the public tier ACL admits web, return and VPC traffic only', () => {
    const inbound = Object.entries(resourcesOf(template, 'AWS::EC2::NetworkAclEntry'))
      .filter(([id, e]) => id.includes('PublicAcl') && e.Properties.Egress === false).map(([, e]) => e.Properties);
    const fromAnywhere = inbound.filter((e) => e.CidrBlock === '0.0.0.0/0').map((e) => [e.Protocol, e.PortRange ?? e.Icmp]);
    expect(fromAnywhere).toEqual([
      [6, { From: 80, To: 80 }], [6, { From: 443, To: 443 }],
      [6, { From: 1024, To: 65535 }], [17, { From: 1024, To: 65535 }], [1, { Type: 3, Code: 4 }],
    ]);
  });

  test('the private tier ACL admits nothing unsolicited from outside the VPC', () => {
    const inbound = Object.entries(resourcesOf(template, 'AWS::EC2::NetworkAclEntry'))
      .filter(([id, e]) => id.includes('PrivateAcl') && e.Properties.Egress === false).map(([, e]) => e.Properties);
    for (const entry of inbound.filter((e) => e.CidrBlock !== '10.0.0.0/16')) {
      expect(entry.PortRange ?? { From: 1024 }).toEqual(expect.objectContaining({ From: 1024 }));
    }
  });

  test('outputs the VPC id and the subnet ids of each tier', () => {
    for (const id of ['VpcId', 'PublicSubnetIds', 'PrivateSubnetIds', 'IsolatedSubnetIds']) {
      template.hasOutput(id, { Value: Match.anyValue() });
    }
  });

  test('no interface endpoints unless asked for', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  });
});

describe('stage differences', () => {
  test('stacks are named after the stage and the architecture', () => {
    expect(sandbox.stackName).toBe('Sandbox-Network');
    expect(production.stackName).toBe('Production-Network');
  });

  test('stages are environment-agnostic by default', () => {
    expect(sandbox.environment).toBe('aws://unknown-account/unknown-region');
  });

  test('an account and region given in config are honoured', () => {
    expect(synthesizedStack('Sandbox pinned', 'Network').environment).toBe('aws://123456789012/eu-west-1');
  });

  test('the sandbox deletes the flow logs and key on destroy; production retains them', () => {
    sandboxTemplate.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    sandboxTemplate.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ PendingWindowInDays: 7 }) });
    productionTemplate.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    productionTemplate.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ PendingWindowInDays: 30 }) });
  });

  test('log retention is a week in the sandbox and a year in production', () => {
    sandboxTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    productionTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('production stacks are termination-protected; sandbox stacks are not', () => {
    expect(production.terminationProtection).toBe(true);
    expect(sandbox.terminationProtection).toBe(false);
  });

  test('everything is tagged with the project and the stage', () => {
    for (const [stage, template] of [['Sandbox', sandboxTemplate], ['Production', productionTemplate]] as const) {
      template.hasResourceProperties('AWS::EC2::VPC', {
        Tags: Match.arrayWith([{ Key: 'project', Value: PROJECT_TAG }, { Key: 'stage', Value: stage }]),
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        Tags: Match.arrayWith([{ Key: 'project', Value: PROJECT_TAG }, { Key: 'stage', Value: stage }]),
      });
    }
  });
});

describe('compliance', () => {
  test.each([['Sandbox', sandbox], ['Production', production]])('%s: the five packs report nothing unacknowledged', (_n, stack) => {
    expect(formatFindings(stack.findings)).toBe('');
  });

  test('acknowledgements are written into the template with their reasons', () => {
    const rules = acknowledgedRules(sandboxTemplate);
    // The network's own, and (lib/shared/cdk-provider-acknowledgements.ts) those of CDK's
    // provider that closes the default security group, which a template scanner reports.
    expect([...rules.keys()].sort()).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-VPC3',
      ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((pack) => [
        `${pack}-IAMNoInlinePolicy`,
        ...(pack === 'PCI.DSS.321' ? [] : [`${pack}-LambdaConcurrency`, `${pack}-LambdaDLQ`]),
        `${pack}-LambdaInsideVPC`,
        `${pack}-VPCDefaultSecurityGroupClosed`,
        `${pack}-VPCNoUnrestrictedRouteToIGW`,
      ]),
      'Serverless-LambdaDLQ',
      'Serverless-LambdaTracing',
    ]);
    for (const reason of rules.values()) expect(reason.length).toBeGreaterThan(40);
  });

  test('the internet-gateway acknowledgement sits on the public routes only', () => {
    const routes = resourcesOf(sandboxTemplate, 'AWS::EC2::Route');
    for (const route of Object.values(routes)) {
      const acknowledged = (route.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((r: { id: string }) => r.id);
      expect(acknowledged.some((id: string) => id.endsWith('VPCNoUnrestrictedRouteToIGW'))).toBe('GatewayId' in route.Properties);
    }
  });
});

describe('snapshots (drift only; the assertions above are the specification)', () => {
  test('Sandbox', () => expect(normalised(sandboxTemplate)).toMatchSnapshot());
  test('Production', () => expect(normalised(productionTemplate)).toMatchSnapshot());
});
