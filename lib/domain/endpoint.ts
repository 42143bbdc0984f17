import { CrossStackReferences, ReferenceStrength } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { Domain } from './domain';
import { endpointHealthCheck } from './domain';
import type { EndpointHealthCheckProps } from './domain-props';
import type { RoutingPolicy } from './routing';

/** Puts a public endpoint (a stack's load balancer, distribution or API) on a {@link Domain}. */
export interface DomainEndpointProps {
  /** The domain whose zone holds the endpoint's name. */
  readonly domain: Domain;
  /** The endpoint's label under the domain: `app` for `app.example.com`. */
  readonly recordName: string;
  /**
   * How Route 53 chooses this record among the name's records (several regions: `latency`).
   * @default { kind: 'simple' }
   */
  readonly routing?: RoutingPolicy;
  /**
   * A Route 53 health check on this endpoint, attached to a routed record (any
   * policy but simple), for the Domain's alarm.
   * @default false
   */
  readonly healthCheck?: boolean;
  /**
   * The endpoint's certificate. For CloudFront one from us-east-1 (the stages'
   * Domain stack makes it); for a load balancer or an API, one in their region.
   * @default a new DNS-validated certificate in the endpoint's stack (not for CloudFront)
   */
  readonly certificate?: acm.ICertificate;
  /**
   * The health check the routed record answers by, made from the endpoint's own
   * (undefined without `healthCheck`) in the endpoint's stack: e.g. a failover
   * PRIMARY's check that also reads an operator's switch (lib/disaster-recovery's FailoverPrimaryHealthCheck).
   * @default the endpoint's health check
   */
  readonly recordHealthCheck?: RecordHealthCheck;
}

/** Makes the health check a routed record answers by, in `scope`, from the endpoint's own. */
export type RecordHealthCheck = (scope: Construct, endpointHealthCheck: route53.HealthCheck | undefined) => route53.IHealthCheck;

/** What {@link publishEndpoint} made. */
export interface PublishedEndpoint {
  /** The endpoint's full name, e.g. `app.example.com`. */
  readonly fqdn: string;
  readonly records: route53.RecordSet[];
  /** The health check, when asked for. */
  readonly healthCheck?: route53.HealthCheck;
  /** The health check the record answers by (routed records only): `healthCheck`, or the one `recordHealthCheck` made. */
  readonly recordHealthCheck?: route53.IHealthCheck;
}

/** How one kind of endpoint is published. */
export interface EndpointTarget {
  readonly target: route53.RecordTarget;
  /** True for a CloudFront distribution (no evaluated target health). */
  readonly cloudFront?: boolean;
  /** Route 53 answers only while the target is healthy (load balancers). */
  readonly evaluateTargetHealth?: boolean;
  /** Also an AAAA alias (the target answers over IPv6). */
  readonly ipv6: boolean;
  /** What the health check requests, when one is asked for. */
  readonly healthCheck: EndpointHealthCheckProps;
}

/** The certificate the endpoint uses: the one given, or a new regional one for its name. */
export function endpointCertificate(scope: Construct, props: DomainEndpointProps): acm.ICertificate {
  return props.certificate ?? props.domain.certificate(scope, 'DomainCertificate', [props.domain.fqdn(props.recordName)]);
}

/**
 * The endpoint's alias records (and health check) in `scope`'s stack, its routing
 * validated. A failover record is one half of its pair: the other half is another
 * stack's (the standby region's), and the stage checks the pairs across its templates.
 */
export function publishEndpoint(scope: Construct, props: DomainEndpointProps, endpoint: EndpointTarget): PublishedEndpoint {
  const routing = props.routing ?? { kind: 'simple' };
  const healthCheck = props.healthCheck ? endpointHealthCheck(scope, 'DomainHealthCheck', endpoint.healthCheck) : undefined;
  const recordHealthCheck = routing.kind === 'simple' ? undefined : props.recordHealthCheck ? props.recordHealthCheck(scope, healthCheck) : healthCheck;
  const records = props.domain.publish(scope, 'DomainRecord', [{
    recordName: props.domain.fqdn(props.recordName),
    target: endpoint.target,
    cloudFront: endpoint.cloudFront,
    evaluateTargetHealth: endpoint.evaluateTargetHealth,
    routing,
    healthCheck: recordHealthCheck,
  }], endpoint.ipv6, { failoverHalves: true });
  return { fqdn: props.domain.fqdn(props.recordName), records, healthCheck, recordHealthCheck };
}

/**
 * Alarms, in `domain`'s stack, on a published endpoint's health check, which
 * its stack made (read across stacks and regions weakly, when the Domain's
 * stack deploys): HTTPS on `path`, or TCP without one. Nothing without a check.
 */
export function alarmOnEndpoint(domain: Domain, name: string, endpoint: PublishedEndpoint | undefined, path?: string): void {
  const healthCheck = endpoint?.healthCheck;
  if (!healthCheck) return;
  CrossStackReferences.of(healthCheck).produce(ReferenceStrength.WEAK);
  domain.alarmOnHealthCheck(name, healthCheck, path ? { fqdn: endpoint.fqdn, path } : { fqdn: endpoint.fqdn, protocol: 'TCP' });
}
