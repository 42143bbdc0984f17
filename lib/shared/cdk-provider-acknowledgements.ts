import { AspectPriority, Aspects, CfnResource, IAspect } from 'aws-cdk-lib';
import { CfnVPC } from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from './compliance';

// CDK adds custom-resource providers of its own (a Lambda function and its
// role) as raw CfnResources. In-app rules skip them, since they are not the L1
// classes the rules look for, but any scanner reading the template reports
// them. They are acknowledged here, once, with reasons true of CDK's code.

type Acknowledgements = Record<string, string>;

const BASIC_EXECUTION_ROLE = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

// Built on first use: compliance.ts, which this file imports, imports this file.
// The tables are built on first use, not at load: compliance.ts, which this
// file imports, imports this file, so CONFIG_RULE_PACKS is not defined yet then.

function providerRole(): Acknowledgements {
  return {
    [BASIC_EXECUTION_ROLE]: 'CDK attaches the AWS managed AWSLambdaBasicExecutionRole to its provider\'s role; it grants only writing to CloudWatch Logs (logs:CreateLogGroup, CreateLogStream, PutLogEvents), and aws-cdk-lib exposes no setting to replace it.',
  };
}

function providerFunction(): Acknowledgements {
  return {
    'Serverless-LambdaTracing': 'CDK\'s provider function, whose code and settings aws-cdk-lib manages (no tracing setting); it runs only during deployments of this stack, and CloudFormation stack events record each call.',
    ...perPack(['Serverless', 'NIST.800.53.R5', 'HIPAA.Security'], 'LambdaDLQ',
      'Only CloudFormation invokes CDK\'s provider function, and an error fails the stack operation, which reports it; there is no event to keep for a retry from a dead-letter queue.'),
    ...perPack(['NIST.800.53.R5', 'HIPAA.Security'], 'LambdaConcurrency',
      'CDK\'s provider function runs once per custom resource per deployment; reserved concurrency would only take from the account\'s pool and fails in new accounts with a low concurrency limit.'),
  };
}

let providerTable: Record<string, Record<string, Acknowledgements>> | undefined;

/** Rules CDK's providers break, by the provider's construct id, then by its resource (`Role`, `Handler`). */
function providers(): Record<string, Record<string, Acknowledgements>> {
  return providerTable ??= {
    'Custom::VpcRestrictDefaultSGCustomResourceProvider': {
      Role: {
        ...providerRole(),
        ...perPack(CONFIG_RULE_PACKS, 'IAMNoInlinePolicy',
          'CDK writes its provider\'s permissions (to revoke the rules of this stack\'s VPC default security group) inline on the provider\'s own role, so they exist only as long as that role.'),
      },
      Handler: {
        ...providerFunction(),
        ...perPack(CONFIG_RULE_PACKS, 'LambdaInsideVPC',
          'CDK\'s provider function calls only the EC2 API, once per deployment, and aws-cdk-lib exposes no VPC setting for it; inside the VPC it would need NAT or an EC2 endpoint just for that call.'),
      },
    },
    'Custom::S3AutoDeleteObjectsCustomResourceProvider': {
      Role: providerRole(),
      Handler: {
        ...providerFunction(),
        ...perPack(CONFIG_RULE_PACKS, 'LambdaInsideVPC',
          'CDK\'s provider function calls only the S3 API, to empty a bucket this stack deletes, and aws-cdk-lib exposes no VPC setting for it; inside the VPC it would need NAT or an S3 endpoint just for that call.'),
      },
    },
  };
}

function defaultSecurityGroupClosed(): Acknowledgements {
  return perPack(CONFIG_RULE_PACKS, 'VPCDefaultSecurityGroupClosed',
    'The VPC\'s default security group is closed: the Custom::VpcRestrictDefaultSG resource of this template (restrictDefaultSecurityGroup) removes its rules at deploy. The rule looks for that resource in the construct tree, which a template does not carry.');
}

/**
 * Acknowledges, on CDK's own provider resources, the rules they break, and
 * on a VPC whose default security group CDK closes, the rule a template
 * scanner cannot see satisfied. Runs before the aspect that writes
 * acknowledgements into template metadata, so they reach the template.
 */
export class CdkProviderAcknowledgements implements IAspect {
  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    for (const [rule, reason] of Object.entries(acknowledgementsFor(node))) acknowledge(node, rule, reason);
  }
}

/** Adds {@link CdkProviderAcknowledgements} to `scope` (a Stage: aspects do not cross stages). */
export function acknowledgeCdkProviders(scope: IConstruct): void {
  Aspects.of(scope).add(new CdkProviderAcknowledgements(), { priority: AspectPriority.MUTATING });
}

function acknowledgementsFor(resource: CfnResource): Acknowledgements {
  const parent = resource.node.scope;
  if (!parent) return {};
  if (resource instanceof CfnVPC) return closesDefaultSecurityGroup(parent) ? defaultSecurityGroupClosed() : {};
  return providers()[parent.node.id]?.[resource.node.id] ?? {};
}

/** Whether the VPC construct `vpc` has CDK's custom resource that closes its default security group. */
function closesDefaultSecurityGroup(vpc: IConstruct): boolean {
  const restrict = vpc.node.tryFindChild('RestrictDefaultSecurityGroupCustomResource')?.node.defaultChild;
  return CfnResource.isCfnResource(restrict) && restrict.cfnResourceType === 'Custom::VpcRestrictDefaultSG';
}

function perPack(packs: readonly string[], rule: string, reason: string): Acknowledgements {
  return Object.fromEntries(packs.map((pack) => [`${pack}-${rule}`, reason]));
}
