import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { stackOutputsWith } from './outputs';
import { StackLocator } from './types';

/** The regions enabled in the account, as EC2 lists them. */
export async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  const { Regions = [] } = await ec2.send(new DescribeRegionsCommand({}));
  return Regions.map((r) => r.RegionName ?? '').filter(Boolean).sort();
}

/**
 * Looks for a stack in every enabled region but `askedRegion`, in parallel, once
 * per stack name in a run (several checks ask for the same standby stack). A
 * region that refuses (not opted in, denied by a policy) counts as "not there".
 */
export function stackLocator(askedRegion: string, regions: () => Promise<string[]>,
  cloudFormationIn: (region: string) => CloudFormationClient): StackLocator {
  let listed: Promise<string[]> | undefined;
  const searches = new Map<string, Promise<string[]>>();
  const search = async (stackName: string) => {
    listed ??= regions();
    const others = (await listed).filter((r) => r !== askedRegion);
    const found = await Promise.all(others.map(async (region) => {
      const outputs = await stackOutputsWith(cloudFormationIn(region), stackName).catch(() => undefined);
      return outputs ? region : undefined;
    }));
    return found.filter((r): r is string => r !== undefined);
  };
  return (stackName) => {
    if (!searches.has(stackName)) searches.set(stackName, search(stackName));
    return searches.get(stackName)!;
  };
}
