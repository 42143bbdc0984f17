import { AccountApi, IamPasswordPolicy, PublicAccessBlock } from './settings';

/* The AWS SDK v3 clients of the Lambda Node.js runtime (not bundled). IAM and
   S3 Control are not dependencies of this package, hence the narrow typing. */
type Client = { send(command: unknown): Promise<any> };
type Sdk = Record<string, new (input?: unknown) => unknown>;
const ec2Sdk: Sdk = require('@aws-sdk/client-ec2');
const s3ControlSdk: Sdk = require('@aws-sdk/client-s3-control');
const iamSdk: Sdk = require('@aws-sdk/client-iam');

const notFound = (error: unknown, ...names: string[]) => names.includes((error as Error).name);

/** The account API backed by EC2, S3 Control and IAM for `accountId`. */
export function sdkAccountApi(accountId: string): AccountApi {
  const ec2 = new ec2Sdk.EC2Client({}) as Client;
  const s3 = new s3ControlSdk.S3ControlClient({}) as Client;
  const iam = new iamSdk.IAMClient({}) as Client;
  return {
    async getEbsEncryptionByDefault() {
      return (await ec2.send(new ec2Sdk.GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault === true;
    },
    async setEbsEncryptionByDefault(enabled) {
      await ec2.send(enabled ? new ec2Sdk.EnableEbsEncryptionByDefaultCommand({}) : new ec2Sdk.DisableEbsEncryptionByDefaultCommand({}));
    },
    async getPublicAccessBlock() {
      try {
        return (await s3.send(new s3ControlSdk.GetPublicAccessBlockCommand({ AccountId: accountId }))).PublicAccessBlockConfiguration as PublicAccessBlock;
      } catch (error) {
        if (notFound(error, 'NoSuchPublicAccessBlockConfiguration')) return undefined;
        throw error;
      }
    },
    async putPublicAccessBlock(block) {
      await s3.send(new s3ControlSdk.PutPublicAccessBlockCommand({ AccountId: accountId, PublicAccessBlockConfiguration: block }));
    },
    async deletePublicAccessBlock() {
      await s3.send(new s3ControlSdk.DeletePublicAccessBlockCommand({ AccountId: accountId }));
    },
    async getPasswordPolicy() {
      try {
        return (await iam.send(new iamSdk.GetAccountPasswordPolicyCommand({}))).PasswordPolicy as IamPasswordPolicy;
      } catch (error) {
        if (notFound(error, 'NoSuchEntityException', 'NoSuchEntity')) return undefined;
        throw error;
      }
    },
    async putPasswordPolicy(policy) {
      await iam.send(new iamSdk.UpdateAccountPasswordPolicyCommand(policy));
    },
    async deletePasswordPolicy() {
      await iam.send(new iamSdk.DeleteAccountPasswordPolicyCommand({}));
    },
    async configServiceLinkedRoleExists() {
      try {
        await iam.send(new iamSdk.GetRoleCommand({ RoleName: 'AWSServiceRoleForConfig' }));
        return true;
      } catch (error) {
        if (notFound(error, 'NoSuchEntityException', 'NoSuchEntity')) return false;
        throw error;
      }
    },
    async createConfigServiceLinkedRole() {
      try {
        await iam.send(new iamSdk.CreateServiceLinkedRoleCommand({ AWSServiceName: 'config.amazonaws.com' }));
      } catch (error) {
        // Another region's stack created it between our read and this call.
        if (!/has been taken/.test(String((error as Error).message))) throw error;
      }
    },
  };
}
