import { ArnFormat, Aws, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct, IConstruct } from 'constructs';
import { EncryptedLogGroup } from './encrypted-log-group';
import { DEFAULT_REMOVAL_POLICY } from './removal';

/** AWS managed rule groups every web ACL of the project evaluates, in order. */
export const MANAGED_RULE_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'];

/** Props of {@link RegionalWebAcl}. */
export interface RegionalWebAclProps {
  /**
   * Requests one IP address may make in 5 minutes before it is blocked, 10 to 2,000,000,000.
   * @default 1000
   */
  readonly rateLimit?: number;
  /** Key encrypting the WAF log group. */
  readonly key: kms.IKey;
  /** Retention of the WAF logs. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group on stack deletion. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A regional AWS WAF web ACL (for load balancers and REST APIs): AWS's IP
 * reputation, common and known-bad-inputs rule groups plus a per-IP rate
 * limit, with its requests logged to CloudWatch Logs.
 */
export class RegionalWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: RegionalWebAclProps) {
    super(scope, id);
    const metric = (name: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: name });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: metric('WebAcl'),
      rules: [
        ...MANAGED_RULE_GROUPS.map((name, i) => ({
          name,
          priority: i,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
          visibilityConfig: metric(name),
        })),
        {
          name: 'RateLimitPerIp',
          priority: MANAGED_RULE_GROUPS.length,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimit ?? 1000, aggregateKeyType: 'IP' } },
          visibilityConfig: metric('RateLimitPerIp'),
        },
      ],
    });
    const { logGroup } = new EncryptedLogGroup(this, 'Logs', {
      logGroupName: wafLogGroupName(this),
      encryptionKey: props.key,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy ?? DEFAULT_REMOVAL_POLICY,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The ARN without the ":*" suffix CloudFormation's Arn attribute carries, which WAF rejects.
      logDestinationConfigs: [Stack.of(this).formatArn({
        service: 'logs', resource: 'log-group', resourceName: logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    });
  }

  /** Protects a load balancer or API stage with this web ACL. */
  associate(id: string, scope: IConstruct, resourceArn: string): wafv2.CfnWebACLAssociation {
    return new wafv2.CfnWebACLAssociation(scope as Construct, id, { resourceArn, webAclArn: this.webAcl.attrArn });
  }
}

/**
 * WAF delivers only to log groups named `aws-waf-logs-*`, so CloudFormation
 * cannot name this one. The name ends in the stack's id (a UUID new with every
 * stack creation) and the construct's address, so that two stages, two regions,
 * two web ACLs in one stack and a retained group of an earlier stack never share it.
 */
export function wafLogGroupName(scope: Construct): string {
  const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  return `aws-waf-logs-${scope.node.addr.slice(0, 8)}-${stackUuid}`;
}
