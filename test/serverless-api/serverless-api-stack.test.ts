import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatFindings } from '../../lib/shared/compliance';
import { acknowledgedRules, normalised, resourcesOf, stackTemplate, synthesizedStack } from '../harness';

// Each stage variant is synthesized once per run (test/setup/global-setup.js).
const sandboxTemplate = stackTemplate('Sandbox', 'ServerlessApi');
const productionTemplate = stackTemplate('Production', 'ServerlessApi');

const methods = (template: Template) => Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))
  .filter((m) => m.Properties.HttpMethod !== 'OPTIONS');

describe.each([['Sandbox', sandboxTemplate], ['Production', productionTemplate]])('ServerlessApi stack, %s profile', (_n, template) => {
  test('an on-demand table, encrypted with a customer-managed key, with point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ServerlessApiKey'), 'Arn'] } },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  test('the handler: arm64, Node.js 24, traced, JSON logs, the table name, under the integration timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'], Runtime: 'nodejs24.x', Timeout: 10, MemorySize: 256,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Environment: { Variables: { TABLE_NAME: { Ref: Match.stringLikeRegexp('ServerlessApiItems') } } },
    });
  });

  test('the handler may read and write this table only', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const grants = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find(([id]) => id.includes('HandlerRoleGrants'))![1];
    const dynamo = grants.Properties.PolicyDocument.Statement.filter((s: { Action: string[] }) => s.Action.some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0].Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/ServerlessApiItems/), 'Arn'] });
    expect(dynamo[0].Action).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Scan']));
  });

  test('a regional REST API with /items and /items/{id}', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'items' });
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{id}' });
    expect(methods(template).map((m) => m.Properties.HttpMethod).sort()).toEqual(['DELETE', 'GET', 'GET', 'POST']);
  });

  test('every method requires IAM (SigV4) authorization by default', () => {
    for (const m of methods(template)) expect(m.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  test('every method validates its request; POST bodies against the item model', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    for (const m of methods(template)) expect(m.Properties.RequestValidatorId).toEqual({ Ref: expect.stringMatching(/Validator/) });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: {
        $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', required: ['name'], additionalProperties: false,
        properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, description: { type: 'string', maxLength: 2000 } },
      },
    });
    const post = methods(template).find((m) => m.Properties.HttpMethod === 'POST')!;
    expect(post.Properties.RequestModels).toEqual({ 'application/json': { Ref: expect.stringMatching(/CreateItem/) } });
  });

  test('the stage: throttled, JSON access logs, execution logs without bodies, X-Ray, metrics, a client certificate', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      ClientCertificateId: Match.anyValue(),
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
      MethodSettings: [Match.objectLike({ LoggingLevel: 'INFO', DataTraceEnabled: false, MetricsEnabled: true, ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() })],
    });
  });

  test('execution logs go to a log group of the stack, named as API Gateway names it, encrypted, created before the stage', () => {
    const [stageId, stage] = Object.entries(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0];
    const apiId = stage.Properties.RestApiId.Ref;
    const [logsId, logGroup] = Object.entries(resourcesOf(template, 'AWS::Logs::LogGroup'))
      .find(([, r]) => JSON.stringify(r.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'))!;
    expect(logGroup.Properties.LogGroupName).toEqual({ 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: apiId }, '/v1']] });
    expect(logGroup.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/ServerlessApiKey/), 'Arn'] });
    expect(template.toJSON().Resources[stageId].DependsOn).toContain(logsId);
  });

  test('API Gateway\'s account-wide logging role: set once, retained with its role, before the stage deploys', () => {
    const accounts = Object.entries(resourcesOf(template, 'AWS::ApiGateway::Account'));
    expect(accounts).toHaveLength(1);
    const [accountId, account] = accounts[0];
    expect(account.DeletionPolicy).toBe('Retain');
    const roleId = account.Properties.CloudWatchRoleArn['Fn::GetAtt'][0];
    const role = template.toJSON().Resources[roleId];
    expect(role).toMatchObject({ Type: 'AWS::IAM::Role', DeletionPolicy: 'Retain' });
    expect(role.Properties.RoleName).toBeUndefined();
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('service-role/AmazonAPIGatewayPushToCloudWatchLogs');
    const stageId = Object.keys(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0];
    expect(template.toJSON().Resources[stageId].DependsOn).toContain(accountId);
  });

  test('no literal physical name that another deployment or a retained leftover could share', () => {
    // Names scoped to their parent (the stage "v1", the alias "live") cannot collide and are not listed.
    const named = ['TableName', 'FunctionName', 'RoleName', 'TopicName', 'UserPoolName', 'LogGroupName', 'Name'];
    const literal: string[] = [];
    for (const [id, r] of Object.entries(template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>)) {
      for (const prop of named) {
        const value = r.Properties?.[prop];
        // RegionalWebAcl (lib/shared/web-acl.ts) names its WAF log group itself; not this construct's.
        if (typeof value === 'string' && !value.startsWith('aws-waf-logs-')) literal.push(`${id}.${prop}=${value}`);
      }
    }
    // The REST API's name (not unique in API Gateway, but shown in the console) is the construct's unique name.
    expect(literal).toEqual([expect.stringMatching(/^ServerlessApi[0-9A-F]{8}\.Name=(Sandbox|Production)ServerlessApi[0-9A-F]{8}$/)]);
  });

  test('alarms on 5xx answers and handler errors', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.map((a) => a.MetricName).sort()).toEqual(['5XXError', 'Errors']);
    for (const a of alarms) expect(a.Threshold).toBe(0);
  });

  test('outputs the items URL and the table name', () => {
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    template.hasOutput('TableName', { Value: { Ref: Match.stringLikeRegexp('ServerlessApiItems') } });
  });
});

describe('stage differences', () => {
  test('the sandbox deletes the table, logs and key on destroy and has no deletion protection', () => {
    sandboxTemplate.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: false }) });
    for (const type of ['AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
      for (const r of Object.values(resourcesOf(sandboxTemplate, type))) expect(r.DeletionPolicy).toBe('Delete');
    }
  });

  test('the sandbox retains nothing but API Gateway\'s account logging setting and its role, which other APIs rely on', () => {
    const retained = Object.values(sandboxTemplate.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>)
      .filter((r) => r.DeletionPolicy === 'Retain').map((r) => r.Type).sort();
    expect(retained).toEqual(['AWS::ApiGateway::Account', 'AWS::IAM::Role']);
  });

  test('production retains the table, logs and key and protects the table from deletion', () => {
    productionTemplate.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    for (const type of ['AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
      for (const r of Object.values(resourcesOf(productionTemplate, type))) expect(r.DeletionPolicy).toBe('Retain');
    }
  });

  test('production puts a WAF web ACL in front of the stage; the sandbox opts out', () => {
    productionTemplate.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({ Priority: 0, OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } } }),
        Match.objectLike({ Priority: 1, OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
        Match.objectLike({ Priority: 2, OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } } }),
        Match.objectLike({ Priority: 3, Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP' } } }),
      ],
    });
    productionTemplate.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: Match.anyValue() });
    productionTemplate.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', { LogDestinationConfigs: [Match.anyValue()] });
    // WAF's required prefix, then this stack's id: no other deployment or retained leftover has the name.
    productionTemplate.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: { 'Fn::Join': ['', [
      Match.stringLikeRegexp('^aws-waf-logs-'), { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] } });
    sandboxTemplate.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('the sandbox deploys into a brand-new account: no reserved or provisioned concurrency; production reserves 50', () => {
    sandboxTemplate.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
    sandboxTemplate.resourceCountIs('AWS::Lambda::Alias', 0);
    productionTemplate.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 50 });
  });

  test('throttling and log retention by stage', () => {
    sandboxTemplate.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })] });
    productionTemplate.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 })] });
    sandboxTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    productionTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });
});

describe('compliance', () => {
  test.each(['Sandbox', 'Production', 'Sandbox pinned', 'Production pinned'] as const)('%s: the five packs report nothing unacknowledged', (variant) => {
    expect(formatFindings(synthesizedStack(variant, 'ServerlessApi').findings)).toBe('');
  });

  test('production acknowledges no WAF finding: it has a web ACL', () => {
    const rules = [...acknowledgedRules(productionTemplate).keys()];
    expect(rules.filter((r) => r.includes('WAF') || r === 'AwsSolutions-APIG3')).toEqual([]);
    expect([...acknowledgedRules(sandboxTemplate).keys()]).toEqual(expect.arrayContaining(['AwsSolutions-APIG3', 'NIST.800.53.R5-APIGWAssociatedWithWAF']));
  });
});

describe('snapshots (drift only; the assertions above are the specification)', () => {
  test('Sandbox', () => expect(normalised(sandboxTemplate)).toMatchSnapshot());
  test('Production', () => expect(normalised(productionTemplate)).toMatchSnapshot());
});
