import { Duration } from 'aws-cdk-lib';
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
      'cognito: got undefined; authorization "cognito" needs a user pool: set cognito.userPoolArn or cognito.createUserPool: true']);
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
});
