import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EMAIL, Validator } from '../shared/validation';

/** Instance counts of the Auto Scaling group. */
export interface CapacityProps {
  /** Fewest instances. @default 2 */
  readonly min?: number;
  /** Instances to start with, between min and max. @default min */
  readonly desired?: number;
  /** Most instances. @default 4 */
  readonly max?: number;
}

/** The target group's health check. */
export interface HealthCheckProps {
  /** Path answered 200 by a healthy instance. @default '/health' */
  readonly path?: string;
  /** Time between checks, 5 to 300 s. @default Duration.seconds(15) */
  readonly interval?: Duration;
  /** Consecutive successes to become healthy, 2 to 10. @default 2 */
  readonly healthyThreshold?: number;
  /** Consecutive failures to become unhealthy, 2 to 10. @default 3 */
  readonly unhealthyThreshold?: number;
}

/** Step scaling on average CPU (the notes' example: +2 above 70 %, -1 below 30 %). */
export interface StepScalingProps {
  /** Add instances when CPU is above this percentage. @default 70 */
  readonly scaleOutAbove?: number;
  /** Instances to add. @default 2 */
  readonly scaleOutBy?: number;
  /** Remove instances when CPU is below this percentage. @default 30 */
  readonly scaleInBelow?: number;
  /** Instances to remove. @default 1 */
  readonly scaleInBy?: number;
}

/**
 * A scheduled change of capacity (the notes' peak at 14:00, low at 02:00). It
 * sets the bounds: a desired count alone is undone by target tracking within minutes.
 */
export interface ScheduleProps {
  /** Name of the action, e.g. `afternoon-peak`. */
  readonly name: string;
  /** Cron expression of five fields: minute hour day-of-month month day-of-week. */
  readonly cron: string;
  /** New minimum. @default unchanged */
  readonly min?: number;
  /** New desired capacity; only with min or max, as target tracking undoes a desired count alone. @default unchanged */
  readonly desired?: number;
  /** New maximum. @default unchanged */
  readonly max?: number;
}

/** Props of the {@link WebTier} construct. */
export interface WebTierProps {
  /** The VPC: the load balancer goes in its public subnets, the instances in its private ones. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the load balancer: at most one per Availability Zone.
   * @default one public subnet per AZ (the first public group when there are several)
   */
  readonly loadBalancerSubnets?: ec2.SubnetSelection;
  /**
   * Subnets of the instances.
   * @default one private-with-egress subnet per AZ (the first such group when there are several)
   */
  readonly instanceSubnets?: ec2.SubnetSelection;
  /**
   * Machine image of the instances; must be Linux with `curl` (the health-gated
   * signal runs in its shell; `cfn-signal` is installed with dnf when missing).
   * @default the latest Amazon Linux 2023 for the instance type's architecture
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * User data that starts your web server on `port`, answering 200 on `healthCheck.path`.
   * The construct appends the health-gated CloudFormation signal to it.
   * @default nginx serving a page naming the instance and its AZ, and the health path
   */
  readonly userData?: ec2.UserData;
  /**
   * Port the instances serve HTTP on, 1 to 65535.
   * @default 80
   */
  readonly port?: number;
  /**
   * How long CloudFormation waits for each new instance to pass its local health
   * check and signal, on creation and in each rolling-update batch; past it the
   * deploy fails and rolls back instead of hanging. 1 to 60 minutes.
   * @default Duration.minutes(15)
   */
  readonly launchTimeout?: Duration;
  /**
   * Key encrypting the notification topic and the WAF logs. A key of your own
   * (`kms.Key.fromKeyArn`) must already let Auto Scaling's service-linked role,
   * CloudWatch and CloudWatch Logs use it.
   * @default a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Retention of the WAF logs (with `webAcl: true`).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * CIDRs allowed to reach the load balancer on ports 80 and 443.
   * @default ['0.0.0.0/0'] (anywhere)
   */
  readonly allowedCidrs?: string[];
  /**
   * ACM certificate ARN (same region): HTTPS with a TLS 1.3 policy, HTTP redirected to it.
   * @default none: plain HTTP, with a warning at synth
   */
  readonly certificateArn?: string;
  /**
   * Deletion protection on the load balancer.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** The target group's health check. @default see {@link HealthCheckProps} */
  readonly healthCheck?: HealthCheckProps;
  /**
   * How long a deregistering instance keeps serving in-flight requests, 0 to 3600 s.
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;
  /**
   * Sticky sessions (load-balancer cookie) for this long, 1 s to 7 days.
   * @default none
   */
  readonly stickySessions?: Duration;
  /**
   * Protect the load balancer with a WAF web ACL (AWS managed common, known-bad-inputs and
   * IP-reputation rules, a per-IP rate limit); about $9 a month.
   * @default false
   */
  readonly webAcl?: boolean;
  /**
   * Instance type; Graviton types get an arm64 image, others x86_64.
   * @default t4g.micro
   */
  readonly instanceType?: ec2.InstanceType;
  /** Instance counts. @default { min: 2, desired: 2, max: 4 } */
  readonly capacity?: CapacityProps;
  /**
   * Time a new instance has before ELB health checks count, 0 to 7200 s.
   * @default Duration.seconds(180)
   */
  readonly healthCheckGracePeriod?: Duration;
  /**
   * Target tracking: keep average CPU near this percentage, 1 to 100.
   * @default 50
   */
  readonly cpuTarget?: number;
  /**
   * Target tracking: keep requests per instance per minute near this.
   * @default none
   */
  readonly requestsPerTargetPerMinute?: number;
  /**
   * Step scaling on CPU.
   * @default none
   */
  readonly stepScaling?: StepScalingProps;
  /**
   * Scheduled capacity changes.
   * @default none
   */
  readonly schedules?: ScheduleProps[];
  /**
   * IANA time zone of the schedules, e.g. `Asia/Seoul`.
   * @default 'UTC'
   */
  readonly timeZone?: string;
  /**
   * E-mail address for scaling notifications and alarms.
   * @default none
   */
  readonly alarmEmail?: string;
  /**
   * What happens to the access-log bucket and the key on stack deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** An ACM certificate ARN. */
export const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:certificate\/[0-9a-f-]{36}$/;
const CRON_FIELD = /^(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*$/;
const SCHEDULE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const CRON_RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];

/**
 * Checks every rule, throwing one ConfigError listing all problems. Values
 * that are tokens (parameters, imported values) are unknown until deploy and skipped.
 */
export function validateWebTierProps(props: WebTierProps): void {
  const v = new Validator('WebTier props');
  checkAllowedCidrs(v, props.allowedCidrs);
  if (known(props.certificateArn)) {
    v.check(CERTIFICATE_ARN.test(props.certificateArn), 'certificateArn', props.certificateArn,
      'expected an ACM certificate ARN such as "arn:aws:acm:eu-west-1:123456789012:certificate/<uuid>"');
  }
  if (known(props.alarmEmail)) v.check(EMAIL.test(props.alarmEmail), 'alarmEmail', props.alarmEmail, 'expected an e-mail address');
  v.intRange('port', props.port, 1, 65535);
  checkHealthCheck(v, props.healthCheck);
  v.intRange('deregistrationDelay', props.deregistrationDelay?.toSeconds(), 0, 3600, ' seconds');
  v.intRange('stickySessions', props.stickySessions?.toSeconds(), 1, 604800, ' seconds');
  v.intRange('healthCheckGracePeriod', props.healthCheckGracePeriod?.toSeconds(), 0, 7200, ' seconds');
  v.intRange('launchTimeout', props.launchTimeout?.toSeconds(), 60, 3600, ' seconds');
  checkCapacity(v, 'capacity', props.capacity ?? {}, capacityOf(props));
  v.intRange('cpuTarget', props.cpuTarget, 1, 100, ' %');
  v.intRange('requestsPerTargetPerMinute', props.requestsPerTargetPerMinute, 1, 1_000_000);
  checkSteps(v, props.stepScaling);
  checkSchedules(v, props);
  v.throwIfInvalid();
}

/** True when a value is given and known at synth (not a token). */
function known<T>(value: T | undefined): value is T {
  return value !== undefined && !Token.isUnresolved(value);
}

function checkAllowedCidrs(v: Validator, cidrs: string[] | undefined): void {
  if (cidrs === undefined) return;
  // A list parameter is one token standing for the whole list: it cannot become one rule per CIDR.
  if (Token.isUnresolved(cidrs)) {
    v.fail('allowedCidrs', cidrs, 'expected a list of CIDRs, each a string or a token (e.g. Fn.select over a list parameter), not one token for the whole list');
    return;
  }
  v.check(cidrs.length > 0, 'allowedCidrs', cidrs, 'expected at least one CIDR, or leave it out for anywhere');
  cidrs.forEach((c, i) => { if (known(c)) v.cidr(`allowedCidrs[${i}]`, c, 0, 32); });
}

/** Capacity with defaults applied. */
export function capacityOf(props: WebTierProps): Required<CapacityProps> {
  const min = props.capacity?.min ?? 2;
  return { min, desired: props.capacity?.desired ?? min, max: props.capacity?.max ?? Math.max(4, min) };
}

/**
 * Checks the counts given in `c` against the bounds in force: the group's own
 * (defaults applied, and it must be able to run an instance) or, for a
 * schedule, only the bounds the schedule itself sets.
 */
function checkCapacity(v: Validator, prop: string, c: CapacityProps, group?: Required<CapacityProps>): void {
  v.intRange(`${prop}.min`, c.min, 0, 1000);
  v.intRange(`${prop}.max`, c.max, group ? 1 : 0, 1000);
  v.intRange(`${prop}.desired`, c.desired, 0, 1000);
  const min = group?.min ?? c.min;
  const max = group?.max ?? c.max;
  if (known(min) && known(max)) v.check(min <= max, `${prop}.min`, min, `expected at most ${prop}.max (${max})`);
  if (known(c.desired) && !Token.isUnresolved(min) && !Token.isUnresolved(max)) {
    v.check((min === undefined || c.desired >= min) && (max === undefined || c.desired <= max), `${prop}.desired`, c.desired,
      `expected a count between ${prop}.min (${min ?? 'unchanged'}) and ${prop}.max (${max ?? 'unchanged'})`);
  }
}

function checkHealthCheck(v: Validator, h: HealthCheckProps | undefined): void {
  if (!h) return;
  if (known(h.path)) v.check(/^\/[\x21-\x7e]*$/.test(h.path) && h.path.length <= 1024, 'healthCheck.path', h.path, 'expected a path starting with "/", e.g. "/health"');
  v.intRange('healthCheck.interval', h.interval?.toSeconds(), 5, 300, ' seconds');
  v.intRange('healthCheck.healthyThreshold', h.healthyThreshold, 2, 10);
  v.intRange('healthCheck.unhealthyThreshold', h.unhealthyThreshold, 2, 10);
}

function checkSteps(v: Validator, s: StepScalingProps | undefined): void {
  if (!s) return;
  const out = s.scaleOutAbove ?? 70;
  const inn = s.scaleInBelow ?? 30;
  v.intRange('stepScaling.scaleOutAbove', s.scaleOutAbove, 1, 99, ' %');
  v.intRange('stepScaling.scaleInBelow', s.scaleInBelow, 1, 99, ' %');
  v.intRange('stepScaling.scaleOutBy', s.scaleOutBy, 1, 100);
  v.intRange('stepScaling.scaleInBy', s.scaleInBy, 1, 100);
  if (Token.isUnresolved(inn) || Token.isUnresolved(out)) return;
  v.check(inn < out, 'stepScaling', { scaleInBelow: inn, scaleOutAbove: out },
    'expected scaleInBelow under scaleOutAbove: overlapping thresholds would scale in and out at once');
}

function checkSchedules(v: Validator, props: WebTierProps): void {
  const names = new Set<string>();
  props.schedules?.forEach((s, i) => {
    const at = `schedules[${i}]`;
    if (known(s.name)) v.check(SCHEDULE_NAME.test(s.name) && !names.has(s.name), `${at}.name`, s.name, 'expected a unique name of 1 to 64 letters, digits, "-" or "_"');
    names.add(s.name);
    if (known(s.cron)) v.check(isCron(s.cron), `${at}.cron`, s.cron, 'expected five cron fields "minute hour day month weekday", e.g. "0 14 * * *"');
    // Target tracking is always on, and resets a desired count within minutes: only the bounds hold.
    v.check(s.min !== undefined || s.max !== undefined, at, s.name,
      s.desired === undefined ? 'expected at least one of min, max' : 'expected min or max besides desired: target tracking undoes a desired count alone within minutes');
    checkCapacity(v, at, s);
  });
  if (known(props.timeZone)) {
    v.check(TIME_ZONES.has(props.timeZone), 'timeZone', props.timeZone, 'expected an IANA time zone such as "UTC" or "Asia/Seoul"');
  }
}

const TIME_ZONES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);

/** True for a five-field cron expression with values in range. */
export function isCron(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  return fields.every((field, i) => {
    if (!CRON_FIELD.test(field)) return false;
    const [lo, hi] = CRON_RANGES[i];
    return (field.match(/\d+/g) ?? []).every((n, j, all) => {
      // The number after "/" is a step, not a value.
      const isStep = field.includes('/') && j === all.length - 1 && field.endsWith(`/${n}`);
      return isStep ? Number(n) > 0 : Number(n) >= lo && Number(n) <= hi;
    });
  });
}
