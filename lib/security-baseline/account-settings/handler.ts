import { CustomResourceEvent as Request, respond } from '../../shared/custom-resource-response';
import { AccountApi, applySetting, passwordPolicyFrom, Previous, readSetting, restoreSetting, SettingName } from './settings';

export { respond };

/** The request: which account setting, in which account. */
export type CustomResourceEvent = Request<Record<string, unknown> & { Setting: SettingName; AccountId: string }>;

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
