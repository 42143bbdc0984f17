import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
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
import { MAX_DESCRIPTION, MAX_NAME } from './handler/item-schema';
import { acknowledgeApiFindings } from './api-findings';
import { ApiAuthorization, ServerlessApiProps, validateServerlessApiProps } from './serverless-api-props';

/**
 * Lambda behind API Gateway (notes 000, 003, 004): a REST API for items
 * (`/items`, `/items/{id}`) backed by a DynamoDB table, with request
 * validation, throttling, access and execution logs, tracing, and IAM,
 * Cognito or API-key authorization.
 */
export class ServerlessApi extends Construct {
  readonly api: apigw.RestApi;
  readonly table: dynamodb.Table;
  readonly handler: HardenedFunction;
  readonly key: kms.Key;
  readonly alarmTopic: sns.Topic;
  /** The user pool, when authorization is `'cognito'`. */
  readonly userPool?: cognito.IUserPool;
  /** The API key, when authorization is `'apiKey'`. */
  readonly apiKey?: apigw.IApiKey;
  readonly authorization: ApiAuthorization;

  constructor(scope: Construct, id: string, props: ServerlessApiProps = {}) {
    super(scope, id);
    validateServerlessApiProps(props);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.authorization = props.authorization ?? 'iam';
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the table, logs and environment of ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(removalPolicy),
    });
    this.table = new dynamodb.Table(this, 'Items', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
    });
    this.handler = this.newHandler(props, logRetention, removalPolicy);
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { key: this.key, removalPolicy, email: props.alarmEmail }).topic;
    this.api = this.newApi(props, logRetention, removalPolicy);
    const target = this.integrationTarget(props.provisionedConcurrency);
    const { authorizer, methodAuth } = this.authorize(props);
    this.addRoutes(new apigw.LambdaIntegration(target, { proxy: true }), methodAuth, authorizer);
    if (this.authorization === 'apiKey') this.apiKey = this.meterKeys(props);
    this.protect(props, logRetention, removalPolicy);
    this.addAlarms();
    acknowledgeApiFindings(this, props);
  }

  private newHandler(props: ServerlessApiProps, logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): HardenedFunction {
    const handler = new HardenedFunction(this, 'Handler', {
      entry: path.join(__dirname, 'handler', 'items.ts'),
      description: 'Items API: list, create, get and delete items',
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 256,
      encryptionKey: this.key,
      logRetention,
      removalPolicy,
      environment: { TABLE_NAME: this.table.tableName },
      reservedConcurrentExecutions: props.reservedConcurrency ?? 10,
    });
    this.table.grantReadWriteData(handler.role);
    return handler;
  }

  private newApi(props: ServerlessApiProps, logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): apigw.RestApi {
    const accessLogs = new EncryptedLogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy, encryptionKey: this.key });
    const throttle = props.throttling ?? {};
    const cors = props.corsOrigins;
    // Free, and only presented to HTTP back ends; the packs require one on every stage.
    const clientCertificate = new apigw.CfnClientCertificate(this, 'ClientCertificate', { description: 'Items API stage' });
    return new apigw.RestApi(this, 'Api', {
      description: 'Items API',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // The account-wide role API Gateway writes execution logs with.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: removalPolicy,
      deployOptions: {
        stageName: 'v1',
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
      defaultCorsPreflightOptions: cors ? { allowOrigins: cors, allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'] } : undefined,
    });
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
    if (provisioned === undefined) return this.handler.function;
    return new lambda.Alias(this, 'Live', {
      aliasName: 'live',
      version: this.handler.function.currentVersion,
      provisionedConcurrentExecutions: provisioned,
    });
  }

  private authorize(props: ServerlessApiProps): { authorizer?: apigw.IAuthorizer; methodAuth: apigw.AuthorizationType } {
    switch (this.authorization) {
      case 'iam': return { methodAuth: apigw.AuthorizationType.IAM };
      case 'apiKey': return { methodAuth: apigw.AuthorizationType.NONE };
      case 'unauthenticated': return { methodAuth: apigw.AuthorizationType.NONE };
      case 'cognito': {
        const pool = props.cognito?.userPoolArn
          ? cognito.UserPool.fromUserPoolArn(this, 'UserPool', props.cognito.userPoolArn)
          : this.newUserPool(props.removalPolicy ?? DEFAULT_REMOVAL_POLICY);
        (this as { userPool?: cognito.IUserPool }).userPool = pool;
        const authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [pool] });
        return { authorizer, methodAuth: apigw.AuthorizationType.COGNITO };
      }
    }
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
    pool.addClient('ApiClient', { authFlows: { userSrp: true }, generateSecret: false });
    return pool;
  }

  private addRoutes(integration: apigw.Integration, authorizationType: apigw.AuthorizationType, authorizer?: apigw.IAuthorizer): void {
    const auth: apigw.MethodOptions = {
      authorizationType,
      authorizer,
      apiKeyRequired: this.authorization === 'apiKey',
    };
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
    items.addMethod('GET', integration, { ...auth, requestValidator: validator, requestParameters: { 'method.request.querystring.nextToken': false } });
    items.addMethod('POST', integration, { ...auth, requestValidator: validator, requestModels: { 'application/json': model } });
    const item = items.addResource('{id}');
    const byId = { ...auth, requestValidator: validator, requestParameters: { 'method.request.path.id': true } };
    item.addMethod('GET', integration, byId);
    item.addMethod('DELETE', integration, byId);
  }

  private meterKeys(props: ServerlessApiProps): apigw.IApiKey {
    const plan = props.usagePlan ?? {};
    const usagePlan = this.api.addUsagePlan('UsagePlan', {
      description: 'Quota and throttling per third-party key',
      throttle: { rateLimit: plan.rateLimit ?? 10, burstLimit: plan.burstLimit ?? 20 },
      quota: { limit: plan.quota?.limit ?? 10000, period: apigw.Period[plan.quota?.period ?? 'DAY'] },
    });
    usagePlan.addApiStage({ stage: this.api.deploymentStage });
    const key = this.api.addApiKey('ApiKey', { description: 'Key of the first third-party developer' });
    usagePlan.addApiKey(key);
    return key;
  }

  private addAlarms(): void {
    alarmAbove(this, 'ServerErrors', this.alarmTopic, {
      metric: this.api.metricServerError({ period: Duration.minutes(1), statistic: 'Sum' }),
      above: 0,
      description: 'Items API answered 5xx',
    });
    alarmAbove(this, 'HandlerErrors', this.alarmTopic, {
      metric: this.handler.function.metricErrors({ period: Duration.minutes(1) }),
      above: 0,
      description: 'Items API handler failed',
    });
  }
}
