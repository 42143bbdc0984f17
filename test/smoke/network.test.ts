import { DescribeFlowLogsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { flowLogDelivering } from '../../smoke/checks/network';
import { testContext } from './fixtures';

const ec2 = mockClient(EC2Client);
afterEach(() => ec2.reset());

describe('network smoke check', () => {
  test('passes when the VPC\'s flow log is active and delivering, asking about that VPC', async () => {
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [{ FlowLogId: 'fl-1', FlowLogStatus: 'ACTIVE', DeliverLogsStatus: 'SUCCESS', LogGroupName: 'flow' }] });
    const outcome = await flowLogDelivering.run(testContext(), { VpcId: 'vpc-123' });
    expect(outcome).toEqual({ status: 'pass', detail: 'fl-1 ACTIVE, delivery SUCCESS to flow' });
    expect(ec2.commandCalls(DescribeFlowLogsCommand)[0].args[0].input).toEqual({ Filter: [{ Name: 'resource-id', Values: ['vpc-123'] }] });
  });

  test('fails with the reason when delivery fails', async () => {
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [{ FlowLogId: 'fl-1', FlowLogStatus: 'ACTIVE', DeliverLogsStatus: 'FAILED', DeliverLogsErrorMessage: 'Access error' }] });
    expect(await flowLogDelivering.run(testContext(), { VpcId: 'vpc-123' })).toEqual({ status: 'fail', detail: 'fl-1: ACTIVE, delivery FAILED (Access error)' });
  });

  test('fails when the VPC has no flow log', async () => {
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [] });
    expect((await flowLogDelivering.run(testContext(), { VpcId: 'vpc-123' })).status).toBe('fail');
  });
});
