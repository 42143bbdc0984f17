import { humanize, mermaidDiagram } from '../../lib/docs/diagram';
import { CfnTemplate } from '../../lib/docs/template';

describe('diagram from a hand-written template', () => {
  const template: CfnTemplate = { Resources: {
    Topic1: { Type: 'AWS::SNS::Topic', Properties: {} },
    BillingQueue1: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['BillingDeadLetterQueue1', 'Arn'] }, maxReceiveCount: 5 } } },
    BillingDeadLetterQueue1: { Type: 'AWS::SQS::Queue', Properties: {} },
    Sub: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'sqs', TopicArn: { Ref: 'Topic1' }, Endpoint: { 'Fn::GetAtt': ['BillingQueue1', 'Arn'] }, FilterPolicy: { eventType: ['OrderPlaced'] }, RawMessageDelivery: true } },
    Role: { Type: 'AWS::IAM::Role', Properties: {} },
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
    Alarm1: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic1' }] } },
    Alarm2: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic1' }] } },
    CustomS3AutoDeleteObjectsCustomResourceProviderHandler: { Type: 'AWS::Lambda::Function', Properties: {} },
  } };
  const diagram = mermaidDiagram({ template });

  test('draws components and the flow between them', () => {
    expect(diagram).toContain('Topic1["SNS topic<br/>Topic1"]');
    expect(diagram).toContain('Topic1 -->|"eventType: [OrderPlaced], raw"| BillingQueue1');
    expect(diagram).toContain('BillingQueue1 -.->|"after 5 receives"| BillingDeadLetterQueue1');
    expect(diagram).toContain('publishers -->|"publish"| Topic1');
  });

  test('collapses alarms into one node per topic', () => {
    expect(diagram).toContain('alarms_Topic1["2 CloudWatch alarms"]');
    expect(diagram.match(/alarms_Topic1 -\.->/g)).toHaveLength(1);
  });

  test('leaves plumbing out: IAM, keys, custom-resource providers', () => {
    expect(diagram).not.toMatch(/Role|Key|CustomS3AutoDelete/);
  });

  test('draws subnets inside their tier inside the VPC', () => {
    const network = mermaidDiagram({ template: { Resources: {
      Vpc1: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      PubSubnet: { Type: 'AWS::EC2::Subnet', Properties: { CidrBlock: '10.0.0.0/24', AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, Tags: [{ Key: 'aws-cdk:subnet-name', Value: 'Public' }] } },
    } } });
    expect(network).toMatch(/subgraph Vpc1\["VPC 10\.0\.0\.0\/16"\]\n {4}subgraph tier_Public\["Public subnets[^"]*"\]\n {6}PubSubnet\["AZ 1<br\/>10\.0\.0\.0\/24"\]/);
    expect(network.startsWith('flowchart TB')).toBe(true);
  });
});

test('humanize drops the construct prefix and the hash', () => {
  expect(humanize('FanOutBillingQueue4A2B1C3D', 'FanOut')).toBe('Billing Queue');
  expect(humanize('ServerlessApiItemsCD20D427', 'ServerlessApi')).toBe('Items');
});
