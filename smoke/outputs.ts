import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SmokeContext } from './types';

/** A stack's outputs by key, or undefined when the stack is not deployed. */
export async function stackOutputs(ctx: SmokeContext, stackName: string): Promise<Record<string, string> | undefined> {
  return stackOutputsWith(ctx.clients.cloudFormation, stackName);
}

/** {@link stackOutputs} with a given client, e.g. one of another region. */
export async function stackOutputsWith(client: CloudFormationClient, stackName: string): Promise<Record<string, string> | undefined> {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack || stack.StackStatus?.startsWith('DELETE')) return undefined;
    return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (error) {
    if ((error as Error).message?.includes('does not exist')) return undefined;
    throw error;
  }
}
