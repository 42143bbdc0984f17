import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IDependable } from 'constructs';
import { RestrictedEgressSecurityGroup } from '../shared/restricted-egress-security-group';

/** What CDK keeps out of generated RDS passwords (characters that break connection strings and shells). */
export const PASSWORD_EXCLUDED_CHARACTERS = " %+~`#$&*()|[]{}:;<>?!'/@\"\\";

/** What the rotation needs from the data tier. */
export interface PasswordRotationOptions {
  readonly vpc: ec2.IVpc;
  readonly secret: secretsmanager.ISecret;
  readonly databaseSecurityGroup: ec2.ISecurityGroup;
  readonly databasePort: number;
  readonly interval: Duration;
  /** Reach Secrets Manager through an interface endpoint in the isolated subnets, rather than NAT. */
  readonly throughEndpoint: boolean;
  /** The database instances (writer and readers): the schedule, whose first rotation starts at once, waits for them. */
  readonly instances: IDependable[];
}

/**
 * Single-user rotation of the master password by the Secrets Manager hosted
 * rotation function for PostgreSQL (the `AWS::SecretsManager` transform puts
 * it in a nested stack, from Secrets Manager's own templates: no Serverless
 * Application Repository, which some regions lack). The function must reach
 * Secrets Manager: through NAT from the private subnets, or through an
 * interface endpoint (with private DNS) in the isolated subnets. Its security
 * group opens only 443 to that path and the database port. The schedule
 * rotates at once when created (`RotateImmediatelyOnUpdate` defaults to true),
 * so it waits for the instances: a rotation before the writer accepts
 * connections fails and leaves the secret stuck with an AWSPENDING version.
 */
export function addPasswordRotation(scope: Construct, options: PasswordRotationOptions): ec2.InterfaceVpcEndpoint | undefined {
  const { vpc, throughEndpoint } = options;
  const securityGroup = new RestrictedEgressSecurityGroup(scope, 'RotationSecurityGroup', {
    vpc, description: 'Password rotation function: the database port and Secrets Manager only',
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
  const schedule = options.secret.addRotationSchedule('RotationSchedule', {
    hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({
      vpc,
      vpcSubnets: { subnetType: throughEndpoint ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
    }),
    automaticallyAfter: options.interval,
  });
  schedule.node.addDependency(...options.instances);
  return endpoint;
}
