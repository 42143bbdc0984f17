import { RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledge } from '../shared/compliance';

/** Construct id of the one {@link ApiGatewayAccountLogging} of a stack. */
export const ACCOUNT_LOGGING_ID = 'ApiGatewayAccountLogging';

/** The owner of the setting, per stage (or app) and environment. */
const owners = new WeakMap<IConstruct, Map<string, ApiGatewayAccountLogging>>();

/**
 * API Gateway's CloudWatch Logs role for a whole account and region
 * (`AWS::ApiGateway::Account`): without it, a stage with execution logging
 * fails to deploy; with it, every REST API of the account and region writes
 * execution logs through that one role.
 *
 * Because other APIs rely on it, the role and the setting are retained when
 * their stack is deleted (destroying a sandbox must not silently stop the
 * logging of every other API), and neither has a literal name, so a retained
 * leftover never collides with the next deployment. One per stage and
 * environment: get it with {@link ApiGatewayAccountLogging.of}.
 */
export class ApiGatewayAccountLogging extends Construct {
  /**
   * The setting for the stage and environment of `scope`: created in the
   * first stack that asks, at that stack's top level; a later stack of the
   * same stage and environment reuses it (and so deploys after that stack).
   */
  static of(scope: IConstruct): ApiGatewayAccountLogging {
    const stack = Stack.of(scope);
    const deployment = Stage.of(stack) ?? stack.node.root;
    const byEnvironment = owners.get(deployment) ?? new Map<string, ApiGatewayAccountLogging>();
    owners.set(deployment, byEnvironment);
    // Environment-agnostic stacks share the same account and region tokens, so they share one setting.
    const environment = `${stack.account}/${stack.region}`;
    const existing = byEnvironment.get(environment);
    if (existing) return existing;
    const created = new ApiGatewayAccountLogging(stack, ACCOUNT_LOGGING_ID);
    byEnvironment.set(environment, created);
    return created;
  }

  /** The role API Gateway writes execution logs with. */
  readonly role: iam.Role;
  /** The account-and-region-wide setting pointing at the role. */
  readonly account: apigw.CfnAccount;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway writes the execution logs of every REST API in this account and region with this role',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.account = new apigw.CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
    this.account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledge(this.role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'API Gateway\'s account-wide logging role uses the AWS managed policy AWS documents for it; it can write to CloudWatch Logs only.');
  }

  /** Makes `stage` deploy after the setting, so its execution logging finds the role. */
  enable(stage: apigw.Stage): void {
    stage.node.addDependency(this.account);
  }
}
