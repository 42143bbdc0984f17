import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatFindings } from '../../lib/shared/compliance';
import { acknowledgedRules, nagFindings, normalised, referenceStage, resourcesOf } from '../harness';

const sandbox = referenceStage('Sandbox');
const production = referenceStage('Production');
const sandboxTemplate = Template.fromStack(sandbox.serverlessApi);
const productionTemplate = Template.fromStack(production.serverlessApi);

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
      ReservedConcurrentExecutions: Match.anyValue(),
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

  test('throttling and log retention by stage', () => {
    sandboxTemplate.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })] });
    productionTemplate.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 })] });
    sandboxTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    productionTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });
});

describe('compliance', () => {
  test.each([['Sandbox', sandbox.serverlessApi], ['Production', production.serverlessApi]])('%s: the five packs report nothing unacknowledged', (_n, stack) => {
    expect(formatFindings(nagFindings(stack))).toBe('');
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
