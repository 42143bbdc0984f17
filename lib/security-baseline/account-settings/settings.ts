/**
 * The account settings the baseline manages, as plain logic over a small API
 * (the AWS SDK in Lambda, a fake in tests): each is read before it is set, and
 * the earlier value is what a delete puts back, so the stack undoes what it
 * changed and nothing else.
 */

/** Which account setting one custom resource manages. */
export type SettingName = 'EbsEncryptionByDefault' | 'S3BlockPublicAccess' | 'PasswordPolicy' | 'ConfigServiceLinkedRole';

/** The four S3 Block Public Access switches. */
export interface PublicAccessBlock {
  BlockPublicAcls?: boolean;
  IgnorePublicAcls?: boolean;
  BlockPublicPolicy?: boolean;
  RestrictPublicBuckets?: boolean;
}

/** IAM's password policy fields that UpdateAccountPasswordPolicy accepts. */
export interface IamPasswordPolicy {
  MinimumPasswordLength?: number;
  RequireSymbols?: boolean;
  RequireNumbers?: boolean;
  RequireUppercaseCharacters?: boolean;
  RequireLowercaseCharacters?: boolean;
  AllowUsersToChangePassword?: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}

/** The calls the settings need; `undefined` means "not set" (no policy, no block). */
export interface AccountApi {
  getEbsEncryptionByDefault(): Promise<boolean>;
  setEbsEncryptionByDefault(enabled: boolean): Promise<void>;
  getPublicAccessBlock(): Promise<PublicAccessBlock | undefined>;
  putPublicAccessBlock(block: PublicAccessBlock): Promise<void>;
  deletePublicAccessBlock(): Promise<void>;
  getPasswordPolicy(): Promise<IamPasswordPolicy | undefined>;
  putPasswordPolicy(policy: IamPasswordPolicy): Promise<void>;
  deletePasswordPolicy(): Promise<void>;
  /** Whether AWS Config's service-linked role (AWSServiceRoleForConfig) exists. */
  configServiceLinkedRoleExists(): Promise<boolean>;
  /** Creates AWSServiceRoleForConfig; succeeds when it was created meanwhile. */
  createConfigServiceLinkedRole(): Promise<void>;
}

/** What a setting was before the stack changed it; `null` when it was not set. */
export type Previous = boolean | PublicAccessBlock | IamPasswordPolicy | null;

const BLOCK_ALL: PublicAccessBlock = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const POLICY_FIELDS: (keyof IamPasswordPolicy)[] = ['MinimumPasswordLength', 'RequireSymbols', 'RequireNumbers', 'RequireUppercaseCharacters',
  'RequireLowercaseCharacters', 'AllowUsersToChangePassword', 'MaxPasswordAge', 'PasswordReusePrevention', 'HardExpiry'];

/** Reads the current value of a setting. */
export async function readSetting(api: AccountApi, name: SettingName): Promise<Previous> {
  switch (name) {
    case 'EbsEncryptionByDefault': return api.getEbsEncryptionByDefault();
    case 'S3BlockPublicAccess': return (await api.getPublicAccessBlock()) ?? null;
    case 'PasswordPolicy': {
      const policy = await api.getPasswordPolicy();
      return policy ? pick(policy) : null;
    }
    case 'ConfigServiceLinkedRole': return api.configServiceLinkedRoleExists();
  }
}

/** Applies the baseline's value of a setting. */
export async function applySetting(api: AccountApi, name: SettingName, policy?: IamPasswordPolicy): Promise<void> {
  switch (name) {
    case 'EbsEncryptionByDefault': return api.setEbsEncryptionByDefault(true);
    case 'S3BlockPublicAccess': return api.putPublicAccessBlock(BLOCK_ALL);
    case 'PasswordPolicy': return api.putPasswordPolicy(policy!);
    case 'ConfigServiceLinkedRole':
      if (!(await api.configServiceLinkedRoleExists())) await api.createConfigServiceLinkedRole();
      return;
  }
}

/** Puts back what the setting was before the stack set it. */
export async function restoreSetting(api: AccountApi, name: SettingName, previous: Previous): Promise<void> {
  switch (name) {
    case 'EbsEncryptionByDefault':
      if (previous === false) await api.setEbsEncryptionByDefault(false);
      return;
    case 'S3BlockPublicAccess':
      return previous === null ? api.deletePublicAccessBlock() : api.putPublicAccessBlock(previous as PublicAccessBlock);
    case 'PasswordPolicy':
      return previous === null ? api.deletePasswordPolicy() : api.putPasswordPolicy(previous as IamPasswordPolicy);
    case 'ConfigServiceLinkedRole':
      // Kept: the recorders of the account's other regions and Security Hub record with it, and IAM refuses to delete a role in use.
      return;
  }
}

/** The fields UpdateAccountPasswordPolicy accepts, from what GetAccountPasswordPolicy returned. */
function pick(policy: IamPasswordPolicy): IamPasswordPolicy {
  return Object.fromEntries(POLICY_FIELDS.filter((f) => policy[f] !== undefined).map((f) => [f, policy[f]])) as IamPasswordPolicy;
}

/** A password policy from custom-resource properties, which CloudFormation passes as strings. */
export function passwordPolicyFrom(props: Record<string, unknown>): IamPasswordPolicy {
  // CloudFormation passes booleans as strings; a field left out keeps the strict default.
  const flag = (name: string, fallback: boolean) => (props[name] === undefined ? fallback : String(props[name]) === 'true');
  return {
    MinimumPasswordLength: Number(props.MinimumPasswordLength),
    RequireSymbols: flag('RequireSymbols', true),
    RequireNumbers: flag('RequireNumbers', true),
    RequireUppercaseCharacters: flag('RequireUppercaseCharacters', true),
    RequireLowercaseCharacters: flag('RequireLowercaseCharacters', true),
    AllowUsersToChangePassword: flag('AllowUsersToChangePassword', true),
    MaxPasswordAge: Number(props.MaxPasswordAge),
    PasswordReusePrevention: Number(props.PasswordReusePrevention),
    HardExpiry: flag('HardExpiry', false),
  };
}
