import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { type Domain, healthCheckStatus } from '../domain/domain';
import type { DomainEndpointProps } from '../domain/endpoint';
import type { RoutingPolicy } from '../domain/routing';
import { ConfigError, REGION, show, Validator } from '../shared/validation';
import { failoverPrimaryHealthCheck } from './failover-health-check';
import { failoverPairProblems, failoverRecordsIn } from './failover-pairs';
import { FailoverSwitch, FailoverSwitchRef, switchAlarmName, switchCommand } from './failover-switch';

/** Props of {@link FailoverSwitchStack}. */
export interface FailoverSwitchStackProps extends StackProps {
  /** The switch's name (the stages use `<stage>-<primary region>`). */
  readonly switchName: string;
  /** The region the switch takes traffic away from; the stack is elsewhere (the standby region). */
  readonly primaryRegion: string;
}

/** The operator's {@link FailoverSwitch}, in the standby region, and the command that turns it on as an output. */
export class FailoverSwitchStack extends Stack {
  readonly failoverSwitch: FailoverSwitch;

  constructor(scope: Construct, id: string, props: FailoverSwitchStackProps) {
    super(scope, id, props);
    this.failoverSwitch = new FailoverSwitch(this, 'Switch', { switchName: props.switchName, primaryRegion: props.primaryRegion });
    const ref = this.failoverSwitch.ref;
    new CfnOutput(this, 'SwitchAlarmName', { value: switchAlarmName(ref), description: 'The failover switch: OK = traffic on the primary region, ALARM = on the standby' });
    new CfnOutput(this, 'FailOverCommand', {
      value: switchCommand(ref, true),
      description: `Run once: scales the standby web tier to the primary's minimum and moves the stage's names to the standby region once it is healthy (no call to ${props.primaryRegion}). `
        + 'Pilot light fails over only by this command: its standby has no instance to pass the SECONDARY\'s health check',
    });
    new CfnOutput(this, 'FailBackCommand', { value: switchCommand(ref, false), description: `Gives the names back to ${props.primaryRegion} (when its endpoints are healthy); scales nothing in: target tracking returns the standby to its minimum as traffic leaves` });
  }
}

/** Props of {@link StageFailover}. */
export interface StageFailoverProps {
  /** The stage's name, e.g. `Production`: the switch is `<stageName>-<primaryRegion>`. */
  readonly stageName: string;
  /** The stage's account. @default the stage's (environment-agnostic account) */
  readonly account?: string;
  /** The stage's region, whose endpoints are the PRIMARY records. */
  readonly primaryRegion: string;
  /** The standby region, whose endpoints are the SECONDARY records and which holds the switch. */
  readonly standbyRegion: string;
  /** The stage's domain (its Domain stack's): the records' zone, the failover alarms' topic. */
  readonly domain: Domain;
  /** Route 53 fails over on its own when a PRIMARY's endpoint fails (see FailoverPrimaryHealthCheckProps.automatic). @default true */
  readonly automatic?: boolean;
  /** Termination protection of the switch's stack. @default false */
  readonly terminationProtection?: boolean;
}

/**
 * A stage's failover between its region and its standby region: the switch's
 * stack (`FailoverSwitch`, standby region), the routing of the stage's
 * endpoints (PRIMARY, answering by a {@link FailoverPrimaryHealthCheck}) and
 * of the standby's (SECONDARY, answering by their own health checks), and an
 * alarm in the Domain stack whenever a PRIMARY stops answering.
 */
export class StageFailover {
  readonly switchStack: FailoverSwitchStack;
  /** Where the switch is. */
  readonly failoverSwitch: FailoverSwitchRef;

  constructor(scope: Construct, private readonly props: StageFailoverProps) {
    const v = new Validator('stage failover');
    v.check(REGION.test(props.primaryRegion), 'region', props.primaryRegion, 'expected an AWS region name such as "eu-west-1"');
    v.check(props.standbyRegion !== props.primaryRegion, 'standbyRegion', props.standbyRegion, 'expected a region other than the stage\'s own');
    v.throwIfInvalid();
    this.switchStack = new FailoverSwitchStack(scope, 'FailoverSwitch', {
      env: { account: props.account, region: props.standbyRegion },
      terminationProtection: props.terminationProtection,
      description: `Failover switch: the operator's switch that moves the stage's names from ${props.primaryRegion} to ${props.standbyRegion}`,
      switchName: `${props.stageName}-${props.primaryRegion}`,
      primaryRegion: props.primaryRegion,
    });
    this.failoverSwitch = this.switchStack.failoverSwitch.ref;
    // At synth, every PRIMARY of the stage has its SECONDARY (the standby's stacks publish them with secondary()).
    scope.node.addValidation({
      validate: () => failoverPairProblems(failoverRecordsIn(scope)).map((p) => `${p}: every failover name needs the standby's half (StageFailover.secondary, ReferenceStage.standbyEndpoint)`),
    });
  }

  /**
   * What a PRIMARY endpoint (the stage's own) adds to its DomainEndpointProps:
   * failover routing and the health check over the endpoint's and the switch.
   */
  primary(): Pick<DomainEndpointProps, 'routing' | 'recordHealthCheck' | 'healthCheck'> {
    return {
      healthCheck: true,
      routing: failoverRouting('PRIMARY', this.props.primaryRegion),
      recordHealthCheck: failoverPrimaryHealthCheck(this.failoverSwitch, this.props.automatic ?? true),
    };
  }

  /**
   * The DomainEndpointProps of the standby's endpoint for `recordName` (the same
   * label as the PRIMARY's, e.g. `app.sandbox`): the failover SECONDARY, with a
   * health check of its own, a certificate for the name in the standby region.
   */
  secondary(recordName: string): DomainEndpointProps {
    return { domain: this.props.domain, recordName, healthCheck: true, routing: failoverRouting('SECONDARY', this.props.standbyRegion) };
  }

  /**
   * After the PRIMARY endpoints are built: their stacks deploy after the switch's
   * (their health checks read its alarm), and the Domain stack alarms when a
   * PRIMARY stops answering (traffic is on the SECONDARY).
   */
  watch(name: string, endpointStack: Stack, recordHealthCheck: route53.IHealthCheck | undefined): void {
    endpointStack.addStackDependency(this.switchStack, 'its PRIMARY health check reads the failover switch\'s alarm');
    if (!recordHealthCheck) return;
    // Read across regions by the Domain stack when it deploys (Fn::GetStackOutput), no export to pin the endpoint's stack.
    if (recordHealthCheck instanceof route53.HealthCheck) CrossStackReferences.of(recordHealthCheck).produce(ReferenceStrength.WEAK);
    alarmOnFailover(this.props.domain, name, recordHealthCheck);
  }
}

/** The failover routing of the stages' records: the set identifier is the endpoint's region. */
export function failoverRouting(role: 'PRIMARY' | 'SECONDARY', region: string): RoutingPolicy {
  return { kind: 'failover', setIdentifier: region, role };
}

/**
 * An alarm in the Domain's stack (us-east-1, where Route 53 publishes health-check
 * metrics) while a PRIMARY's health check is unhealthy: traffic is on the SECONDARY,
 * by the switch or because the endpoint failed. It notifies the Domain's topic.
 */
export function alarmOnFailover(domain: Domain, name: string, healthCheck: route53.IHealthCheck): cloudwatch.Alarm {
  const topic = domain.alarmTopic;
  new Validator('failover alarm').check(topic !== undefined, 'domain', domain.domainName, 'the Domain has no alarm topic: give it alarms: true').throwIfInvalid();
  const alarm = new cloudwatch.Alarm(domain, `${name}FailoverAlarm`, {
    metric: healthCheckStatus(healthCheck),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    alarmDescription: `${name}: the PRIMARY record does not answer (failover switch on, or its endpoint failing): Route 53 answers with the SECONDARY`,
  });
  alarm.addAlarmAction(new actions.SnsAction(topic!));
  alarm.addOkAction(new actions.SnsAction(topic!));
  return alarm;
}

/**
 * Refuses a standby pattern (pilot light, warm standby) without the stage's domain:
 * failover moves the stage's names in Route 53, so there must be names.
 */
export function requireFailoverDomain(pattern: string, standbyRegion: string | undefined, hasDomain: boolean, servingRegions = 1): void {
  if (pattern === 'backup-and-restore' || standbyRegion === undefined) return;
  const problems: string[] = [];
  if (!hasDomain) {
    problems.push(`standbyRegion: got ${show(standbyRegion)}; the ${pattern} pattern fails over by moving the stage's names in Route 53, which needs the stage's domain: `
      + 'add -c domainName=example.com -c hostedZoneId=Z0123456789ABCDEFGHIJ (or DOMAIN_NAME, HOSTED_ZONE_ID), '
      + 'or leave out -c standbyRegion (STANDBY_REGION) for backup and restore only');
  }
  if (servingRegions > 1) {
    problems.push(`servingRegions: got ${servingRegions} regions; a stage serves its names from one region to fail over from: `
      + 'latency records across regions already route around a failed region, give one serving region with -c standbyRegion');
  }
  if (problems.length > 0) throw new ConfigError('stage config', problems);
}
