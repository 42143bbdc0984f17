import { AccountApi, applySetting, passwordPolicyFrom, Previous, readSetting, restoreSetting, SettingName } from './settings';

/** The CloudFormation custom-resource request fields this handler reads. */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown> & { Setting: SettingName; AccountId: string };
}

/** What the handler tells CloudFormation. */
export interface CustomResourceResult {
  readonly PhysicalResourceId: string;
}

/**
 * The physical id carries what the setting was before the stack set it, so
 * that a delete (which receives only the id and the properties) restores it.
 */
export function physicalIdOf(name: SettingName, previous: Previous): string {
  return `${name}:${JSON.stringify(previous)}`;
}

/** The setting and its earlier value from a physical id, or undefined for an id this handler did not write. */
export function previousFrom(physicalId: string | undefined, name: SettingName): { previous: Previous } | undefined {
  if (!physicalId?.startsWith(`${name}:`)) return undefined;
  try {
    return { previous: JSON.parse(physicalId.slice(name.length + 1)) as Previous };
  } catch {
    return undefined;
  }
}

/** Handles one request against `api`; throws on failure. */
export async function handle(event: CustomResourceEvent, api: AccountApi): Promise<CustomResourceResult> {
  const props = event.ResourceProperties;
  const name = props.Setting;
  const policy = name === 'PasswordPolicy' ? passwordPolicyFrom(props) : undefined;
  switch (event.RequestType) {
    case 'Create': {
      const previous = await readSetting(api, name);
      await applySetting(api, name, policy);
      return { PhysicalResourceId: physicalIdOf(name, previous) };
    }
    case 'Update':
      await applySetting(api, name, policy);
      return { PhysicalResourceId: event.PhysicalResourceId! };
    case 'Delete': {
      // A create that failed has an id this handler did not write: nothing was changed.
      const recorded = previousFrom(event.PhysicalResourceId, name);
      if (recorded) await restoreSetting(api, name, recorded.previous);
      return { PhysicalResourceId: event.PhysicalResourceId! };
    }
  }
}

/** Sends the result to CloudFormation's pre-signed response URL. */
export async function respond(event: CustomResourceEvent, status: 'SUCCESS' | 'FAILED', physicalId: string, reason?: string): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: reason ?? 'See the function\'s log group',
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The URL is pre-signed without a content type: sending one breaks the signature.
  const response = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation response refused: ${response.status}`);
}

/** Lambda entry point: CloudFormation invokes it directly (no provider framework). */
export async function handler(event: CustomResourceEvent): Promise<void> {
  const fallbackId = event.PhysicalResourceId ?? `failed-${event.RequestId}`;
  try {
    // Loaded here, not at the top: the tests of this file have no IAM or S3 Control SDK.
    const { sdkAccountApi }: { sdkAccountApi: (accountId: string) => AccountApi } = require('./sdk');
    const result = await handle(event, sdkAccountApi(event.ResourceProperties.AccountId));
    console.log(JSON.stringify({ request: event.RequestType, setting: event.ResourceProperties.Setting, physicalId: result.PhysicalResourceId }));
    await respond(event, 'SUCCESS', result.PhysicalResourceId);
  } catch (error) {
    console.error(JSON.stringify({ request: event.RequestType, error: String(error) }));
    await respond(event, 'FAILED', fallbackId, String(error).slice(0, 500));
  }
}
