import { Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StaticSiteProps, validateStaticSiteProps } from '../../lib/static-site/static-site-props';
import { problemsOf as problemsFor, testStack } from '../harness';

const problemsOf = (props: StaticSiteProps, region?: string) => problemsFor((p: StaticSiteProps) => validateStaticSiteProps(p, region), props);
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e';

describe('StaticSite props: bad input fails at synth with a clear message', () => {
  test('the defaults are valid', () => expect(problemsOf({})).toEqual([]));

  test('fails on OAI with an SSE-KMS bucket; OAC (the default) with KMS is fine', () => {
    expect(problemsOf({ originAccess: 'oai', encryption: 'KMS' })).toEqual([
      'encryption: got "KMS"; an Origin Access Identity cannot read SSE-KMS objects; use originAccess: "oac" or encryption: "S3_MANAGED"']);
    expect(problemsOf({ encryption: 'KMS' })).toEqual([]);
  });

  test('fails on OAI in a region launched after December 2022, when the region is known', () => {
    expect(problemsOf({ originAccess: 'oai' }, 'ap-southeast-5')).toEqual([
      'originAccess: got "oai"; S3 buckets in ap-southeast-5, a region launched after December 2022, do not accept an Origin Access Identity; use originAccess: "oac"']);
    expect(problemsOf({ originAccess: 'oai' }, 'eu-west-1')).toEqual([]);
    expect(problemsOf({ originAccess: 'oai' }, Token.asString({ Ref: 'AWS::Region' }))).toEqual([]);
    expect(problemsOf({ originAccess: 'oac' }, 'ap-southeast-5')).toEqual([]);
  });

  test('fails on new-bucket props with existingBucket, a key without KMS, or bucketProps that would open the bucket', () => {
    const stack = testStack();
    const existingBucket = new s3.Bucket(stack, 'Mine');
    const encryptionKey = new kms.Key(stack, 'Key');
    expect(problemsOf({ existingBucket, bucketProps: { versioned: false }, noncurrentVersionDays: 7 })).toEqual([
      'existingBucket: got "Unit/Test/Mine"; bucketProps, noncurrentVersionDays configure a new bucket; set them on your own bucket instead, or leave existingBucket out']);
    expect(problemsOf({ encryptionKey })).toEqual(['encryptionKey: got "Unit/Test/Key"; a key is used with encryption: "KMS" only']);
    expect(problemsOf({ bucketProps: { publicReadAccess: true, enforceSSL: false } })).toEqual([
      'bucketProps: got ["enforceSSL","publicReadAccess"]; the site keeps its bucket private, TLS-only and encrypted as encryption/encryptionKey say; set the other bucket props here']);
    expect(problemsOf({ encryption: 'KMS', encryptionKey, bucketProps: { versioned: true } })).toEqual([]);
    const kmsBucket = new s3.Bucket(stack, 'MineKms', { encryptionKey });
    expect(problemsOf({ existingBucket: kmsBucket, originAccess: 'oai' })).toEqual([
      'existingBucket: got "Unit/Test/MineKms"; the bucket is SSE-KMS encrypted, which an Origin Access Identity cannot read; use originAccess: "oac"']);
    expect(problemsOf({ existingBucket: kmsBucket })).toEqual([]);
  });

  test('tokens (parameters, imports) are not judged at synth', () => {
    const token = Token.asString({ Ref: 'Param' });
    expect(problemsOf({ domainNames: [token], certificateArn: token, webAclArn: token, allowCountries: [token], contentSecurityPolicy: token,
      dynamicContent: { pathPattern: token, originDomainName: token }, noncurrentVersionDays: Token.asNumber({ Ref: 'Days' }) })).toEqual([]);
    expect(problemsOf({ domainNames: Token.asList({ Ref: 'Domains' }), certificateArn: token })).toEqual([]);
    expect(problemsOf({ domainNames: [token] })).toEqual([
      expect.stringMatching(/^domainNames: got .*; custom domain names need certificateArn/)]);
  });

  test('fails on a certificate outside us-east-1', () => {
    const arn = CERT.replace('us-east-1', 'eu-west-1');
    expect(problemsOf({ domainNames: ['www.example.com'], certificateArn: arn })).toEqual([
      `certificateArn: got "${arn}"; CloudFront uses certificates from us-east-1 only; this one is in eu-west-1`]);
  });

  test('fails on a malformed certificate ARN', () => {
    expect(problemsOf({ domainNames: ['www.example.com'], certificateArn: 'arn:aws:acm:us-east-1:1:cert' })).toEqual([
      'certificateArn: got "arn:aws:acm:us-east-1:1:cert"; expected an ACM certificate ARN such as "arn:aws:acm:us-east-1:123456789012:certificate/<uuid>"']);
  });

  test('fails on domain names without a certificate, or the reverse', () => {
    expect(problemsOf({ domainNames: ['www.example.com'] })).toEqual([
      'domainNames: got ["www.example.com"]; custom domain names need certificateArn, an ACM certificate in us-east-1']);
    expect(problemsOf({ certificateArn: CERT })).toEqual([`certificateArn: got "${CERT}"; a certificate needs the domainNames it covers`]);
    expect(problemsOf({ domainNames: ['www.example.com', '*.example.com'], certificateArn: CERT })).toEqual([]);
  });

  test('fails on a malformed domain name', () => {
    expect(problemsOf({ domainNames: ['WWW.Example.com'], certificateArn: CERT })).toEqual([
      'domainNames[0]: got "WWW.Example.com"; expected a lower-case domain name such as "www.example.com"']);
  });

  test.each(['USA', 'us', 'XX', 'U1'])('fails on the invalid country code %s', (code) => {
    expect(problemsOf({ allowCountries: [code] })).toEqual([
      `allowCountries[0]: got "${code}"; expected an ISO 3166-1 alpha-2 country code such as "DE"`]);
  });

  test('fails on both allow and deny lists, or an empty one', () => {
    expect(problemsOf({ allowCountries: ['DE'], denyCountries: ['FR'] })).toEqual(['denyCountries: got ["FR"]; expected an allow list or a deny list, not both']);
    expect(problemsOf({ denyCountries: [] })).toEqual(['denyCountries: got []; expected at least one country code, or leave it out']);
    expect(problemsOf({ allowCountries: ['DE', 'FR', 'GB', 'US'] })).toEqual([]);
  });

  test('fails on an invalid price class', () => {
    expect(problemsOf({ priceClass: 'PriceClass_300' as never })).toEqual([
      'priceClass: got "PriceClass_300"; expected one of "PriceClass_100", "PriceClass_200", "PriceClass_All"']);
  });

  test('fails on a dynamic path pattern without an origin, or a malformed pattern', () => {
    expect(problemsOf({ dynamicContent: { pathPattern: '/api/*' } })).toEqual([
      'dynamicContent.originDomainName: got undefined; a dynamic path pattern needs the domain name of its HTTPS origin, e.g. "api.example.com"']);
    expect(problemsOf({ dynamicContent: { pathPattern: 'api/*', originDomainName: 'api.example.com' } })).toEqual([
      'dynamicContent.pathPattern: got "api/*"; expected a path pattern such as "/api/*" (starts with "/", not the default "/*")']);
    expect(problemsOf({ dynamicContent: { pathPattern: '/api/*', originDomainName: 'api.example.com' } })).toEqual([]);
  });

  test('fails on a web ACL that is not of CLOUDFRONT scope', () => {
    const regional = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/site/0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(problemsOf({ webAclArn: regional })).toEqual([
      `webAclArn: got "${regional}"; expected the ARN of a WAFv2 web ACL of CLOUDFRONT scope (global, in us-east-1)`]);
  });

  test('fails on an empty or multi-line content security policy', () => {
    expect(problemsOf({ contentSecurityPolicy: ' ' })).toEqual(['contentSecurityPolicy: got " "; expected a non-empty policy on one line']);
  });
});
