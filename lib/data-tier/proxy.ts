import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { RestrictedEgressSecurityGroup } from '../shared/restricted-egress-security-group';

/** The port RDS Proxy listens on for PostgreSQL, whatever the cluster's own. */
export const PROXY_PORT = 5432;

/** What the proxy needs from the data tier. */
export interface DatabaseProxyOptions {
  readonly vpc: ec2.IVpc;
  readonly cluster: rds.DatabaseCluster;
  readonly databaseSecurityGroup: ec2.ISecurityGroup;
  readonly databasePort: number;
  /** The application user's secret: the proxy logs in with it, never with the master's. */
  readonly appSecret: secretsmanager.ISecret;
  /** The key the secret is encrypted with. */
  readonly key: kms.IKey;
}

/**
 * RDS Proxy in front of the cluster (the notes' advice for many short-lived
 * clients): a pool of connections that survives failovers, in the isolated
 * subnets, TLS required, logging in as the application user. Its security
 * group admits nothing until `allowFrom` and may reach the database port only.
 */
export function newDatabaseProxy(scope: Construct, options: DatabaseProxyOptions): rds.DatabaseProxy {
  const securityGroup = new RestrictedEgressSecurityGroup(scope, 'ProxySecurityGroup', {
    vpc: options.vpc, description: 'RDS Proxy: its port from the app tier only; the database port out',
  });
  options.databaseSecurityGroup.connections.allowFrom(securityGroup, ec2.Port.tcp(options.databasePort), 'PostgreSQL from RDS Proxy');
  const role = new ManagedPolicyRole(scope, 'ProxyRole', { assumedBy: new iam.ServicePrincipal('rds.amazonaws.com'), description: 'RDS Proxy reading the application user\'s secret' });
  // Imported without its key, so CDK grants the secret only; the key is granted through Secrets Manager below,
  // in the role's policy (CDK would also write the role into the key's policy: a cycle through the user's function).
  const secret = secretsmanager.Secret.fromSecretAttributes(scope, 'ProxySecret', { secretCompleteArn: options.appSecret.secretArn });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['kms:Decrypt'],
    resources: [options.key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(scope).region}.amazonaws.com` } },
  }));
  const proxy = new rds.DatabaseProxy(scope, 'Proxy', {
    role,
    proxyTarget: rds.ProxyTarget.fromCluster(options.cluster),
    secrets: [secret],
    vpc: options.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [securityGroup],
    requireTLS: true,
    iamAuth: false,
    debugLogging: false, // it would log SQL text, parameters included
  });
  // CDK also opens the cluster's port between the two groups as a token, which neither the compliance rules nor a reader
  // of the template can check; the rule above names the port.
  for (const group of [options.databaseSecurityGroup.node, securityGroup.node]) {
    for (const rule of group.children.filter((c) => c.node.id.includes('{IndirectPort}'))) group.tryRemoveChild(rule.node.id);
  }
  return proxy;
}
