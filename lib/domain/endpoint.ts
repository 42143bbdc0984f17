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
}

/** What {@link publishEndpoint} made. */
export interface PublishedEndpoint {
  /** The endpoint's full name, e.g. `app.example.com`. */
  readonly fqdn: string;
  readonly records: route53.RecordSet[];
  /** The health check, when asked for. */
  readonly healthCheck?: route53.HealthCheck;
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

/** The endpoint's alias records (and health check) in `scope`'s stack, its routing validated. */
export function publishEndpoint(scope: Construct, props: DomainEndpointProps, endpoint: EndpointTarget): PublishedEndpoint {
  const routing = props.routing ?? { kind: 'simple' };
  const healthCheck = props.healthCheck ? endpointHealthCheck(scope, 'DomainHealthCheck', endpoint.healthCheck) : undefined;
  const records = props.domain.publish(scope, 'DomainRecord', [{
    recordName: props.domain.fqdn(props.recordName),
    target: endpoint.target,
    cloudFront: endpoint.cloudFront,
    evaluateTargetHealth: endpoint.evaluateTargetHealth,
    routing,
    healthCheck: routing.kind === 'simple' ? undefined : healthCheck,
  }], endpoint.ipv6);
  return { fqdn: props.domain.fqdn(props.recordName), records, healthCheck };
}
