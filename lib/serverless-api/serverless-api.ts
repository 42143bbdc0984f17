import * as path from 'path';
import { Annotations, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { AlarmTopic, alarmAbove } from '../shared/alarms';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { HardenedFunction } from '../shared/hardened-function';
import { DEFAULT_REMOVAL_POLICY, destroysData, keyRemoval } from '../shared/removal';
import { RegionalWebAcl } from '../shared/web-acl';
import { Validator } from '../shared/validation';
import { MAX_DESCRIPTION, MAX_NAME } from './handler/item-schema';
import { ApiGatewayAccountLogging } from './account-logging';
import { acknowledgeApiFindings } from './api-findings';
import { ApiAuthorization, ApiCustomDomainProps, ServerlessApiProps, TableReplicaProps, validateServerlessApiProps } from './serverless-api-props';

export { ApiGatewayAccountLogging } from './account-logging';

/** The synth warning that the items table became a new global table. */
export const GLOBAL_TABLE_WARNING = '@aws-reference-architectures/serverless-api:new-global-table';

/** Name of the API's one stage, the first segment of its URL path. */
export const STAGE_NAME = 'v1';

/** Where the items handler lives; bundled from this file. */
const ITEMS_ENTRY = path.join(__dirname, 'handler', 'items.ts');

/**
 * Lambda behind API Gateway (notes 000, 003, 004): by default a REST API for
 * items (`/items`, `/items/{id}`) backed by a DynamoDB table, or your own
 * function or code behind the same API (`existingFunction`, `handlerEntry`),
 * with request validation, throttling, access and execution logs, tracing,
 * and IAM, Cognito or API-key authorization.
 */
export class ServerlessApi extends Construct {
  readonly api: apigw.RestApi;
  /** The function behind the API: the items handler, your code's, or your own. */
  readonly function: lambda.IFunction;
  /** The function the construct created (the items handler or `handlerEntry`); none with `existingFunction`. */
  readonly handler?: HardenedFunction;
  /**
   * The items table: a regional `dynamodb.Table`, a global `dynamodb.TableV2`
   * with `tableReplicas`, or your `existingTable`; none with your own function
   * or code unless `createTable` is set.
   */
  readonly table?: dynamodb.ITable;
  /** The key encrypting the table, logs, alarm topic and environment. */
  readonly key: kms.IKey;
  readonly alarmTopic: sns.Topic;
  /** Where API Gateway writes the stage's execution logs (`API-Gateway-Execution-Logs_<api id>/v1`). */
  readonly executionLogs: logs.LogGroup;
  /** The user pool, when authorization is `'cognito'`. */
  readonly userPool?: cognito.IUserPool;
  /** The app client of a user pool the construct created. */
  readonly userPoolClient?: cognito.UserPoolClient;
  /** The API key, when authorization is `'apiKey'`. */
  readonly apiKey?: apigw.IApiKey;
  /** The usage plan metering API keys, when authorization is `'apiKey'`: add your developers' keys to it. */
  readonly usagePlan?: apigw.UsagePlan;
  readonly authorization: ApiAuthorization;
  /** True when the API serves the items example (no `existingFunction` or `handlerEntry`). */
  readonly servesItems: boolean;
  /** The regional custom domain name, with `customDomain`: point a DNS alias at it. */
  readonly customDomain?: apigw.DomainName;

  constructor(scope: Construct, id: string, props: ServerlessApiProps = {}) {
    super(scope, id);
    validateServerlessApiProps(props);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.authorization = props.authorization ?? 'iam';
    this.servesItems = !props.existingFunction && !props.handlerEntry;
    this.key = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: `Encrypts the table, logs and environment of ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(removalPolicy),
    });
    if (props.existingTable) this.table = props.existingTable;
    else if (props.createTable ?? this.servesItems) this.table = props.tableReplicas ? this.newGlobalTable(props, props.tableReplicas, removalPolicy) : this.newTable(props, removalPolicy);
    this.handler = props.existingFunction ? undefined : this.newHandler(props, logRetention, removalPolicy);
    this.function = props.existingFunction ?? this.handler!.function;
    if (this.table) this.table.grantReadWriteData(this.handler?.role ?? this.function);
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { key: this.key, removalPolicy, email: props.alarmEmail }).topic;
    const auth = this.authorize(props);
    this.api = this.newApi(props, auth, logRetention, removalPolicy);
    this.executionLogs = this.newExecutionLogs(logRetention, removalPolicy);
    if (props.corsOrigins) this.addCorsToGatewayResponses(props.corsOrigins);
    const integration = new apigw.LambdaIntegration(this.integrationTarget(props.provisionedConcurrency), { proxy: true });
    if (this.servesItems) this.addItemRoutes(integration);
    else this.addProxyRoutes(integration);
    if (this.authorization === 'apiKey') [this.usagePlan, this.apiKey] = this.meterKeys(props);
    this.protect(props, logRetention, removalPolicy);
    if (props.customDomain) this.customDomain = this.newCustomDomain(props.customDomain);
    this.addAlarms();
    acknowledgeApiFindings(this, props);
  }

  /** A regional custom domain, TLS 1.2 at least, IPv4 and IPv6, its root mapped to the API's stage. */
  private newCustomDomain(custom: ApiCustomDomainProps): apigw.DomainName {
    const domain = new apigw.DomainName(this, 'CustomDomain', {
      domainName: custom.domainName,
      certificate: custom.certificate,
      endpointType: apigw.EndpointType.REGIONAL,
      securityPolicy: apigw.SecurityPolicy.TLS_1_2,
    });
    // The L2 has no IP address type.
    (domain.node.defaultChild as apigw.CfnDomainName).addPropertyOverride('EndpointConfiguration.IpAddressType', 'dualstack');
    domain.addBasePathMapping(this.api, { stage: this.api.deploymentStage });
    return domain;
  }

  /**
   * The global table, at a logical id of its own (`GlobalItems`): CloudFormation
   * must never see a deployed `AWS::DynamoDB::Table` change type, which AWS
   * warns may delete it.
   */
  private newGlobalTable(props: ServerlessApiProps, replicas: TableReplicaProps[], removalPolicy: RemovalPolicy): dynamodb.TableV2 {
    const region = Stack.of(this).region;
    const v = new Validator('ServerlessApi props');
    v.check(!Token.isUnresolved(region), 'tableReplicas', replicas.map((r) => r.region), 'a global table needs a stack with a region (env.region): its replicas are named by region');
    replicas.forEach((replica, i) => v.check(replica.region !== region, `tableReplicas[${i}].region`, replica.region, `expected a region other than the stack's own (${region})`));
    v.throwIfInvalid();
    Annotations.of(this).addWarningV2(GLOBAL_TABLE_WARNING, 'The items table is a DynamoDB global table, a new resource: a regional table this stack deployed before '
      + 'leaves the stack, retained if its removal policy was RETAIN and deleted otherwise. To keep its items, convert the retained table to a global table '
      + 'and cdk import it (DisasterRecovery page, "Standby side").');
    return new dynamodb.TableV2(this, 'GlobalItems', {
      tableName: props.tableName,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key, Object.fromEntries(replicas.map((r) => [r.region, r.keyArn]))),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      replicas: replicas.map((r) => ({ region: r.region })),
      removalPolicy,
    });
  }

  private newTable(props: ServerlessApiProps, removalPolicy: RemovalPolicy): dynamodb.Table {
    return new dynamodb.Table(this, 'Items', {
      tableName: props.tableName,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
    });
  }

  private newHandler(props: ServerlessApiProps, logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): HardenedFunction {
    return new HardenedFunction(this, 'Handler', {
      entry: props.handlerEntry ?? ITEMS_ENTRY,
      description: this.servesItems ? 'Items API: list, create, get and delete items' : `Handler of the API ${this.node.path}`,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 256,
      encryptionKey: this.key,
      logRetention,
      removalPolicy,
      environment: {
        ...props.environment,
        ...(this.table ? { TABLE_NAME: this.table.tableName } : {}),
        ...(props.corsOrigins ? { ALLOWED_ORIGINS: props.corsOrigins.join(',') } : {}),
      },
      // None by default: a reservation fails in a new account (10 in all, 10 must stay unreserved).
      reservedConcurrentExecutions: props.reservedConcurrency,
    });
  }

  private newApi(props: ServerlessApiProps, auth: apigw.MethodOptions, logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): apigw.RestApi {
    const accessLogs = new EncryptedLogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy, encryptionKey: this.key });
    const throttle = props.throttling ?? {};
    const cors = props.corsOrigins;
    // Free, and only presented to HTTP back ends; the packs require one on every stage.
    const clientCertificate = new apigw.CfnClientCertificate(this, 'ClientCertificate', { description: `Stage of ${this.node.path}` });
    const api = new apigw.RestApi(this, 'Api', {
      restApiName: Names.uniqueResourceName(this, { maxLength: 128 }),
      description: this.servesItems ? 'Items API' : `API of ${this.node.path}`,
      // On a custom domain, answered over IPv6 too (the domain's AAAA record), as the API itself then is.
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL], ipAddressType: props.customDomain ? apigw.IpAddressType.DUAL_STACK : undefined },
      disableExecuteApiEndpoint: props.disableExecuteApiEndpoint,
      // The account-wide logging role is ApiGatewayAccountLogging's, shared and retained (see accountLoggingRole).
      cloudWatchRole: false,
      // Every method, including those a user adds later, requires the API's authorization.
      defaultMethodOptions: auth,
      deployOptions: {
        stageName: STAGE_NAME,
        clientCertificateId: clientCertificate.attrClientCertificateId,
        throttlingRateLimit: throttle.rateLimit ?? 50,
        throttlingBurstLimit: throttle.burstLimit ?? 100,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs.logGroup),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.INFO,
        dataTraceEnabled: false, // request bodies stay out of the logs
        metricsEnabled: true,
        tracingEnabled: true,
        cachingEnabled: props.cacheTtl !== undefined,
        cacheClusterEnabled: props.cacheTtl !== undefined,
        cacheClusterSize: props.cacheTtl ? '0.5' : undefined,
        cacheDataEncrypted: props.cacheTtl !== undefined,
        cacheTtl: props.cacheTtl,
      },
      defaultCorsPreflightOptions: cors ? { allowOrigins: cors, allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] } : undefined,
    });
    if (props.accountLoggingRole ?? true) ApiGatewayAccountLogging.of(this).enable(api.deploymentStage);
    return api;
  }

  /**
   * The log group API Gateway writes execution logs to, created before the
   * stage so that API Gateway does not create it first (unencrypted, kept
   * forever, left behind by `cdk destroy`).
   */
  private newExecutionLogs(logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): logs.LogGroup {
    const { logGroup } = new EncryptedLogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`,
      retention: logRetention,
      removalPolicy,
      encryptionKey: this.key,
    });
    this.api.deploymentStage.node.addDependency(logGroup);
    return logGroup;
  }

  /**
   * CORS headers on the answers API Gateway gives itself (missing or refused
   * credentials, throttling, integration failures), which never reach the
   * handler: without them the browser hides the status from the page. With
   * several origins a gateway response cannot choose among them, so it echoes
   * the request's origin: these answers carry no data.
   */
  private addCorsToGatewayResponses(origins: string[]): void {
    const single = origins.length === 1;
    const responseHeaders: Record<string, string> = {
      'Access-Control-Allow-Origin': single ? `'${origins[0]}'` : 'method.request.header.Origin',
      ...(single && origins[0] === '*' ? {} : { Vary: "'Origin'" }),
    };
    this.api.addGatewayResponse('Default4xx', { type: apigw.ResponseType.DEFAULT_4XX, responseHeaders });
    this.api.addGatewayResponse('Default5xx', { type: apigw.ResponseType.DEFAULT_5XX, responseHeaders });
  }

  private protect(props: ServerlessApiProps, logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): void {
    const stageArn = this.api.deploymentStage.stageArn;
    if (props.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: stageArn, webAclArn: props.webAclArn });
    } else if (props.webAcl) {
      const acl = new RegionalWebAcl(this, 'WebAcl', { key: this.key, logRetention, removalPolicy });
      // The stage must exist before WAF can protect it.
      acl.associate('WebAclAssociation', this, stageArn).node.addDependency(this.api.deploymentStage);
    }
  }

  /** The function, or a `live` alias with provisioned concurrency (no cold starts). */
  private integrationTarget(provisioned?: number): lambda.IFunction {
    if (provisioned === undefined || !this.handler) return this.function;
    return new lambda.Alias(this, 'Live', {
      aliasName: 'live',
      version: this.handler.function.currentVersion,
      provisionedConcurrentExecutions: provisioned,
    });
  }

  /** The method options of the authorization mode, creating the user pool when asked. */
  private authorize(props: ServerlessApiProps): apigw.MethodOptions {
    const apiKeyRequired = this.authorization === 'apiKey';
    switch (this.authorization) {
      case 'iam': return { authorizationType: apigw.AuthorizationType.IAM, apiKeyRequired };
      case 'apiKey':
      case 'unauthenticated': return { authorizationType: apigw.AuthorizationType.NONE, apiKeyRequired };
      case 'cognito': {
        const pool = this.userPoolOf(props);
        (this as { userPool?: cognito.IUserPool }).userPool = pool;
        // No authorization scopes: API Gateway then validates the pool's ID token (an access token needs scopes).
        const authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [pool] });
        return { authorizationType: apigw.AuthorizationType.COGNITO, authorizer, apiKeyRequired };
      }
    }
  }

  private userPoolOf(props: ServerlessApiProps): cognito.IUserPool {
    const given = props.cognito ?? {};
    if (given.userPool) return given.userPool;
    if (given.userPoolArn) return cognito.UserPool.fromUserPoolArn(this, 'UserPool', given.userPoolArn);
    return this.newUserPool(props.removalPolicy ?? DEFAULT_REMOVAL_POLICY);
  }

  private newUserPool(removalPolicy: RemovalPolicy): cognito.UserPool {
    const pool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: !destroysData(removalPolicy),
      removalPolicy,
    });
    // What the API accepts: an ID token from an SRP sign-in. No OAuth flows,
    // callback URLs or scopes (CDK's defaults would allow the implicit grant to https://example.com).
    (this as { userPoolClient?: cognito.UserPoolClient }).userPoolClient = pool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    return pool;
  }

  private addItemRoutes(integration: apigw.Integration): void {
    const validator = this.api.addRequestValidator('Validator', { validateRequestBody: true, validateRequestParameters: true });
    const model = this.api.addModel('CreateItem', {
      contentType: 'application/json',
      schema: {
        schema: apigw.JsonSchemaVersion.DRAFT4,
        type: apigw.JsonSchemaType.OBJECT,
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: MAX_NAME },
          description: { type: apigw.JsonSchemaType.STRING, maxLength: MAX_DESCRIPTION },
        },
      },
    });
    const items = this.api.root.addResource('items');
    items.addMethod('GET', integration, { requestValidator: validator, requestParameters: { 'method.request.querystring.nextToken': false } });
    items.addMethod('POST', integration, { requestValidator: validator, requestModels: { 'application/json': model } });
    const item = items.addResource('{id}');
    const byId = { requestValidator: validator, requestParameters: { 'method.request.path.id': true } };
    item.addMethod('GET', integration, byId);
    item.addMethod('DELETE', integration, byId);
  }

  /** Every path and method to your function, which validates its own requests. */
  private addProxyRoutes(integration: apigw.Integration): void {
    const validator = this.api.addRequestValidator('Validator', { validateRequestParameters: true });
    this.api.root.addMethod('ANY', integration, { requestValidator: validator });
    this.api.root.addResource('{proxy+}').addMethod('ANY', integration, {
      requestValidator: validator,
      requestParameters: { 'method.request.path.proxy': true },
    });
  }

  private meterKeys(props: ServerlessApiProps): [apigw.UsagePlan, apigw.IApiKey] {
    const plan = props.usagePlan ?? {};
    const usagePlan = this.api.addUsagePlan('UsagePlan', {
      description: 'Quota and throttling per third-party key',
      throttle: { rateLimit: plan.rateLimit ?? 10, burstLimit: plan.burstLimit ?? 20 },
      quota: { limit: plan.quota?.limit ?? 10000, period: apigw.Period[plan.quota?.period ?? 'DAY'] },
    });
    usagePlan.addApiStage({ stage: this.api.deploymentStage });
    const key = this.api.addApiKey('ApiKey', { description: 'Key of the first third-party developer' });
    usagePlan.addApiKey(key);
    return [usagePlan, key];
  }

  private addAlarms(): void {
    alarmAbove(this, 'ServerErrors', this.alarmTopic, {
      metric: this.api.metricServerError({ period: Duration.minutes(1), statistic: 'Sum' }),
      above: 0,
      description: `${this.node.path} answered 5xx`,
    });
    alarmAbove(this, 'HandlerErrors', this.alarmTopic, {
      metric: this.function.metricErrors({ period: Duration.minutes(1) }),
      above: 0,
      description: `The function behind ${this.node.path} failed`,
    });
  }
}
