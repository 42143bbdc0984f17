import { Template } from 'aws-cdk-lib/assertions';
import { estimateStack, loadPrices, natModeCosts, pricedRegions } from '../../lib/docs/cost';
import { CfnTemplate } from '../../lib/docs/template';
import { Network } from '../../lib/network/network';
import { NetworkProps } from '../../lib/network/network-props';
import { testStack } from '../harness';

const prices = loadPrices('us-east-1');

describe('idle cost estimator, on hand-written templates', () => {
  test('NAT gateway, its IP, a KMS key and free VPC plumbing', () => {
    const template: CfnTemplate = { Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      Subnet: { Type: 'AWS::EC2::Subnet', Properties: {} },
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} },
      Ip: { Type: 'AWS::EC2::EIP', Properties: {} },
      Key: { Type: 'AWS::KMS::Key', Properties: {} },
    } };
    const estimate = estimateStack(template, prices);
    // 0.045 x 730 + 0.005 x 730 + 1 = 32.85 + 3.65 + 1.00
    expect(estimate.total).toBe(37.5);
    expect(estimate.lines.map((l) => [l.logicalId, l.monthly])).toEqual([['Nat', 32.85], ['Ip', 3.65], ['Key', 1]]);
    expect(estimate.idleFree.map((f) => f.logicalId)).toEqual(['Vpc', 'Subnet']);
    expect(estimate.usage.map((u) => u.item)).toEqual(['KMS requests', 'NAT gateway data processed']);
  });

  test('an Auto Scaling group costs its minimum instances of the launch template\'s type, with their volumes', () => {
    const template: CfnTemplate = { Resources: {
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: {
        InstanceType: 't4g.micro', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 10 } }],
      } } },
      Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '2', MaxSize: '4', LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } },
      Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application', Scheme: 'internal', Subnets: ['a', 'b'] } },
    } };
    const estimate = estimateStack(template, prices);
    // 2 x 0.0084 x 730 = 12.264; 2 x 10 x 0.08 = 1.6; ALB 0.0225 x 730 = 16.425
    expect(estimate.lines.map((l) => [l.what, +l.monthly.toFixed(3)])).toEqual([
      ['2 x t4g.micro instance hours', 12.264], ['2 x 10 GB gp3 volume', 1.6], ['Application Load Balancer hours', 16.425],
    ]);
    expect(estimate.total).toBe(30.29);
  });

  test('an internet-facing load balancer (the default scheme) holds a public IPv4 address in each AZ, billed by the hour', () => {
    const template: CfnTemplate = { Resources: {
      Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: ['a', 'b', 'c'] } },
      Mapped: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', SubnetMappings: [{ SubnetId: 'a' }, { SubnetId: 'b' }] } },
      Internal: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internal', Subnets: ['a', 'b'] } },
    } };
    const estimate = estimateStack(template, prices);
    // 3 x 0.005 x 730 = 10.95; 2 x 0.005 x 730 = 7.30; each ALB 16.425
    expect(estimate.lines.map((l) => [l.logicalId, l.what, +l.monthly.toFixed(3)])).toEqual([
      ['Alb', 'Application Load Balancer hours', 16.425], ['Alb', 'Public IPv4 address hours x 3 AZ', 10.95],
      ['Mapped', 'Application Load Balancer hours', 16.425], ['Mapped', 'Public IPv4 address hours x 2 AZ', 7.3],
      ['Internal', 'Application Load Balancer hours', 16.425],
    ]);
  });

  test('subnets known only at deploy leave the addresses, and the total, unknown rather than low', () => {
    const template: CfnTemplate = { Resources: {
      Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: { 'Fn::Split': [',', { Ref: 'Subnets' }] } } },
    } };
    const estimate = estimateStack(template, prices);
    expect(estimate.lines[1].what).toBe('Public IPv4 address hours x unknown number of AZ');
    expect(estimate.total).toBeNaN();
  });

  test('a desired capacity, when set, is what runs', () => {
    const template: CfnTemplate = { Resources: {
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { InstanceType: 't4g.small' } } },
      Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', DesiredCapacity: '3', LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } },
    } };
    // 3 x 0.0168 x 730 = 36.792; 3 x 8 GB x 0.08 = 1.92
    expect(estimateStack(template, prices).total).toBe(38.71);
  });

  test('WAF, alarms (per metric), interface endpoints per AZ, an API cache', () => {
    const template: CfnTemplate = { Resources: {
      Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{}, {}, {}, {}] } },
      Simple: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors' } },
      MathAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Metrics: [{ Expression: 'a+b' }, { MetricStat: {} }, { MetricStat: {} }] } },
      Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b'] } },
      Gateway: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } },
      Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { CacheClusterEnabled: true, CacheClusterSize: '0.5' } },
    } };
    const estimate = estimateStack(template, prices);
    // 5 + 4; 0.10; 0.20; 2 x 0.01 x 730 = 14.60; 0.02 x 730 = 14.60
    expect(estimate.lines.map((l) => [l.logicalId, +l.monthly.toFixed(2)])).toEqual([
      ['Acl', 9], ['Simple', 0.1], ['MathAlarm', 0.2], ['Endpoint', 14.6], ['Stage', 14.6],
    ]);
    expect(estimate.total).toBe(38.5);
    expect(estimate.idleFree.map((f) => f.logicalId)).toEqual(['Gateway']);
  });

  test('provisioned concurrency bills its memory every second', () => {
    const template: CfnTemplate = { Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 1024, Architectures: ['arm64'] } },
      Live: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' }, ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } } },
    } };
    // 2 x 1 GB x 0.0000033334 x 730 x 3600 = 17.52
    expect(estimateStack(template, prices).total).toBe(17.52);
  });

  test('an unknown resource type is listed as not priced, never dropped', () => {
    const template: CfnTemplate = { Resources: {
      Db: { Type: 'AWS::RDS::DBInstance', Properties: {} },
      Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    } };
    const estimate = estimateStack(template, prices);
    expect(estimate.notPriced).toEqual([{ logicalId: 'Db', type: 'AWS::RDS::DBInstance' }]);
    expect(estimate.total).toBe(0);
    expect(estimate.usage.map((u) => [u.item, u.unit, u.price])).toEqual([['SQS requests (standard)', 'million requests', 0.4]]);
  });

  test('an instance type missing from the price data makes the total unknown rather than low', () => {
    const template: CfnTemplate = { Resources: { I: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'x9.huge' } } } };
    const estimate = estimateStack(template, prices);
    expect(estimate.lines[0].what).toBe('1 x x9.huge instance hours (type not in the price data)');
    expect(estimate.total).toBeNaN();
  });
});

describe('public IPv4 addresses of a synthesized Network', () => {
  const ipv4Lines = (props: NetworkProps) => {
    const stack = testStack();
    new Network(stack, 'Network', props);
    return estimateStack(Template.fromStack(stack).toJSON(), prices).lines.filter((l) => /public IPv4/i.test(l.what)).map((l) => [l.type, l.what, +l.monthly.toFixed(2)]);
  };

  test('each NAT gateway\'s Elastic IP', () => {
    expect(ipv4Lines({ natMode: 'single' })).toEqual([['AWS::EC2::EIP', 'Public IPv4 address hours', 3.65]]);
    expect(ipv4Lines({ natMode: 'perAz', azCount: 3 })).toEqual(Array(3).fill(['AWS::EC2::EIP', 'Public IPv4 address hours', 3.65]));
  });

  test('the NAT instance\'s public address', () => {
    expect(ipv4Lines({ natMode: 'instance' })).toEqual([['AWS::EC2::Instance', '1 x public IPv4 address hours', 3.65]]);
  });

  test('no NAT, no address', () => {
    expect(ipv4Lines({ natMode: 'none', subnetSizes: { private: false } })).toEqual([]);
  });
});

describe('price data', () => {
  test('an unknown region gives a clear error naming the regions that have data', () => {
    expect(() => loadPrices('eu-west-1')).toThrow('No price data for region "eu-west-1"; prices exist for: us-east-1.');
    expect(pricedRegions()).toEqual(['us-east-1']);
  });

  test('every price says where it came from and when', () => {
    expect(prices.takenOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const priced of [...Object.values(prices.idle), ...Object.values(prices.usage), prices.ec2Hour]) {
      expect(priced.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
    }
  });

  test('NAT modes from the same data', () => {
    expect(natModeCosts(prices).map((r) => [r.mode, r.monthly])).toEqual([
      ['perAz (3 AZs)', 109.5], ['single', 36.5], ['instance', 7.36], ['none', 0],
    ]);
  });
});
