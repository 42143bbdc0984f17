import { Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic, alarmAbove } from '../shared/alarms';
import { LogBucket } from '../shared/log-bucket';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { DEFAULT_REMOVAL_POLICY, keyRemoval } from '../shared/removal';
import { RegionalWebAcl } from '../shared/web-acl';
import { logAccessLogs } from './access-logs';
import { HEALTH_PATH, webServerUserData } from './user-data';
import { acknowledgeWebTierFindings } from './web-tier-findings';
import { capacityOf, validateWebTierProps, WebTierProps } from './web-tier-props';
import { addScalingPolicies } from './web-tier-scaling';

/**
 * An internet-facing Application Load Balancer in front of an EC2 Auto Scaling
 * group in private subnets (notes 001, 002, 003, 004): hardened instances
 * reached by Session Manager only, health checks, the notes' scaling
 * policies, access logs, notifications and alarms.
 */
export class WebTier extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly accessLogs: s3.Bucket;
  readonly notificationTopic: sns.Topic;
  /** The URL of the load balancer. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebTierProps) {
    super(scope, id);
    validateWebTierProps(props);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const key = new kms.Key(this, 'Key', { description: `Encrypts the notification topic of ${this.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) });
    this.notificationTopic = new AlarmTopic(this, 'Notifications', { key, email: props.alarmEmail, removalPolicy }).topic;
    allowAutoScalingToPublish(key);
    // ALB log delivery writes with SSE-S3 only: a KMS default here is the other classic "Access Denied".
    this.accessLogs = new LogBucket(this, 'AccessLogs', { removalPolicy });
    this.loadBalancer = this.newLoadBalancer(props);
    this.autoScalingGroup = this.newAutoScalingGroup(props);
    this.targetGroup = this.addListeners(props);
    addScalingPolicies(this.autoScalingGroup, props);
    if (props.webAcl) {
      new RegionalWebAcl(this, 'WebAcl', { key, removalPolicy }).associate('WebAclAssociation', this, this.loadBalancer.loadBalancerArn);
    }
    this.addAlarms();
    const scheme = props.certificateArn ? 'https' : 'http';
    this.url = `${scheme}://${this.loadBalancer.loadBalancerDnsName}/`;
    acknowledgeWebTierFindings(this, props);
  }

  private newLoadBalancer(props: WebTierProps): elbv2.ApplicationLoadBalancer {
    const securityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: 'Web traffic from the allowed CIDRs only',
      allowAllOutbound: false,
    });
    for (const cidr of props.allowedCidrs ?? ['0.0.0.0/0']) {
      for (const port of [80, 443]) securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(port), `Port ${port} from ${cidr}`);
    }
    const alb = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.DEFENSIVE,
      deletionProtection: props.deletionProtection ?? true,
      http2Enabled: true,
    });
    logAccessLogs(alb, this.accessLogs, 'alb');
    return alb;
  }

  private newAutoScalingGroup(props: WebTierProps): autoscaling.AutoScalingGroup {
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO);
    const arm = instanceType.architecture === ec2.InstanceArchitecture.ARM_64;
    const role = new ManagedPolicyRole(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Web instances: Session Manager access, no SSH',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    const securityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: props.vpc,
      description: 'Web instances: HTTP from the load balancer only; no inbound SSH',
    });
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: arm ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64 }),
      instanceType,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      role,
      securityGroup,
      userData: webServerUserData(),
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }) }],
    });
    const capacity = capacityOf(props);
    return new autoscaling.AutoScalingGroup(this, 'Instances', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: capacity.min,
      // Left unset unless given: a desired capacity in the template resets the group's size on every deploy.
      desiredCapacity: props.capacity?.desired,
      maxCapacity: capacity.max,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: props.healthCheckGracePeriod ?? Duration.seconds(180),
      }),
      terminationPolicies: [autoscaling.TerminationPolicy.OLDEST_INSTANCE, autoscaling.TerminationPolicy.DEFAULT],
      defaultInstanceWarmup: Duration.seconds(120),
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: [{ topic: this.notificationTopic, scalingEvents: autoscaling.ScalingEvents.ALL }],
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({ minInstancesInService: capacity.min > 0 ? 1 : 0 }),
    });
  }

  private addListeners(props: WebTierProps): elbv2.ApplicationTargetGroup {
    const health = props.healthCheck ?? {};
    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.autoScalingGroup],
      deregistrationDelay: props.deregistrationDelay ?? Duration.seconds(30),
      stickinessCookieDuration: props.stickySessions,
      crossZoneEnabled: true,
      healthCheck: {
        path: health.path ?? HEALTH_PATH,
        interval: health.interval ?? Duration.seconds(15),
        healthyThresholdCount: health.healthyThreshold ?? 2,
        unhealthyThresholdCount: health.unhealthyThreshold ?? 3,
        timeout: Duration.seconds(5),
        healthyHttpCodes: '200',
      },
    });
    if (props.certificateArn) {
      this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS, // ELBSecurityPolicy-TLS13-1-2-2021-06: TLS 1.3, and 1.2 for older clients
        defaultTargetGroups: [targetGroup],
        open: false,
      });
      this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: false });
    } else {
      this.loadBalancer.addListener('Http', { port: 80, defaultTargetGroups: [targetGroup], open: false });
    }
    // Instances accept HTTP from the load balancer's security group and nothing else.
    this.autoScalingGroup.connections.allowFrom(this.loadBalancer, ec2.Port.tcp(80), 'HTTP from the load balancer');
    return targetGroup;
  }

  private addAlarms(): void {
    const metrics = this.loadBalancer.metrics;
    const period = Duration.minutes(1);
    const errorRate = new cloudwatch.MathExpression({
      expression: '100 * (elb5xx + target5xx) / MAX([requests, 1])',
      usingMetrics: {
        elb5xx: metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period, statistic: 'Sum' }),
        target5xx: metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period, statistic: 'Sum' }),
        requests: metrics.requestCount({ period, statistic: 'Sum' }),
      },
      label: '5xx rate (%)',
      period,
    });
    alarmAbove(this, 'ServerErrorRate', this.notificationTopic, { metric: errorRate, above: 5, periods: 3, description: 'More than 5 % of requests answered 5xx' });
    alarmAbove(this, 'UnhealthyHosts', this.notificationTopic, {
      metric: this.targetGroup.metrics.unhealthyHostCount({ period, statistic: 'Maximum' }),
      above: 0,
      periods: 3,
      description: 'An instance is failing its health check',
    });
  }
}

/**
 * Auto Scaling publishes notifications as its service-linked role, which must be
 * allowed to use the topic's key; without this the notifications are dropped.
 * Named by condition, not as principal: in a new account the role does not exist
 * until the first group is created, and KMS rejects a policy naming a missing role.
 */
function allowAutoScalingToPublish(key: kms.Key): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAutoScalingNotifications',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'kms:CallerAccount': stack.account },
      ArnEquals: {
        'aws:PrincipalArn': stack.formatArn({
          service: 'iam', region: '', resource: 'role', resourceName: 'aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
        }),
      },
    },
  }));
}
