import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledge, formatFindings, recordAcknowledgements } from '../../lib/shared/compliance';
import { complianceReport, COMPLIANCE_RECORD_FILE, standInUnreadable, templateFindings } from '../../lib/shared/template-findings';
import { stackTemplate, synthesizedStage, testApp, testStack } from '../harness';
import { VARIANT_NAMES } from '../synth/variants';

const acknowledged = (id: string) => ({ cdk_nag: { rules_to_suppress: [{ id, reason: 'Test acknowledgement.' }] } });
const rulesAt = (findings: { rule: string; path: string }[], path: string) => findings.filter((f) => f.path === path).map((f) => f.rule);

describe('template findings', () => {
  // A hand-written template, as a scanner would be given it: a queue with no
  // dead-letter queue and no TLS-only policy, and one that acknowledges the latter.
  const template = {
    Resources: {
      Careless: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::GetStackOutput': { StackName: 'Other', OutputName: 'Name' } } } },
      Acknowledged: { Type: 'AWS::SQS::Queue', Properties: {}, Metadata: acknowledged('AwsSolutions-SQS4') },
    },
  };
  const findings = templateFindings({ Hand: template });

  test('finds what is wrong with a resource, reading a value CfnInclude cannot read as a placeholder', () => {
    expect(rulesAt(findings, 'Hand/Careless')).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });

  test('an acknowledgement in the template metadata silences that rule on that resource only', () => {
    const onAcknowledged = rulesAt(findings, 'Hand/Acknowledged');
    expect(onAcknowledged).not.toContain('AwsSolutions-SQS4');
    expect(onAcknowledged).toContain('AwsSolutions-SQS3');
    expect(rulesAt(findings, 'Hand/Careless')).toContain('AwsSolutions-SQS4');
  });

  test('stands in every intrinsic CfnInclude rejects, and keeps the ones it reads', () => {
    expect(standInUnreadable({ A: [{ 'Fn::GetStackOutput': { OutputName: 'X' } }, { 'Fn::Sub': '${AWS::Region}' }], B: { Ref: 'C' }, N: 1 }))
      .toEqual({ A: [{ 'Fn::ImportValue': '<Fn::GetStackOutput>' }, { 'Fn::Sub': '${AWS::Region}' }], B: { Ref: 'C' }, N: 1 });
  });

  test('sees a value read from another stack\'s output as unknown until deploy: SSH open to it is a finding', () => {
    const ingress = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: {
      GroupId: 'sg-12345678', IpProtocol: 'tcp', FromPort: 22, ToPort: 22,
      CidrIp: { 'Fn::GetStackOutput': { StackName: 'Other', OutputName: 'Cidr', Region: 'eu-west-1' } },
    } };
    const rules = templateFindings({ Ingress: { Resources: { Ssh: ingress } } }).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-EC23', 'NIST.800.53.R5-EC2RestrictedSSH']));
  });

  test('refuses a template with a nested stack, whose resources it would not read', () => {
    const nested = { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://example.com/nested.json' } };
    expect(() => templateFindings({ Parent: { Resources: { Child: nested } } }))
      .toThrow('The template-level compliance check does not read nested stacks: Parent has Child (AWS::CloudFormation::Stack)');
  });
});

// The run's one synthesis of each stage variant (test/synth/variants.ts) carries
// its template-level findings, computed with templateFindings as above.
describe.each(VARIANT_NAMES)('the %s stage variant', (variant) => {
  test('has every architecture\'s template', () => {
    expect(synthesizedStage(variant).stacks.map((s) => s.id)).toEqual(expect.arrayContaining(['FanOut', 'Network', 'ServerlessApi', 'StaticSite', 'WebTier']));
  });

  test('has no unacknowledged finding in any template, CDK\'s own provider functions included', () => {
    expect(formatFindings(synthesizedStage(variant).stacks.flatMap((s) => s.findings))).toBe('');
  });
});

describe('the app\'s compliance report', () => {
  // A stage in an app, as synthesizeApp builds one: the packs run only over the synthesized templates.
  function synthesized(build: (stack: Stack) => void) {
    const app = testApp();
    const stage = new Stage(app, 'Unit');
    recordAcknowledgements(stage);
    build(new Stack(stage, 'Test'));
    return app.synth();
  }

  test('lists what only a template scanner sees, at its construct path and its place in the template: a raw CfnResource', () => {
    const report = complianceReport(synthesized((stack) => new CfnResource(stack, 'Raw', { type: 'AWS::SQS::Queue' })));
    expect(report).toContain('AwsSolutions-SQS3 at Unit/Test/Raw (Unit-Test/Raw in the template)');
  });

  test('lists a finding on an L2 at the construct path of its resource, and honours an acknowledgement written into the template', () => {
    const assembly = synthesized((stack) => {
      const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true });
      acknowledge(queue, 'AwsSolutions-SQS3', 'Test acknowledgement.');
    });
    const report = complianceReport(assembly) ?? '';
    expect(report).toMatch(/Serverless-SQSRedrivePolicy at Unit\/Test\/Queue\/Resource \(Unit-Test\/Queue[0-9A-F]{8} in the template\)/);
    expect(report).not.toContain('AwsSolutions-SQS3');
  });

  test('records the packs it ran and every template it read, with the findings', () => {
    const assembly = synthesized((stack) => new CfnResource(stack, 'Raw', { type: 'AWS::SQS::Queue' }));
    complianceReport(assembly);
    const record = JSON.parse(fs.readFileSync(path.join(assembly.directory, COMPLIANCE_RECORD_FILE), 'utf8'));
    expect(record.packs).toEqual(['AwsSolutions', 'Serverless', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']);
    expect(record.templates).toEqual(['Unit-Test']);
    expect(record.findings).toContainEqual({ rule: 'AwsSolutions-SQS3', severity: 'error', path: 'Unit/Test/Raw', resource: 'Unit-Test/Raw' });
  });

  test('is empty when nothing is found', () => {
    expect(complianceReport(synthesized(() => undefined))).toBeUndefined();
  });
});

describe('acknowledgements of CDK\'s own resources', () => {
  function vpcMetadataRules(restrictDefaultSecurityGroup: boolean): string[] {
    const stack = testStack();
    new ec2.Vpc(stack, 'Vpc', { restrictDefaultSecurityGroup, natGateways: 0 });
    const template = (Stage.of(stack) as Stage).synth().getStackArtifact(stack.artifactId).template;
    const vpc = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::EC2::VPC');
    return (vpc.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((r: { id: string }) => r.id);
  }

  test('a VPC whose default security group CDK closes is acknowledged for the rule a template cannot show', () => {
    expect(vpcMetadataRules(true)).toContain('NIST.800.53.R5-VPCDefaultSecurityGroupClosed');
  });

  test('a VPC that keeps its default security group open is not', () => {
    expect(vpcMetadataRules(false)).not.toContain('NIST.800.53.R5-VPCDefaultSecurityGroupClosed');
  });

  test('name each rule on the provider resource it fires on, the same however the stage is placed', () => {
    const providerAcknowledgements = (pinned: boolean) => {
      const template = stackTemplate(pinned ? 'Sandbox pinned' : 'Sandbox', 'Network').toJSON() as { Resources: Record<string, any> };
      return Object.fromEntries(Object.entries(template.Resources)
        .filter(([id]) => id.startsWith('CustomVpcRestrictDefaultSGCustomResourceProvider'))
        .map(([id, r]) => [id, r.Metadata.cdk_nag.rules_to_suppress.filter((a: { id: string }) => !a.id.startsWith('CloudFormation-Validate::'))]));
    };
    const agnostic = providerAcknowledgements(false);
    const roleRules = agnostic.CustomVpcRestrictDefaultSGCustomResourceProviderRole26592FE0.map((r: { id: string }) => r.id);
    expect(roleRules).toContain('PCI.DSS.321-IAMNoInlinePolicy');
    expect(roleRules).not.toContain('PCI.DSS.321-LambdaInsideVPC');
    expect(agnostic).toEqual(providerAcknowledgements(true));
  });
});
