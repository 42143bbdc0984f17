import * as http from 'http';
import { CustomResourceEvent, handle, physicalIdOf, previousFrom, respond } from '../../lib/security-baseline/account-settings/handler';
import { AccountApi, IamPasswordPolicy, PublicAccessBlock, SettingName } from '../../lib/security-baseline/account-settings/settings';
import { localServer } from '../local-server';

/** An account in memory: what the settings are, and every call made. */
function fakeAccount(initial: { ebs?: boolean; block?: PublicAccessBlock; policy?: IamPasswordPolicy & { ExpirePasswords?: boolean }; configRole?: boolean } = {}) {
  const state = { ebs: initial.ebs ?? false, block: initial.block, policy: initial.policy as IamPasswordPolicy | undefined, configRole: initial.configRole ?? false };
  const calls: string[] = [];
  const api: AccountApi = {
    async getEbsEncryptionByDefault() { return state.ebs; },
    async setEbsEncryptionByDefault(enabled) { calls.push(`ebs:${enabled}`); state.ebs = enabled; },
    async getPublicAccessBlock() { return state.block; },
    async putPublicAccessBlock(block) { calls.push('putBlock'); state.block = block; },
    async deletePublicAccessBlock() { calls.push('deleteBlock'); state.block = undefined; },
    async getPasswordPolicy() { return state.policy; },
    async putPasswordPolicy(policy) { calls.push('putPolicy'); state.policy = policy; },
    async deletePasswordPolicy() { calls.push('deletePolicy'); state.policy = undefined; },
    async configServiceLinkedRoleExists() { return state.configRole; },
    async createConfigServiceLinkedRole() { calls.push('createConfigRole'); state.configRole = true; },
  };
  return { api, state, calls };
}

const POLICY_PROPS = { MinimumPasswordLength: '14', MaxPasswordAge: '90', PasswordReusePrevention: '24' };

function event(type: CustomResourceEvent['RequestType'], setting: SettingName, physicalId?: string): CustomResourceEvent {
  return {
    RequestType: type, ResponseURL: 'http://127.0.0.1:9/', StackId: 'stack', RequestId: 'req-1', LogicalResourceId: 'Setting',
    PhysicalResourceId: physicalId, ResourceProperties: { Setting: setting, AccountId: '123456789012', ...(setting === 'PasswordPolicy' ? POLICY_PROPS : {}) },
  };
}

async function createThenDelete(setting: SettingName, account: ReturnType<typeof fakeAccount>) {
  const created = await handle(event('Create', setting), account.api);
  const during = structuredClone(account.state);
  await handle(event('Delete', setting, created.PhysicalResourceId), account.api);
  return { created, during };
}

describe('account settings: set on create, and on delete only what the stack changed is put back', () => {
  test('EBS encryption by default: enabled, then disabled again because it was off', async () => {
    const account = fakeAccount({ ebs: false });
    const { during } = await createThenDelete('EbsEncryptionByDefault', account);
    expect(during.ebs).toBe(true);
    expect(account.state.ebs).toBe(false);
  });

  test('EBS encryption by default that was already on stays on after delete', async () => {
    const account = fakeAccount({ ebs: true });
    await createThenDelete('EbsEncryptionByDefault', account);
    expect(account.state.ebs).toBe(true);
    expect(account.calls).toEqual(['ebs:true']);
  });

  test('AWS Config\'s service-linked role: created in a brand-new account, and kept on delete (other regions record with it)', async () => {
    const account = fakeAccount({ configRole: false });
    const { during } = await createThenDelete('ConfigServiceLinkedRole', account);
    expect(during.configRole).toBe(true);
    expect(account.state.configRole).toBe(true);
    expect(account.calls).toEqual(['createConfigRole']);
  });

  test('AWS Config\'s service-linked role that exists already is left alone', async () => {
    const account = fakeAccount({ configRole: true });
    await createThenDelete('ConfigServiceLinkedRole', account);
    expect(account.calls).toEqual([]);
  });

  test('S3 Block Public Access: all four on, then removed because there was none', async () => {
    const account = fakeAccount();
    const { during } = await createThenDelete('S3BlockPublicAccess', account);
    expect(during.block).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    expect(account.state.block).toBeUndefined();
  });

  test('an earlier partial S3 Block Public Access is put back as it was', async () => {
    const earlier = { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
    const account = fakeAccount({ block: earlier });
    await createThenDelete('S3BlockPublicAccess', account);
    expect(account.state.block).toEqual(earlier);
  });

  test('password policy: the properties (strings from CloudFormation) become numbers, every character class is required', async () => {
    const account = fakeAccount();
    const { during } = await createThenDelete('PasswordPolicy', account);
    expect(during.policy).toEqual({
      MinimumPasswordLength: 14, MaxPasswordAge: 90, PasswordReusePrevention: 24, RequireSymbols: true, RequireNumbers: true,
      RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, HardExpiry: false,
    });
    expect(account.state.policy).toBeUndefined();
  });

  test('password policy: the flags the template writes out (strings from CloudFormation) are applied as given', async () => {
    const account = fakeAccount();
    await handle({ ...event('Create', 'PasswordPolicy'), ResourceProperties: {
      Setting: 'PasswordPolicy', AccountId: '123456789012', ...POLICY_PROPS, RequireSymbols: 'false', RequireNumbers: 'true', HardExpiry: 'true',
    } }, account.api);
    expect(account.state.policy).toMatchObject({ RequireSymbols: false, RequireNumbers: true, RequireUppercaseCharacters: true, HardExpiry: true });
  });

  test('an earlier password policy is put back, without the read-only fields IAM refuses', async () => {
    const account = fakeAccount({ policy: { MinimumPasswordLength: 8, RequireSymbols: false, ExpirePasswords: false } });
    await createThenDelete('PasswordPolicy', account);
    expect(account.state.policy).toEqual({ MinimumPasswordLength: 8, RequireSymbols: false });
  });

  test('an update applies the new values and keeps the physical id (and with it the earlier state)', async () => {
    const account = fakeAccount();
    const created = await handle(event('Create', 'PasswordPolicy'), account.api);
    const updated = await handle({ ...event('Update', 'PasswordPolicy', created.PhysicalResourceId),
      ResourceProperties: { Setting: 'PasswordPolicy', AccountId: '123456789012', ...POLICY_PROPS, MinimumPasswordLength: '20' } }, account.api);
    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(account.state.policy?.MinimumPasswordLength).toBe(20);
  });

  test('the delete of a create that failed changes nothing', async () => {
    const account = fakeAccount();
    await handle(event('Delete', 'S3BlockPublicAccess', 'failed-req-0'), account.api);
    expect(account.calls).toEqual([]);
  });

  test('physical ids carry the earlier state and are read back only for their own setting', () => {
    expect(physicalIdOf('EbsEncryptionByDefault', false)).toBe('EbsEncryptionByDefault:false');
    expect(previousFrom('PasswordPolicy:null', 'PasswordPolicy')).toEqual({ previous: null });
    expect(previousFrom('PasswordPolicy:null', 'S3BlockPublicAccess')).toBeUndefined();
    expect(previousFrom('PasswordPolicy:{broken', 'PasswordPolicy')).toBeUndefined();
  });
});

describe('the answer to CloudFormation', () => {
  test('is PUT to the pre-signed URL with no content type, naming the request and the physical id', async () => {
    const received: { method?: string; type?: string; body: string }[] = [];
    const server = await localServer((req: http.IncomingMessage, res: http.ServerResponse) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { received.push({ method: req.method, type: req.headers['content-type'], body }); res.end(); });
    });
    try {
      await respond({ ...event('Create', 'EbsEncryptionByDefault'), ResponseURL: `${server.url}/signed?x=1` }, 'FAILED', 'failed-req-1', 'AccessDenied');
    } finally {
      await server.close();
    }
    expect(received).toHaveLength(1);
    expect(received[0].method).toBe('PUT');
    expect(received[0].type ?? '').toBe('');
    expect(JSON.parse(received[0].body)).toEqual({
      Status: 'FAILED', Reason: 'AccessDenied', PhysicalResourceId: 'failed-req-1', StackId: 'stack', RequestId: 'req-1', LogicalResourceId: 'Setting',
    });
  });
});
