import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ServerlessApi } from '../../lib/serverless-api/serverless-api';
import { ServerlessApiProps } from '../../lib/serverless-api/serverless-api-props';
import { formatFindings } from '../../lib/shared/compliance';
import { nagFindings, resourcesOf, testStack } from '../harness';

function build(props: ServerlessApiProps) {
  const stack = testStack();
  const api = new ServerlessApi(stack, 'Api', props);
  return { stack, api, template: Template.fromStack(stack) };
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
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false, ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']) });
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

test('Cognito authorization with an existing pool uses its ARN and creates none', () => {
  const arn = 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123';
  const { template } = build({ authorization: 'cognito', cognito: { userPoolArn: arn } });
  template.resourceCountIs('AWS::Cognito::UserPool', 0);
  template.hasResourceProperties('AWS::ApiGateway::Authorizer', { ProviderARNs: [arn] });
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
  test('CORS answers preflight for the allowed origins only', () => {
    const { template } = build({ corsOrigins: ['https://app.example.com'] });
    const options = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter((m) => m.Properties.HttpMethod === 'OPTIONS');
    expect(options.length).toBeGreaterThan(0);
    expect(JSON.stringify(options[0].Properties.Integration)).toContain("'https://app.example.com'");
  });

  test('without CORS there is no preflight method', () => {
    const { template } = build({});
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
    const { template } = build({});
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
  });

  test('bad props throw before anything is built', () => {
    expect(() => build({ timeout: Duration.seconds(30) })).toThrow(/^Invalid ServerlessApi props:\n {2}- timeout: got 30/);
  });
});
