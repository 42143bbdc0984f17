// The handler's behaviour after deploy: what it writes into the key policy and
// what it answers CloudFormation, with the KMS client and the response URL faked.
const kmsCalls: { command: string; input: Record<string, string> }[] = [];
let storedPolicy: string;
let failGet = false;

import { KeyPolicyEvent, KeyPolicyStore, keyPolicyHandler } from '../../lib/static-site/key-policy-handler';

// KMS as the handler sees it: the key's default policy, read and written.
const fakeKms: KeyPolicyStore = {
  async get(keyId) {
    kmsCalls.push({ command: 'GetKeyPolicyCommand', input: { KeyId: keyId, PolicyName: 'default' } });
    if (failGet) throw new Error('NotFoundException: Key is pending deletion');
    return storedPolicy;
  },
  async put(keyId, policy) {
    kmsCalls.push({ command: 'PutKeyPolicyCommand', input: { KeyId: keyId, PolicyName: 'default', Policy: policy } });
    storedPolicy = policy;
  },
};
const handler = keyPolicyHandler(fakeKms);

const DISTRIBUTION = 'arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL';
const OTHER = 'arn:aws:cloudfront::123456789012:distribution/E1OTHERSITE000';
const ROOT = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' };
const responses: Record<string, unknown>[] = [];

function event(RequestType: KeyPolicyEvent['RequestType'], DistributionArn = DISTRIBUTION, PhysicalResourceId?: string): KeyPolicyEvent {
  return {
    RequestType, PhysicalResourceId, ResponseURL: 'https://cloudformation-custom-resource-response.example/abc', StackId: 'stack', RequestId: 'r1',
    LogicalResourceId: 'SiteKeyAccess', ResourceProperties: { KeyId: 'key-1', DistributionArn },
  };
}
const statements = () => (JSON.parse(storedPolicy).Statement as { Sid?: string; Condition?: unknown }[]);

beforeEach(() => {
  kmsCalls.length = 0;
  responses.length = 0;
  failGet = false;
  storedPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [ROOT] });
  jest.spyOn(global, 'fetch').mockImplementation(async (_url, init) => {
    responses.push(JSON.parse(String(init!.body)));
    return new Response(null, { status: 200 });
  });
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('key-policy handler', () => {
  test('Create adds one statement letting this distribution, and only it, decrypt; the rest of the policy stays', async () => {
    await handler(event('Create'));
    expect(statements()).toEqual([ROOT, {
      Sid: 'AllowCloudFrontE2QWRUHAPOMQZL', Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 'kms:Decrypt', Resource: '*',
      Condition: { StringEquals: { 'AWS:SourceArn': DISTRIBUTION } },
    }]);
    expect(kmsCalls.map((c) => c.input)).toEqual([{ KeyId: 'key-1', PolicyName: 'default' }, expect.objectContaining({ KeyId: 'key-1', PolicyName: 'default' })]);
    expect(responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'key-1/AllowCloudFrontE2QWRUHAPOMQZL', RequestId: 'r1' })]);
  });

  test('Update replaces its statement instead of adding a second, and keeps another site\'s statement on a shared key', async () => {
    await handler(event('Create', OTHER));
    await handler(event('Create'));
    await handler(event('Update', DISTRIBUTION, 'key-1/AllowCloudFrontE2QWRUHAPOMQZL'));
    expect(statements().map((s) => s.Sid)).toEqual(['Root', 'AllowCloudFrontE1OTHERSITE000', 'AllowCloudFrontE2QWRUHAPOMQZL']);
  });

  test('Delete removes only its statement', async () => {
    await handler(event('Create', OTHER));
    await handler(event('Create'));
    await handler(event('Delete', DISTRIBUTION, 'key-1/AllowCloudFrontE2QWRUHAPOMQZL'));
    expect(statements().map((s) => s.Sid)).toEqual(['Root', 'AllowCloudFrontE1OTHERSITE000']);
    expect(responses.at(-1)).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'key-1/AllowCloudFrontE2QWRUHAPOMQZL' }));
  });

  test('a failed Create is reported FAILED with the reason; a failed Delete still succeeds, so stack deletion goes on', async () => {
    failGet = true;
    await handler(event('Create'));
    expect(responses[0]).toEqual(expect.objectContaining({ Status: 'FAILED', Reason: expect.stringContaining('pending deletion') }));
    await handler(event('Delete', DISTRIBUTION, 'key-1/AllowCloudFrontE2QWRUHAPOMQZL'));
    expect(responses[1]).toEqual(expect.objectContaining({ Status: 'SUCCESS' }));
  });
});
