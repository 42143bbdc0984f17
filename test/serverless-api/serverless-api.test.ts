import * as path from 'path';
import { ArnFormat, CfnParameter, Duration, Stack, Stage } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ServerlessApi } from '../../lib/serverless-api/serverless-api';
import { ServerlessApiProps } from '../../lib/serverless-api/serverless-api-props';
import { formatFindings, recordAcknowledgements } from '../../lib/shared/compliance';
import { nagFindings, resourcesOf, testApp, testStack } from '../harness';

function build(props: ServerlessApiProps) {
  const stack = testStack();
  const api = new ServerlessApi(stack, 'Api', props);
  return { stack, api, template: Template.fromStack(stack) };
}

const builds = new Map<string, ReturnType<typeof build>>();
/**
 * The API built with plain props once for the file: the tests that only read a
 * configuration share its synthesis. Tests that expect a throw build their own.
 */
function builtOnce(props: ServerlessApiProps) {
  const key = JSON.stringify(props);
  let built = builds.get(key);
  if (!built) {
    built = build(props);
    builds.set(key, built);
  }
  return built;
}
const methods = (template: Template) => Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))
  .filter((m) => m.Properties.HttpMethod !== 'OPTIONS').map((m) => m.Properties);

describe('Cognito authorization with a pool the construct creates', () => {
  const { stack, template } = build({ authorization: 'cognito', cognito: { createUserPool: true } });

  test('every method requires a token of the pool', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS', ProviderARNs: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('UserPool'), 'Arn'] }] });
    for (const m of methods(template)) expect(m).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: expect.stringMatching(/Authorizer/) } });
  });

  test('the pool: no self sign-up, required TOTP MFA, strong passwords', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true, RequireNumbers: true }) },
    });
  });

  test('the app client is configured for what the API accepts: an ID token from an SRP sign-in, no OAuth', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlowsUserPoolClient: false,
      AllowedOAuthFlows: Match.absent(),
      AllowedOAuthScopes: Match.absent(),
      CallbackURLs: Match.absent(),
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      IdTokenValidity: 60,
    });
  });

  test('methods carry no OAuth scopes, so API Gateway validates ID tokens (as the docs say)', () => {
    for (const m of methods(template)) expect(m.AuthorizationScopes).toBeUndefined();
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

test('Cognito authorization with an existing pool uses its ARN and creates none', () => {
  const arn = 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123';
  const { template } = build({ authorization: 'cognito', cognito: { userPoolArn: arn } });
  template.resourceCountIs('AWS::Cognito::UserPool', 0);
  template.hasResourceProperties('AWS::ApiGateway::Authorizer', { ProviderARNs: [arn] });
});

test('Cognito authorization with an IUserPool uses that pool, creates none and acknowledges nothing on it', () => {
  const stack = testStack();
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_AbCdEf123');
  new ServerlessApi(stack, 'Api', { authorization: 'cognito', cognito: { userPool } });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::Cognito::UserPool', 0);
  template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
  template.hasResourceProperties('AWS::ApiGateway::Authorizer', { ProviderARNs: [Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':userpool/eu-west-1_AbCdEf123'])]) })] });
  expect(JSON.stringify(template.toJSON())).not.toContain('AwsSolutions-COG8');
});

describe('API-key authorization with a usage plan', () => {
  const { stack, template } = build({ authorization: 'apiKey', usagePlan: { quota: { limit: 500, period: 'WEEK' }, rateLimit: 5, burstLimit: 10 } });

  test('every method requires an API key', () => {
    for (const m of methods(template)) expect(m).toMatchObject({ AuthorizationType: 'NONE', ApiKeyRequired: true });
  });

  test('the usage plan meters each key: quota and throttle, on this API stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Quota: { Limit: 500, Period: 'WEEK' },
      Throttle: { RateLimit: 5, BurstLimit: 10 },
      ApiStages: [Match.objectLike({ Stage: { Ref: Match.stringLikeRegexp('DeploymentStage') } })],
    });
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

test('the usage plan is a handle: a developer\'s imported key (an IApiKey) can be added to it', () => {
  const stack = testStack();
  const api = new ServerlessApi(stack, 'Api', { authorization: 'apiKey' });
  api.usagePlan!.addApiKey(apigw.ApiKey.fromApiKeyId(stack, 'PartnerKey', 'abc123'));
  Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyId: 'abc123', KeyType: 'API_KEY', UsagePlanId: { Ref: Match.stringLikeRegexp('UsagePlan') } });
});

describe('unauthenticated: the explicit opt-in', () => {
  const { stack, template } = build({ authorization: 'unauthenticated' });

  test('methods take no authorization and no key', () => {
    for (const m of methods(template)) expect(m).toMatchObject({ AuthorizationType: 'NONE', ApiKeyRequired: false });
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
  });

  test('the five packs report nothing unacknowledged, the opt-in being acknowledged with its reason', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
    const post = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).find((m) => m.Properties.HttpMethod === 'POST')!;
    expect(JSON.stringify(post.Metadata)).toContain('opted in to a public API explicitly');
  });
});

describe('options', () => {
  test('by default: no reserved and no provisioned concurrency, so a brand-new account can deploy it', () => {
    const { template } = builtOnce({});
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
    template.resourceCountIs('AWS::Lambda::Alias', 0);
  });

  test('provisioned concurrency without a reservation: the alias, and still no reservation', () => {
    const { template } = build({ provisionedConcurrency: 3 });
    template.hasResourceProperties('AWS::Lambda::Alias', { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 3 } });
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
  });

  test('CORS answers preflight for the allowed origins only', () => {
    const { template } = builtOnce({ corsOrigins: ['https://app.example.com'] });
    const options = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter((m) => m.Properties.HttpMethod === 'OPTIONS');
    expect(options.length).toBeGreaterThan(0);
    expect(JSON.stringify(options[0].Properties.Integration)).toContain("'https://app.example.com'");
  });

  test('without CORS there is no preflight method', () => {
    const { template } = builtOnce({});
    template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' }, 0);
  });

  test('an encrypted response cache, and no acknowledgement of a missing one', () => {
    const { stack, template } = build({ cacheTtl: Duration.minutes(5) });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      CacheClusterEnabled: true, CacheClusterSize: '0.5',
      MethodSettings: [Match.objectLike({ CachingEnabled: true, CacheDataEncrypted: true, CacheTtlInSeconds: 300 })],
    });
    expect(formatFindings(nagFindings(stack))).toBe('');
    expect(JSON.stringify(template.toJSON())).not.toContain('APIGWCacheEnabledAndEncrypted');
  });

  test('provisioned concurrency through a live alias, which the API invokes', () => {
    const { template } = build({ provisionedConcurrency: 2 });
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    for (const m of methods(template)) expect(JSON.stringify(m.Integration.Uri)).toContain('ApiLive');
  });

  test('memory, timeout, reserved concurrency and throttling reach the resources', () => {
    const { template } = build({ memorySize: 1024, timeout: Duration.seconds(28), reservedConcurrency: 3, throttling: { rateLimit: 7, burstLimit: 9 } });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024, Timeout: 28, ReservedConcurrentExecutions: 3 });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 })] });
  });

  test('an existing web ACL is associated with the stage', () => {
    const webAclArn = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/0f8fad5b-d9cb-469f-a165-70867728950e';
    const { template } = build({ webAclArn });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: webAclArn });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('the table keeps deletion protection and is retained when nobody chose otherwise', () => {
    const { template } = builtOnce({});
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
  });

  test('bad props throw before anything is built', () => {
    expect(() => build({ timeout: Duration.seconds(30) })).toThrow(/^Invalid ServerlessApi props:\n {2}- timeout: got 30/);
  });
});

describe('a custom domain, the execute-api endpoint switched off', () => {
  const stack = testStack();
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:eu-west-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e');
  const api = new ServerlessApi(stack, 'Api', { customDomain: { domainName: 'api.example.com', certificate }, disableExecuteApiEndpoint: true });
  const template = Template.fromStack(stack);

  test('a regional custom domain with TLS 1.2 at least, its root mapped to the API\'s stage', () => {
    expect(Object.values(resourcesOf(template, 'AWS::ApiGateway::DomainName')).map((d) => d.Properties)).toEqual([expect.objectContaining({
      DomainName: 'api.example.com', EndpointConfiguration: { Types: ['REGIONAL'], IpAddressType: 'dualstack' }, SecurityPolicy: 'TLS_1_2', RegionalCertificateArn: certificate.certificateArn })]);
    expect(Object.values(resourcesOf(template, 'AWS::ApiGateway::BasePathMapping')).map((m) => m.Properties)).toEqual([{
      DomainName: { Ref: stack.resolve((api.customDomain!.node.defaultChild as apigw.CfnDomainName).logicalId) },
      RestApiId: { Ref: stack.resolve((api.api.node.defaultChild as apigw.CfnRestApi).logicalId) },
      Stage: { Ref: stack.resolve((api.api.deploymentStage.node.defaultChild as apigw.CfnStage).logicalId) },
    }]);
  });

  test('clients reach the API through the custom domain only, over IPv4 and IPv6', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true, EndpointConfiguration: { Types: ['REGIONAL'], IpAddressType: 'dualstack' } });
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

describe('CORS on every answer, not only the preflight', () => {
  const gatewayResponses = (template: Template) => Object.values(resourcesOf(template, 'AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties);

  test('one origin: the handler learns it, and API Gateway\'s own 4XX/5XX answers carry it with Vary', () => {
    const { template } = builtOnce({ corsOrigins: ['https://app.example.com'] });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ALLOWED_ORIGINS: 'https://app.example.com' }) } });
    const responses = gatewayResponses(template);
    expect(responses.map((r) => r.ResponseType).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
    for (const r of responses) {
      expect(r.ResponseParameters).toEqual({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
        'gatewayresponse.header.Vary': "'Origin'",
      });
    }
  });

  test('several origins: the handler echoes the allowed one; gateway answers echo the request origin', () => {
    const { template } = build({ corsOrigins: ['https://app.example.com', 'http://localhost:3000'] });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ALLOWED_ORIGINS: 'https://app.example.com,http://localhost:3000' }) } });
    for (const r of gatewayResponses(template)) {
      expect(r.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe('method.request.header.Origin');
    }
  });

  test('"*": every answer allows any origin, without Vary', () => {
    const { template } = build({ corsOrigins: ['*'] });
    for (const r of gatewayResponses(template)) expect(r.ResponseParameters).toEqual({ 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" });
  });

  test('without CORS: no gateway responses and no ALLOWED_ORIGINS', () => {
    const { template } = builtOnce({});
    template.resourceCountIs('AWS::ApiGateway::GatewayResponse', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.not(Match.objectLike({ ALLOWED_ORIGINS: Match.anyValue() })) } });
  });
});

describe('tokens where users pass values (CfnParameter)', () => {
  const stack = testStack();
  const origin = new CfnParameter(stack, 'Origin', { type: 'String' });
  const email = new CfnParameter(stack, 'AlarmEmail', { type: 'String' });
  const memory = new CfnParameter(stack, 'Memory', { type: 'Number' });
  new ServerlessApi(stack, 'Api', { corsOrigins: [origin.valueAsString], alarmEmail: email.valueAsString, memorySize: memory.valueAsNumber });
  const template = Template.fromStack(stack);

  test('synthesize, each value resolved by CloudFormation', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: { Ref: 'Memory' }, Environment: { Variables: Match.objectLike({ ALLOWED_ORIGINS: { Ref: 'Origin' } }) } });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Access-Control-Allow-Origin': { 'Fn::Join': ['', ["'", { Ref: 'Origin' }, "'"]] } }),
    });
  });
});

describe('your own function behind the same secured API', () => {
  const stack = testStack();
  const mine = lambda.Function.fromFunctionAttributes(stack, 'Mine', {
    functionArn: Stack.of(stack).formatArn({ service: 'lambda', resource: 'function', resourceName: 'mine', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    sameEnvironment: true,
  });
  const api = new ServerlessApi(stack, 'Api', { existingFunction: mine });
  const template = Template.fromStack(stack);

  test('ANY / and ANY /{proxy+} reach it, with IAM authorization like the items API', () => {
    const routes = methods(template);
    expect(routes.map((m) => m.HttpMethod)).toEqual(['ANY', 'ANY']);
    for (const m of routes) {
      expect(m).toMatchObject({ AuthorizationType: 'AWS_IAM', Integration: { Type: 'AWS_PROXY' } });
      expect(JSON.stringify(m.Integration.Uri)).toContain(':function:mine');
    }
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
  });

  test('the missing body schema is acknowledged on the API: the function validates bodies', () => {
    const restApi = Object.values(resourcesOf(template, 'AWS::ApiGateway::RestApi'))[0];
    expect(JSON.stringify(restApi.Metadata)).toContain('AwsSolutions-APIG2');
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestParameters: true });
  });

  test('no table, no function of its own; the handle points at yours', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    expect(api.function).toBe(mine);
    expect([api.table, api.handler]).toEqual([undefined, undefined]);
  });

  test('alarms watch your function\'s errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: Match.anyValue() }] });
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

describe('your own code, bundled and hardened like the items handler', () => {
  const entry = path.join(__dirname, 'fixtures', 'hello.ts');

  test('without a table unless asked; its environment and CORS origins reach it', () => {
    const { template } = build({ handlerEntry: entry, environment: { MODE: 'demo' }, corsOrigins: ['https://app.example.com'] });
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'], TracingConfig: { Mode: 'Active' },
      Environment: { Variables: { MODE: 'demo', ALLOWED_ORIGINS: 'https://app.example.com' } },
    });
    expect(methods(template).map((m) => m.HttpMethod)).toEqual(['ANY', 'ANY']);
  });

  test('with createTable: the table, its name in TABLE_NAME and read/write on it', () => {
    const { stack, template } = build({ handlerEntry: entry, createTable: true });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { TABLE_NAME: { Ref: Match.stringLikeRegexp('ApiItems') } } } });
    const grants = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find(([id]) => id.includes('HandlerRoleGrants'))![1];
    expect(JSON.stringify(grants.Properties.PolicyDocument)).toContain('dynamodb:PutItem');
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

test('an imported key (IKey) encrypts everything; no key is created', () => {
  const stack = testStack();
  const encryptionKey = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/0f8fad5b-d9cb-469f-a165-70867728950e');
  const api = new ServerlessApi(stack, 'Api', { encryptionKey });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::KMS::Key', 0);
  expect(api.key).toBe(encryptionKey);
  template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: Match.objectLike({ KMSMasterKeyId: encryptionKey.keyArn }) });
  template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: encryptionKey.keyArn });
});

describe('API Gateway\'s account-wide logging role', () => {
  const accounts = (stack: Stack) => Object.keys(resourcesOf(Template.fromStack(stack), 'AWS::ApiGateway::Account'));

  test('two ServerlessApis in one stack share one setting; each stage deploys after it, each with its own execution logs', () => {
    const stack = testStack();
    new ServerlessApi(stack, 'Orders');
    new ServerlessApi(stack, 'Invoices', { authorization: 'apiKey' });
    const template = Template.fromStack(stack);
    expect(accounts(stack)).toHaveLength(1);
    template.resourcePropertiesCountIs('AWS::IAM::Role', { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] }) }, 1);
    const stages = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    expect(stages).toHaveLength(2);
    for (const s of stages) expect(s.DependsOn).toContain(accounts(stack)[0]);
    const names = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup')).map((r) => JSON.stringify(r.Properties.LogGroupName)).filter((n) => n?.includes('Execution'));
    expect(new Set(names).size).toBe(2);
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('two stacks of one stage and environment: the first owns the setting, the second deploys after it', () => {
    const stage = new Stage(testApp(), 'Two');
    recordAcknowledgements(stage);
    const first = new Stack(stage, 'First');
    const second = new Stack(stage, 'Second');
    new ServerlessApi(first, 'Api');
    new ServerlessApi(second, 'Api');
    expect([accounts(first).length, accounts(second).length]).toEqual([1, 0]);
    expect(second.dependencies).toContain(first);
  });

  test('stacks of one stage in two regions: one setting per region', () => {
    const stage = new Stage(testApp(), 'Regions');
    const west = new Stack(stage, 'West', { env: { account: '123456789012', region: 'eu-west-1' } });
    const east = new Stack(stage, 'East', { env: { account: '123456789012', region: 'us-east-1' } });
    new ServerlessApi(west, 'Api');
    new ServerlessApi(east, 'Api');
    expect([accounts(west).length, accounts(east).length]).toEqual([1, 1]);
  });

  test('opted out (the account has it already): no setting and no role', () => {
    const { template } = build({ accountLoggingRole: false });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.resourceCountIs('AWS::IAM::Role', 1); // the handler's
  });
});
