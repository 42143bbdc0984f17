import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { IConstruct } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import type { ServerlessApi } from './serverless-api';
import { ServerlessApiProps } from './serverless-api-props';

/**
 * Findings that are the architecture's chosen trade-offs, each acknowledged
 * on its one resource with the reason. Findings that can be fixed are fixed
 * in the construct instead.
 */
export function acknowledgeApiFindings(api: ServerlessApi, props: ServerlessApiProps): void {
  // Only the function the construct created: an existing function is its owner's to review.
  if (api.handler) acknowledgeFunction(api.handler.function, props);
  acknowledgeStage(api.api.deploymentStage, props);
  if (!api.servesItems) {
    acknowledge(api.api, 'AwsSolutions-APIG2', 'The API passes every path and method to the user\'s own function, whose request bodies it has no schema of: API Gateway validates the path parameter, the function validates the body.');
  }
  acknowledgeMethods(api);
  if (api.table instanceof dynamodb.Table || api.table instanceof dynamodb.TableV2) {
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      acknowledge(api.table, `${pack}-DynamoDBInBackupPlan`, 'Point-in-time recovery keeps 35 days of continuous backups of the table; add it to an AWS Backup plan where longer retention is required.');
    }
  }
  if (api.table && api.handler) {
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      acknowledge(api.handler.role, `AwsSolutions-IAM5[Action::${action}]`, 'These wildcard actions come with read/write on a table encrypted with a customer-managed key, and are granted on that one key only.');
    }
  }
  if (api.userPool instanceof UserPool && api.userPool.node.scope === api) {
    acknowledge(api.userPool, 'AwsSolutions-COG8', 'Threat protection needs the Plus feature plan ($0.02 per monthly active user); the Essentials plan keeps a sandbox pool free. Set featurePlan to PLUS where that protection is required.');
  }
}

function acknowledgeFunction(fn: IConstruct, props: ServerlessApiProps): void {
  for (const pack of props.reservedConcurrency === undefined ? ['NIST.800.53.R5', 'HIPAA.Security'] : []) {
    acknowledge(fn, `${pack}-LambdaConcurrency`, 'No reserved concurrency by default: Lambda refuses a reservation that leaves fewer than 10 unreserved executions, and a new account has 10 in all. The stage\'s throttling caps the load; set reservedConcurrency to reserve and cap executions.');
  }
  for (const pack of [...CONFIG_RULE_PACKS, 'Serverless']) {
    acknowledge(fn, `${pack}-LambdaDLQ`, 'API Gateway invokes the function synchronously and returns its errors to the caller; a dead-letter queue applies only to asynchronous invocations.');
  }
  const outsideVpc = props.handlerEntry
    ? 'The construct runs handlerEntry code outside a VPC, like the items handler; code that needs private resources belongs in a function of your VPC passed as existingFunction.'
    : 'The handler reaches only DynamoDB and other regional AWS endpoints and no VPC resource; a VPC would add NAT or endpoint cost and nothing else.';
  for (const pack of CONFIG_RULE_PACKS) acknowledge(fn, `${pack}-LambdaInsideVPC`, outsideVpc);
}

function acknowledgeStage(stage: IConstruct, props: ServerlessApiProps): void {
  if (!props.webAcl && !props.webAclArn) {
    const reason = 'No web ACL by choice of the deployer: a regional WAF web ACL costs about $9 a month idle. Set webAcl: true (the production profile does) or webAclArn.';
    acknowledge(stage, 'AwsSolutions-APIG3', reason);
    for (const pack of ['NIST.800.53.R5', 'PCI.DSS.321']) acknowledge(stage, `${pack}-APIGWAssociatedWithWAF`, reason);
  }
  if (!props.cacheTtl) {
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(stage, `${pack}-APIGWCacheEnabledAndEncrypted`, 'Response caching is off by default: a cache costs from $14 a month and items change on every write. Set cacheTtl to turn on an encrypted cache.');
    }
  }
}

function acknowledgeMethods(api: ServerlessApi): void {
  const methods = api.api.methods;
  const mode = api.authorization;
  for (const method of methods) {
    if (mode !== 'cognito') {
      acknowledge(method, 'AwsSolutions-COG4', `This API authorizes with ${mode === 'iam' ? 'IAM (SigV4-signed requests)' : mode === 'apiKey' ? 'API keys metered by a usage plan' : 'nothing, by the explicit opt-in authorization: "unauthenticated"'}, not a Cognito user pool.`);
    }
    if (mode === 'apiKey') {
      acknowledge(method, 'AwsSolutions-APIG4', 'Callers are identified by the API key every method requires, metered and throttled by the usage plan (the notes\' third-party developers).');
    }
    if (mode === 'unauthenticated') {
      acknowledge(method, 'AwsSolutions-APIG4', 'The deployer opted in to a public API explicitly with authorization: "unauthenticated"; throttling still applies.');
    }
  }
}
