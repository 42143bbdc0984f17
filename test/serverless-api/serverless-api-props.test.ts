import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ServerlessApiProps, validateServerlessApiProps } from '../../lib/serverless-api/serverless-api-props';
import { problemsOf as problemsFor } from '../harness';

const problemsOf = (props: ServerlessApiProps) => problemsFor(validateServerlessApiProps, props);

describe('ServerlessApi props: bad input fails at synth with a clear message', () => {
  test('the defaults are valid', () => expect(problemsOf({})).toEqual([]));

  test.each([64, 10241, 300.5])('fails when memory is outside 128-10240 MB: %s', (memorySize) => {
    expect(problemsOf({ memorySize })).toEqual([`memorySize: got ${memorySize}; expected a whole number from 128 to 10240 MB`]);
  });

  test.each([0, 29, 30, 900])('fails when the timeout is 0 or reaches API Gateway\'s 29 s: %s s', (s) => {
    expect(problemsOf({ timeout: Duration.seconds(s) })).toEqual([
      `timeout: got ${s}; expected a whole number from 1 to 28 seconds (API Gateway ends every integration at 29 s)`]);
  });

  test('fails on negative reserved concurrency or throttling values', () => {
    expect(problemsOf({ reservedConcurrency: -1, throttling: { rateLimit: -5, burstLimit: -1 } })).toEqual([
      'reservedConcurrency: got -1; expected a whole number from 1 to 1000',
      'throttling.rateLimit: got -5; expected a whole number from 0 to 10000',
      'throttling.burstLimit: got -1; expected a whole number from 0 to 5000',
    ]);
  });

  test('fails when the burst is below the rate', () => {
    expect(problemsOf({ throttling: { rateLimit: 100, burstLimit: 50 } }))
      .toEqual(['throttling.burstLimit: got 50; expected at least the rateLimit (100)']);
    expect(problemsOf({ authorization: 'apiKey', usagePlan: { rateLimit: 10, burstLimit: 5 } }))
      .toEqual(['usagePlan.burstLimit: got 5; expected at least the rateLimit (10)']);
  });

  test.each(['example.com', 'https://app.example.com/path', 'ftp://x.y', 'https://*.example.com'])('fails on the CORS origin %s', (origin) => {
    expect(problemsOf({ corsOrigins: [origin] })).toEqual([
      `corsOrigins[0]: got "${origin}"; expected "*" or an origin such as "https://app.example.com" (scheme, host, optional port, no path)`]);
  });

  test('accepts real origins and a lone wildcard, but not a wildcard among origins', () => {
    expect(problemsOf({ corsOrigins: ['https://app.example.com', 'http://localhost:3000'] })).toEqual([]);
    expect(problemsOf({ corsOrigins: ['*'] })).toEqual([]);
    expect(problemsOf({ corsOrigins: ['*', 'https://a.example.com'] })).toEqual(['corsOrigins: got ["*","https://a.example.com"]; expected "*" alone or a list of origins']);
  });

  test('fails on Cognito authorization without a pool', () => {
    expect(problemsOf({ authorization: 'cognito' })).toEqual([
      'cognito: got undefined; authorization "cognito" needs a user pool: set cognito.userPool, cognito.userPoolArn or cognito.createUserPool: true']);
  });

  test('fails on a malformed user pool ARN', () => {
    expect(problemsOf({ authorization: 'cognito', cognito: { userPoolArn: 'arn:aws:cognito-idp:eu-west-1:123:userpool/x' } })).toEqual([
      'cognito.userPoolArn: got "arn:aws:cognito-idp:eu-west-1:123:userpool/x"; expected a user pool ARN such as "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"']);
    expect(problemsOf({ authorization: 'cognito', cognito: { userPoolArn: 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123' } })).toEqual([]);
  });

  test('fails on Cognito settings without Cognito authorization', () => {
    expect(problemsOf({ cognito: { createUserPool: true } })).toEqual(['cognito: got {"createUserPool":true}; applies only to authorization "cognito"']);
  });

  test('fails on a usage-plan quota without API-key authorization', () => {
    expect(problemsOf({ usagePlan: { quota: { limit: 100, period: 'DAY' } } })).toEqual([
      'usagePlan: got {"quota":{"limit":100,"period":"DAY"}}; a usage plan meters API keys; it needs authorization "apiKey", not "iam"']);
    expect(problemsOf({ authorization: 'apiKey', usagePlan: { quota: { limit: 100, period: 'DAY' } } })).toEqual([]);
  });

  test('fails on an unknown authorization mode', () => {
    expect(problemsOf({ authorization: 'none' as never })).toEqual(['authorization: got "none"; expected one of "iam", "cognito", "apiKey", "unauthenticated"']);
  });

  test('fails on a malformed web ACL ARN, or both ways of adding one', () => {
    expect(problemsOf({ webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/y' })[0]).toMatch(/^webAclArn: got .*; expected the ARN of a regional WAFv2 web ACL$/);
    const arn = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(problemsOf({ webAclArn: arn })).toEqual([]);
    expect(problemsOf({ webAclArn: arn, webAcl: true })).toEqual([`webAclArn: got "${arn}"; expected webAcl: true or webAclArn, not both`]);
  });

  test('fails when provisioned concurrency exceeds reserved concurrency, or the cache TTL is out of range', () => {
    expect(problemsOf({ provisionedConcurrency: 20, reservedConcurrency: 10, cacheTtl: Duration.hours(2) })).toEqual([
      'provisionedConcurrency: got 20; expected at most reservedConcurrency (10)',
      'cacheTtl: got 7200; expected a whole number from 1 to 3600 seconds',
    ]);
  });

  test('provisioned concurrency is checked against the reservation the function really has: none unless set', () => {
    expect(problemsOf({ provisionedConcurrency: 20 })).toEqual([]);
    expect(problemsOf({ provisionedConcurrency: 10, reservedConcurrency: 10 })).toEqual([]);
    expect(problemsOf({ provisionedConcurrency: 11, reservedConcurrency: 10 })).toEqual(['provisionedConcurrency: got 11; expected at most reservedConcurrency (10)']);
  });

  test('fails on more than one user pool, naming the ways without serializing the pool', () => {
    const stack = new Stack();
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_AbCdEf123');
    expect(problemsOf({ authorization: 'cognito', cognito: { userPool, createUserPool: true } })).toEqual([
      'cognito: got {"userPool":"<user pool>","createUserPool":true}; expected one of userPool, userPoolArn and createUserPool']);
    expect(problemsOf({ authorization: 'cognito', cognito: { userPool } })).toEqual([]);
    expect(problemsOf({ cognito: { userPool } })).toEqual(['cognito: got {"userPool":"<user pool>"}; applies only to authorization "cognito"']);
  });

  test('fails on a malformed alarm e-mail address', () => {
    expect(problemsOf({ alarmEmail: 'ops.example.com' })).toEqual(['alarmEmail: got "ops.example.com"; expected an e-mail address']);
    expect(problemsOf({ alarmEmail: 'ops@example.com' })).toEqual([]);
  });

  test('fails on an empty CORS list or a whole-list token (each origin may be a token)', () => {
    const stack = new Stack();
    const list = new CfnParameter(stack, 'Origins', { type: 'CommaDelimitedList' }).valueAsList;
    expect(problemsOf({ corsOrigins: [] })).toEqual(['corsOrigins: got []; expected at least one origin; leave corsOrigins out for no CORS']);
    expect(problemsOf({ corsOrigins: list })).toEqual([
      'corsOrigins: got "<list token>"; expected a list of origins, each of which may be a token: the preflight needs to know how many there are']);
  });
});

describe('ServerlessApi props: a custom domain', () => {
  const certificate = {} as acm.ICertificate;

  test('fails when the custom domain name is not a DNS name', () => {
    expect(problemsOf({ customDomain: { domainName: 'API.example.com', certificate } })).toEqual([
      'customDomain.domainName: got "API.example.com"; expected a lower-case DNS name such as "api.example.com"']);
  });

  test('fails when the execute-api endpoint is switched off with no custom domain: the API would be unreachable', () => {
    expect(problemsOf({ disableExecuteApiEndpoint: true })).toEqual([
      'disableExecuteApiEndpoint: got true; the API would be unreachable: give it a customDomain, or keep the execute-api endpoint']);
    expect(problemsOf({ disableExecuteApiEndpoint: true, customDomain: { domainName: 'api.example.com', certificate } })).toEqual([]);
  });
});

describe('ServerlessApi props: your own function or code', () => {
  const stack = new Stack();
  const existingFunction = lambda.Function.fromFunctionName(stack, 'Fn', 'mine');

  test('fails on both an existing function and a handler entry', () => {
    expect(problemsOf({ existingFunction, handlerEntry: __filename })).toEqual([`handlerEntry: got "${__filename}"; expected existingFunction or handlerEntry, not both`]);
  });

  test('fails on a handler entry that is not a file', () => {
    expect(problemsOf({ handlerEntry: '/no/such/handler.ts' })).toEqual(['handlerEntry: got "/no/such/handler.ts"; expected the path of an existing TypeScript handler file']);
    expect(problemsOf({ handlerEntry: __dirname })).toHaveLength(1);
    expect(problemsOf({ handlerEntry: __filename })).toEqual([]);
  });

  test('fails on function settings with an existing function: they belong to its owner', () => {
    expect(problemsOf({ existingFunction, memorySize: 512, timeout: Duration.seconds(5), reservedConcurrency: 2, provisionedConcurrency: 1, environment: { A: 'b' } })).toEqual([
      'memorySize: got 512; applies to the function the construct creates; configure existingFunction itself',
      'timeout: got "5 seconds"; applies to the function the construct creates; configure existingFunction itself',
      'reservedConcurrency: got 2; applies to the function the construct creates; configure existingFunction itself',
      'provisionedConcurrency: got 1; applies to the function the construct creates; configure existingFunction itself',
      'environment: got {"A":"b"}; applies to the function the construct creates; configure existingFunction itself',
    ]);
  });

  test('fails when the items handler would go without its table', () => {
    expect(problemsOf({ createTable: false })).toEqual(['createTable: got false; the items handler needs its table; set existingFunction or handlerEntry to go without, or give existingTable']);
    expect(problemsOf({ existingFunction, createTable: false })).toEqual([]);
  });

  test('fails on environment variables the construct sets itself', () => {
    expect(problemsOf({ handlerEntry: __filename, environment: { TABLE_NAME: 'x', ALLOWED_ORIGINS: '*', MODE: 'ok' } })).toEqual([
      'environment.TABLE_NAME: got "x"; is set by the construct',
      'environment.ALLOWED_ORIGINS: got "*"; is set by the construct',
    ]);
  });
});

describe('ServerlessApi props: tokens are accepted where a user passes them, and checked only when known', () => {
  const stack = new Stack();
  const text = (id: string) => new CfnParameter(stack, id, { type: 'String' }).valueAsString;
  const number = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;

  test('CfnParameter values for origins, e-mail, ARNs and numbers pass validation', () => {
    expect(problemsOf({
      corsOrigins: [text('Origin'), 'https://app.example.com'],
      alarmEmail: text('Email'),
      webAclArn: text('WebAclArn'),
      memorySize: number('Memory'),
      timeout: Duration.seconds(number('Timeout')),
      reservedConcurrency: number('Reserved'),
      provisionedConcurrency: number('Provisioned'),
      throttling: { rateLimit: number('Rate'), burstLimit: 10 },
      cacheTtl: Duration.seconds(number('Ttl')),
    })).toEqual([]);
    expect(problemsOf({ authorization: 'cognito', cognito: { userPoolArn: text('PoolArn') } })).toEqual([]);
  });

  test('the known values beside the tokens are still checked', () => {
    expect(problemsOf({ corsOrigins: [text('Origin2'), 'app.example.com'], provisionedConcurrency: 5, reservedConcurrency: number('Reserved2') })).toEqual([
      'corsOrigins[1]: got "app.example.com"; expected "*" or an origin such as "https://app.example.com" (scheme, host, optional port, no path)']);
  });
});
