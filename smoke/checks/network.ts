import { DescribeFlowLogsCommand } from '@aws-sdk/client-ec2';
import { fail, pass, SmokeCheck } from '../types';

/** The VPC's flow log is active and delivering to CloudWatch Logs. */
export const flowLogDelivering: SmokeCheck = {
  architecture: 'Network',
  name: 'the VPC flow log is delivering',
  readOnly: true,
  async run(ctx, outputs) {
    const { FlowLogs = [] } = await ctx.clients.ec2.send(new DescribeFlowLogsCommand({
      Filter: [{ Name: 'resource-id', Values: [outputs.VpcId] }],
    }));
    if (FlowLogs.length === 0) return fail(`no flow log on ${outputs.VpcId}`);
    const broken = FlowLogs.filter((f) => f.FlowLogStatus !== 'ACTIVE' || f.DeliverLogsStatus !== 'SUCCESS');
    if (broken.length > 0) {
      return fail(broken.map((f) => `${f.FlowLogId}: ${f.FlowLogStatus}, delivery ${f.DeliverLogsStatus}${f.DeliverLogsErrorMessage ? ` (${f.DeliverLogsErrorMessage})` : ''}`).join('; '));
    }
    return pass(FlowLogs.map((f) => `${f.FlowLogId} ACTIVE, delivery SUCCESS to ${f.LogGroupName}`).join('; '));
  },
};
