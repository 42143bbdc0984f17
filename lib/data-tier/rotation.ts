import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IDependable } from 'constructs';
import { RestrictedEgressSecurityGroup } from '../shared/restricted-egress-security-group';

/** What CDK keeps out of generated RDS passwords (characters that break connection strings and shells). */
export const PASSWORD_EXCLUDED_CHARACTERS = " %+~`#$&*()|[]{}:;<>?!'/@\"\\";

/** Where the functions that log in to the database as the master user run. */
export interface RotationNetworkOptions {
  readonly vpc: ec2.IVpc;
  readonly databaseSecurityGroup: ec2.ISecurityGroup;
  readonly databasePort: number;
  /** Reach Secrets Manager through an interface endpoint in the isolated subnets, rather than NAT. */
  readonly throughEndpoint: boolean;
}

/** The subnets and security group of the rotation and application-user functions, and the endpoint when there is one. */
export interface RotationNetwork {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly endpoint?: ec2.InterfaceVpcEndpoint;
}

/**
 * The functions that hold database credentials (the rotation functions, the
 * one creating the application user) must reach Secrets Manager: through NAT
 * from the private subnets, or through an interface endpoint (with private
 * DNS) in the isolated subnets. Their security group opens only 443 to that
 * path and the database port.
 */
export function rotationNetwork(scope: Construct, options: RotationNetworkOptions): RotationNetwork {
  const { vpc, throughEndpoint } = options;
  const securityGroup = new RestrictedEgressSecurityGroup(scope, 'RotationSecurityGroup', {
    vpc, description: 'Password rotation and database user functions: the database port and Secrets Manager only',
  });
  // The port as a number, so the rules name it (the cluster's own is a token the compliance rules cannot read).
  options.databaseSecurityGroup.connections.allowFrom(securityGroup, ec2.Port.tcp(options.databasePort), 'PostgreSQL from the rotation function');
  let endpoint: ec2.InterfaceVpcEndpoint | undefined;
  if (throughEndpoint) {
    endpoint = new ec2.InterfaceVpcEndpoint(scope, 'SecretsManagerEndpoint', {
      vpc, service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, privateDnsEnabled: true, open: false,
    });
    endpoint.connections.allowFrom(securityGroup, ec2.Port.tcp(443), 'HTTPS from the rotation function');
  } else {
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Secrets Manager through NAT');
  }
  const subnets = { subnetType: throughEndpoint ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS };
  return { vpc, subnets, securityGroup, endpoint };
}

/** One secret's rotation. */
export interface RotationOptions {
  readonly network: RotationNetwork;
  readonly interval: Duration;
  /**
   * The master secret, for alternating-users rotation of an application
   * secret; without it, the secret rotates its own password (single user).
   */
  readonly masterSecret?: secretsmanager.ISecret;
  /** What must exist before the first rotation, which starts as soon as the schedule is created. */
  readonly after: IDependable[];
}

/**
 * Rotation by the Secrets Manager hosted rotation function for PostgreSQL
 * (the `AWS::SecretsManager` transform puts it in a nested stack, from Secrets
 * Manager's own templates: no Serverless Application Repository, which some
 * regions lack). The master secret rotates its own password (single user):
 * only the rotation and break-glass use it. The application's secret
 * alternates between its user and a `_clone` of it, which the function
 * creates as the master user, so the password an application holds stays
 * valid until the rotation after next: no failed logins at each rotation.
 * The schedule rotates at once when created (`RotateImmediatelyOnUpdate`
 * defaults to true), so it waits for `after`: a rotation before the writer
 * accepts connections fails and leaves the secret stuck with an AWSPENDING version.
 */
export function addRotation(secret: secretsmanager.ISecret, options: RotationOptions): secretsmanager.RotationSchedule {
  const { network, masterSecret } = options;
  const common = { vpc: network.vpc, vpcSubnets: network.subnets, securityGroups: [network.securityGroup], excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS };
  const schedule = secret.addRotationSchedule('RotationSchedule', {
    hostedRotation: masterSecret
      ? secretsmanager.HostedRotation.postgreSqlMultiUser({ ...common, masterSecret })
      : secretsmanager.HostedRotation.postgreSqlSingleUser(common),
    automaticallyAfter: options.interval,
  });
  schedule.node.addDependency(...options.after);
  return schedule;
}
