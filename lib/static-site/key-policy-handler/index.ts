/**
 * CloudFormation custom resource: lets one CloudFront distribution decrypt
 * with a KMS key, by one statement in the key's policy. Create and Update
 * write the statement (read, change, write back, so the rest of the policy is
 * kept, whoever owns the key); Delete removes it, best effort, so that a
 * stack deletion never hangs on a key that is already gone.
 */
import { CustomResourceEvent, respond } from '../../shared/custom-resource-response';

/** The request: the key and the distribution that may decrypt with it. */
export type KeyPolicyEvent = CustomResourceEvent<{ readonly KeyId: string; readonly DistributionArn: string }>;

interface PolicyStatement { readonly Sid?: string; readonly [key: string]: unknown }
interface KeyPolicy { readonly Statement: PolicyStatement[]; readonly [key: string]: unknown }

/** The statement: CloudFront may decrypt, on behalf of this one distribution only. */
export function distributionStatement(distributionArn: string): PolicyStatement {
  return {
    Sid: statementId(distributionArn),
    Effect: 'Allow',
    Principal: { Service: 'cloudfront.amazonaws.com' },
    Action: 'kms:Decrypt',
    Resource: '*',
    Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
  };
}

/** One statement id per distribution, so two sites may share a key. */
export function statementId(distributionArn: string): string {
  return `AllowCloudFront${distributionArn.split('/').pop()!.replace(/[^A-Za-z0-9]/g, '')}`;
}

/** The policy with the distribution's statement added (or replaced), or removed. */
export function withStatement(policy: KeyPolicy, distributionArn: string, present: boolean): KeyPolicy {
  const others = policy.Statement.filter((s) => s.Sid !== statementId(distributionArn));
  return { ...policy, Statement: present ? [...others, distributionStatement(distributionArn)] : others };
}

/** What the handler needs of KMS: a key's default policy, read and written. */
export interface KeyPolicyStore {
  get(keyId: string): Promise<string>;
  put(keyId: string, policy: string): Promise<void>;
}

/** The Lambda entry point, on the KMS client the Lambda Node.js runtime provides (the project does not install it). */
export function handler(event: KeyPolicyEvent): Promise<void> {
  return keyPolicyHandler(runtimeKms())(event);
}

function runtimeKms(): KeyPolicyStore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kms = require('@aws-sdk/client-kms');
  const client = new kms.KMSClient({});
  return {
    get: async (KeyId) => (await client.send(new kms.GetKeyPolicyCommand({ KeyId, PolicyName: 'default' }))).Policy,
    put: async (KeyId, Policy) => { await client.send(new kms.PutKeyPolicyCommand({ KeyId, PolicyName: 'default', Policy })); },
  };
}

/** The custom resource's behaviour on a given key-policy store. */
export function keyPolicyHandler(store: KeyPolicyStore): (event: KeyPolicyEvent) => Promise<void> {
  return (event) => handle(event, store);
}

async function handle(event: KeyPolicyEvent, store: KeyPolicyStore): Promise<void> {
  const { KeyId, DistributionArn } = event.ResourceProperties;
  const physicalId = `${KeyId}/${statementId(DistributionArn)}`;
  try {
    await updateKeyPolicy(store, KeyId, DistributionArn, event.RequestType !== 'Delete');
    await respond(event, 'SUCCESS', answerId(event, physicalId), 'done');
  } catch (error) {
    console.error(JSON.stringify({ message: 'key policy update failed', requestType: event.RequestType, keyId: KeyId, error: String(error) }));
    // A statement left behind names a deleted distribution, which nothing can act as: deletion goes on.
    await respond(event, event.RequestType === 'Delete' ? 'SUCCESS' : 'FAILED', answerId(event, physicalId), String(error));
  }
}

async function updateKeyPolicy(store: KeyPolicyStore, keyId: string, distributionArn: string, present: boolean): Promise<void> {
  const updated = withStatement(JSON.parse(await store.get(keyId)) as KeyPolicy, distributionArn, present);
  await store.put(keyId, JSON.stringify(updated));
}

/** A new id on Update (another key or distribution) makes CloudFormation delete the old statement; Delete keeps its id. */
function answerId(event: KeyPolicyEvent, physicalId: string): string | undefined {
  return event.RequestType === 'Delete' ? event.PhysicalResourceId : physicalId;
}
