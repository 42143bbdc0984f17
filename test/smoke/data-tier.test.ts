import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { cacheProbeScript, cacheRequiresAuthAt, databaseAnswersAt, judgeCacheProbe } from '../../smoke/checks/data-tier';
import { localServer, testContext } from './fixtures';

const OUTPUTS = {
  ClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:sandbox-datatier-abc',
  AppSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf',
  MasterSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
  DataApi: 'enabled',
  DatabaseName: 'app',
  CacheEndpoint: 'master.abc.xyz.use1.cache.amazonaws.com',
  CachePort: '6380',
  CacheAuthTokenSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf',
};

const autoScaling = mockClient(AutoScalingClient);
const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => { autoScaling.reset(); cloudFormation.reset(); });

/** A fake AWS API: answers each call with the next of `answers` for its path or target, recording requests. */
async function fakeAws(answers: Record<string, { status: number; body: unknown; headers?: Record<string, string> }[]>) {
  const calls: { key: string; body: any; signed: boolean }[] = [];
  const server = await localServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => { raw += chunk; });
    req.on('end', () => {
      const key = String(req.headers['x-amz-target'] ?? req.url);
      calls.push({ key, body: JSON.parse(raw), signed: String(req.headers.authorization).startsWith('AWS4-HMAC-SHA256') });
      const answer = answers[key]?.shift() ?? { status: 500, body: { message: `unexpected ${key}` } };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(JSON.stringify(answer.body));
    });
  });
  return { ...server, calls, endpointOf: () => server.url };
}

describe('data tier smoke check: the database', () => {
  test('passes when select 1 returns 1, sending the cluster, secret and database to the Data API, signed', async () => {
    const aws = await fakeAws({ '/Execute': [{ status: 200, body: { records: [[{ longValue: 1 }]] } }] });
    const outcome = await databaseAnswersAt(aws.endpointOf).run(testContext(), OUTPUTS);
    expect(outcome).toEqual({ status: 'pass', detail: 'select 1 returned 1' });
    expect(aws.calls).toEqual([{ key: '/Execute', signed: true, body: { resourceArn: OUTPUTS.ClusterArn, secretArn: OUTPUTS.AppSecretArn, database: 'app', sql: 'select 1 as ok' } }]);
    await aws.close();
  });

  test.each([['disabled'], [undefined]])('says SKIP, calling nothing, where the Data API is %s (Production, or a region without it)', async (dataApi) => {
    const aws = await fakeAws({});
    const outcome = await databaseAnswersAt(aws.endpointOf).run(testContext(), { ...OUTPUTS, DataApi: dataApi as never });
    expect(outcome.status).toBe('skip');
    expect(outcome.detail).toContain(`the RDS Data API is ${dataApi ?? 'not reported'} here`);
    expect(aws.calls).toEqual([]);
    await aws.close();
  });

  test('waits for a paused cluster to resume, then passes', async () => {
    const resuming = { status: 400, body: { message: 'The database is resuming after being auto-paused.' }, headers: { 'x-amzn-errortype': 'DatabaseResumingException:http://internal.amazon.com/' } };
    const aws = await fakeAws({ '/Execute': [resuming, resuming, { status: 200, body: { records: [[{ longValue: 1 }]] } }] });
    const outcome = await databaseAnswersAt(aws.endpointOf).run(testContext({ waitMs: 400 }), OUTPUTS);
    expect(outcome).toEqual({ status: 'pass', detail: 'select 1 returned 1 after the cluster resumed from its pause' });
    expect(aws.calls).toHaveLength(3);
    await aws.close();
  });

  test('throws (the runner reports a failure) on any other error, with its type', async () => {
    const aws = await fakeAws({ '/Execute': [{ status: 403, body: { message: 'not authorized' }, headers: { 'x-amzn-errortype': 'AccessDeniedException' } }] });
    await expect(databaseAnswersAt(aws.endpointOf).run(testContext(), OUTPUTS)).rejects.toThrow('rds-data answered 403 AccessDeniedException: not authorized');
    await aws.close();
  });

  test('fails when the answer is not 1', async () => {
    const aws = await fakeAws({ '/Execute': [{ status: 200, body: { records: [] } }] });
    expect((await databaseAnswersAt(aws.endpointOf).run(testContext(), OUTPUTS)).status).toBe('fail');
    await aws.close();
  });
});

describe('data tier smoke check: the cache', () => {
  const webTierDeployed = () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Sandbox-WebTier' }).resolves({
      Stacks: [{ StackName: 'Sandbox-WebTier', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [{ OutputKey: 'AutoScalingGroupName', OutputValue: 'web-asg' }] }],
    });
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ Instances: [{ InstanceId: 'i-0abc', LifecycleState: 'InService' }] } as never] });
  };

  test('passes when, from a web tier instance, PING is refused without AUTH and answered with it', async () => {
    webTierDeployed();
    const aws = await fakeAws({
      'AmazonSSM.SendCommand': [{ status: 200, body: { Command: { CommandId: 'cmd-1' } } }],
      'AmazonSSM.GetCommandInvocation': [
        { status: 200, body: { Status: 'InProgress' } },
        { status: 200, body: { Status: 'Success', StandardOutputContent: 'without: -NOAUTH Authentication required.\nwith: +OK +PONG\n' } },
      ],
    });
    const outcome = await cacheRequiresAuthAt(aws.endpointOf).run(testContext(), OUTPUTS);
    expect(outcome.status).toBe('pass');
    const send = aws.calls[0].body;
    expect(send).toMatchObject({ DocumentName: 'AWS-RunShellScript', InstanceIds: ['i-0abc'] });
    expect(send.Parameters.commands).toEqual(cacheProbeScript(OUTPUTS.CacheEndpoint, OUTPUTS.CachePort, OUTPUTS.CacheAuthTokenSecretArn, 'us-east-1'));
    expect(aws.calls[2].body).toEqual({ CommandId: 'cmd-1', InstanceId: 'i-0abc' });
    await aws.close();
  });

  test('skips when the web tier is not deployed (the cache admits nobody else)', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Stack with id Sandbox-WebTier does not exist'));
    const outcome = await cacheRequiresAuthAt(() => 'http://127.0.0.1:9').run(testContext(), OUTPUTS);
    expect(outcome).toEqual({ status: 'skip', detail: 'stack Sandbox-WebTier is not deployed: the cache admits only its instances' });
  });

  test('the probe reads the token on the instance: the script holds the secret ARN, never a token', () => {
    const script = cacheProbeScript(OUTPUTS.CacheEndpoint, OUTPUTS.CachePort, OUTPUTS.CacheAuthTokenSecretArn, 'us-east-1').join('\n');
    expect(script).toContain(`--secret-id '${OUTPUTS.CacheAuthTokenSecretArn}'`);
    expect(script).toContain(`-connect ${OUTPUTS.CacheEndpoint}:6380`);
    expect(() => cacheProbeScript('host; rm -rf /', '6380', OUTPUTS.CacheAuthTokenSecretArn, 'us-east-1')).toThrow('unexpected cache outputs');
  });

  test.each([
    ['without: +PONG\nwith: +OK +PONG', 'PING without AUTH answered "+PONG", expected -NOAUTH'],
    ['without: -NOAUTH Authentication required.\nwith: -WRONGPASS invalid password', 'AUTH then PING answered "-WRONGPASS invalid password", expected +OK +PONG'],
    ['', 'PING without AUTH answered "nothing", expected -NOAUTH'],
  ])('fails when the cache answers without AUTH or refuses the token: %j', (output, detail) => {
    expect(judgeCacheProbe(output)).toEqual({ status: 'fail', detail });
  });
});
