import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
import { Validator } from '../shared/validation';
import { RestrictedEgressSecurityGroup } from '../shared/restricted-egress-security-group';
import { RegionalWebAcl } from '../shared/web-acl';
import { logAccessLogs } from './access-logs';
import { addHealthSignal, HEALTH_PATH, WEB_PORT, webServerUserData } from './user-data';
import { acknowledgeWebTierFindings } from './web-tier-findings';
import { capacityOf, validateWebTierProps, WebTierProps } from './web-tier-props';
import { addScalingPolicies } from './web-tier-scaling';

export { PLAIN_HTTP_WARNING } from './web-tier-findings';

/**
 * An internet-facing Application Load Balancer in front of an EC2 Auto Scaling
 * group in private subnets (notes 001, 002, 003, 004): hardened instances
 * reached by Session Manager only, health checks, the notes' scaling
 * policies, access logs, notifications and alarms. Creation and rolling
 * updates wait for each new instance to pass its health check locally.
 */
export class WebTier extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The listener forwarding to the instances: HTTPS with a certificate, else HTTP. Add rules here. */
  readonly listener: elbv2.ApplicationListener;
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** Security group of the instances: allow a database port from it, for example. */
  readonly instanceSecurityGroup: ec2.ISecurityGroup;
  /** Role of the instances: grant them what the application reads (grants land in a managed policy). */
  readonly instanceRole: iam.IRole;
  /** Key of the notification topic and the WAF logs. */
  readonly key: kms.IKey;
  readonly accessLogs: s3.Bucket;
  readonly notificationTopic: sns.Topic;
  /** The URL of the load balancer. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebTierProps) {
    super(scope, id);
    validateWebTierProps(props);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    this.key = props.encryptionKey ?? newKey(this, removalPolicy);
    this.notificationTopic = new AlarmTopic(this, 'Notifications', { key: this.key, email: props.alarmEmail, removalPolicy }).topic;
    allowAutoScalingToPublish(this.key);
    // ALB log delivery writes with SSE-S3 only: a KMS default here is the other classic "Access Denied".
    this.accessLogs = new LogBucket(this, 'AccessLogs', { removalPolicy });
    this.loadBalancer = this.newLoadBalancer(props);
    this.instanceRole = this.newInstanceRole();
    this.instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: props.vpc,
      description: 'Web instances: HTTP from the load balancer only; no inbound SSH',
    });
    this.autoScalingGroup = this.newAutoScalingGroup(props);
    this.targetGroup = this.newTargetGroup(props);
    this.listener = this.addListeners(props);
    addScalingPolicies(this.autoScalingGroup, props);
    if (props.webAcl) {
      new RegionalWebAcl(this, 'WebAcl', { key: this.key, removalPolicy, logRetention: props.logRetention })
        .associate('WebAclAssociation', this, this.loadBalancer.loadBalancerArn);
    }
    this.addAlarms();
    const scheme = props.certificateArn ? 'https' : 'http';
    this.url = `${scheme}://${this.loadBalancer.loadBalancerDnsName}/`;
    acknowledgeWebTierFindings(this, props);
  }

  private newLoadBalancer(props: WebTierProps): elbv2.ApplicationLoadBalancer {
    // Outbound: only the instance port (traffic and health checks), added with the listener.
    const securityGroup = new RestrictedEgressSecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: 'Web traffic from the allowed CIDRs only',
    });
    // 443 only where a listener answers on it: an open port with nothing behind it is noise in every audit.
    for (const cidr of props.allowedCidrs ?? ['0.0.0.0/0']) {
      for (const port of props.certificateArn ? [80, 443] : [80]) securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(port), `Port ${port} from ${cidr}`);
    }
    const alb = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: loadBalancerSubnets(props),
      securityGroup,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.DEFENSIVE,
      deletionProtection: props.deletionProtection ?? true,
      http2Enabled: true,
    });
    logAccessLogs(alb, this.accessLogs, 'alb');
    return alb;
  }

  private newInstanceRole(): ManagedPolicyRole {
    const role = new ManagedPolicyRole(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Web instances: Session Manager access, no SSH',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    // cfn-signal, signed with this role, may report on this stack's resources only.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cloudformation:SignalResource'], resources: [Stack.of(this).stackId] }));
    return role;
  }

  private newAutoScalingGroup(props: WebTierProps): autoscaling.AutoScalingGroup {
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO);
    const arm = instanceType.architecture === ec2.InstanceArchitecture.ARM_64;
    const port = props.port ?? WEB_PORT;
    const healthPath = props.healthCheck?.path ?? HEALTH_PATH;
    const userData = props.userData ?? webServerUserData({ port, healthPath });
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: props.machineImage ?? ec2.MachineImage.latestAmazonLinux2023({ cpuType: arm ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64 }),
      instanceType,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      role: this.instanceRole,
      securityGroup: this.instanceSecurityGroup,
      userData,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }) }],
    });
    new Validator('WebTier props').check(launchTemplate.osType !== ec2.OperatingSystemType.WINDOWS, 'machineImage', 'a Windows image',
      'expected a Linux image: the health-gated signal is a shell script').throwIfInvalid();
    const capacity = capacityOf(props);
    const timeout = props.launchTimeout ?? Duration.minutes(15);
    const asg = new autoscaling.AutoScalingGroup(this, 'Instances', {
      vpc: props.vpc,
      vpcSubnets: props.instanceSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true },
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
      // Creation waits for every first instance, each rolling-update batch for its new instance, to signal healthy.
      signals: autoscaling.Signals.waitForAll({ timeout, minSuccessPercentage: 100 }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: 1,
        // Keep the minimum serving while replacing (the group must be able to grow by one for that).
        minInstancesInService: Math.max(0, Math.min(capacity.min, capacity.max - 1)),
        waitOnResourceSignals: true,
        pauseTime: timeout,
      }),
    });
    addHealthSignal(userData, {
      port,
      healthPath,
      stackName: Aws.STACK_NAME,
      resource: Stack.of(this).getLogicalId(asg.node.defaultChild as autoscaling.CfnAutoScalingGroup),
      region: Aws.REGION,
      role: this.instanceRole.roleName,
      waitSeconds: timeout.toSeconds(),
    });
    return asg;
  }

  private newTargetGroup(props: WebTierProps): elbv2.ApplicationTargetGroup {
    const health = props.healthCheck ?? {};
    return new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      port: props.port ?? WEB_PORT,
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
  }

  private addListeners(props: WebTierProps): elbv2.ApplicationListener {
    // Instances accept HTTP from the load balancer's security group and nothing else.
    this.autoScalingGroup.connections.allowFrom(this.loadBalancer, ec2.Port.tcp(props.port ?? WEB_PORT), 'HTTP from the load balancer');
    if (!props.certificateArn) {
      return this.loadBalancer.addListener('Http', { port: 80, defaultTargetGroups: [this.targetGroup], open: false });
    }
    this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: false });
    return this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS, // ELBSecurityPolicy-TLS13-1-2-2021-06: TLS 1.3, and 1.2 for older clients
      defaultTargetGroups: [this.targetGroup],
      open: false,
    });
  }

  private addAlarms(): void {
    const metrics = this.loadBalancer.metrics;
    const period = Duration.minutes(1);
    // The 5xx counts are published only in minutes that have some: FILL makes a missing
    // minute 0 (else the sum is missing too, and the alarm sees no data); IF skips idle minutes.
    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
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
function allowAutoScalingToPublish(key: kms.IKey): void {
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

function newKey(scope: Construct, removalPolicy: RemovalPolicy): kms.Key {
  return new kms.Key(scope, 'Key', { description: `Encrypts the notifications and WAF logs of ${scope.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) });
}

/**
 * The load balancer's subnets: one public subnet per AZ unless chosen. Two
 * subnets in one AZ (two public groups, say) are refused by CloudFormation,
 * so that fails here, at synth.
 */
function loadBalancerSubnets(props: WebTierProps): ec2.SubnetSelection {
  const selection = props.loadBalancerSubnets ?? { subnetType: ec2.SubnetType.PUBLIC, onePerAz: true };
  const zones = props.vpc.selectSubnets(selection).availabilityZones;
  new Validator('WebTier props')
    .check(new Set(zones).size === zones.length, 'loadBalancerSubnets', `${zones.length} subnets in ${new Set(zones).size} AZs`,
      'expected at most one subnet per Availability Zone (add onePerAz: true or name one subnet group)')
    .check(new Set(zones).size >= 2, 'loadBalancerSubnets', `${zones.length} subnet(s)`, 'expected subnets in at least two Availability Zones')
    .throwIfInvalid();
  return selection;
}
