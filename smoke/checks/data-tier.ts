import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { stackOutputs } from '../outputs';
import { fail, Outcome, pass, skip, SmokeCheck, SmokeContext } from '../types';

/** Where an AWS service's API answers; tests point it at a local server. */
export type EndpointOf = (ctx: SmokeContext, service: string) => string;

const awsEndpoint: EndpointOf = (ctx, service) => `https://${service}.${ctx.region}.amazonaws.com`;

/** A signed JSON call to an AWS API; returns the parsed answer or throws with its error type. */
async function callAws(ctx: SmokeContext, endpointOf: EndpointOf, service: string, request: { path?: string; target?: string; body: unknown }): Promise<any> {
  const url = `${endpointOf(ctx, service)}${request.path ?? '/'}`;
  const headers: Record<string, string> = { 'content-type': request.target ? 'application/x-amz-json-1.1' : 'application/json' };
  if (request.target) headers['x-amz-target'] = request.target;
  const init = await ctx.signer(service)(url, { method: 'POST', headers, body: JSON.stringify(request.body) });
  const response = await ctx.http.request(url, init);
  const answer = response.body ? JSON.parse(response.body) : {};
  if (response.status >= 300) {
    const type = String(answer.__type ?? answer.code ?? response.headers['x-amzn-errortype'] ?? response.status).split('#').pop()!.split(':')[0];
    throw Object.assign(new Error(`${service} answered ${response.status} ${type}: ${answer.message ?? answer.Message ?? ''}`), { type });
  }
  return answer;
}

/**
 * `select 1` through the RDS Data API as the application user: IAM-authorized
 * HTTPS from this machine, no network path into the isolated subnets. A
 * paused cluster resumes on the first call, which is refused with
 * DatabaseResumingException meanwhile. Where the Data API is off (Production,
 * or a region without it) there is no path from here: SKIP.
 */
export function databaseAnswersAt(endpointOf: EndpointOf): SmokeCheck {
  return {
    architecture: 'DataTier',
    name: 'the database answers select 1 through the Data API (resuming it if paused)',
    async run(ctx, outputs) {
      if (outputs.DataApi !== 'enabled') return skip(`the RDS Data API is ${outputs.DataApi ?? 'not reported'} here (off unless asked for, and not offered in every region): the database is reachable from the app tier only`);
      const body = { resourceArn: outputs.ClusterArn, secretArn: outputs.AppSecretArn, database: outputs.DatabaseName, sql: 'select 1 as ok' };
      const deadline = ctx.clock.now() + ctx.waitMs * 3;
      let resumed = false;
      for (;;) {
        try {
          const answer = await callAws(ctx, endpointOf, 'rds-data', { path: '/Execute', body });
          const value = answer.records?.[0]?.[0]?.longValue;
          if (value !== 1) return fail(`select 1 returned ${JSON.stringify(answer.records)}`);
          return pass(`select 1 returned 1${resumed ? ' after the cluster resumed from its pause' : ''}`);
        } catch (error) {
          if ((error as { type?: string }).type !== 'DatabaseResumingException' || ctx.clock.now() > deadline) throw error;
          resumed = true;
          await ctx.clock.sleep(Math.min(5_000, ctx.waitMs / 4));
        }
      }
    },
  };
}

const HOST = /^[a-z0-9.-]+$/;
const PORT = /^\d{2,5}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/**
 * The shell run on a web tier instance: one TLS session sends PING without
 * AUTH, another AUTH with the token (read there with the instance's own role)
 * then PING. The token never leaves the instance; the output is the replies.
 */
export function cacheProbeScript(host: string, port: string, secretArn: string, region: string): string[] {
  // Everything spliced into the shell is checked first.
  if (!HOST.test(host) || !PORT.test(port) || !SECRET_ARN.test(secretArn) || !REGION.test(region)) {
    throw new Error(`unexpected cache outputs: ${host}:${port} ${secretArn} in ${region}`);
  }
  const session = `timeout 5 openssl s_client -quiet -connect ${host}:${port} -servername ${host} 2>/dev/null | tr -d '\\r' | tr '\\n' ' '`;
  return [
    'command -v openssl >/dev/null || dnf install -y -q openssl >/dev/null',
    `echo "without: $(printf 'PING\\r\\n' | ${session})"`,
    `TOKEN=$(aws secretsmanager get-secret-value --region ${region} --secret-id '${secretArn}' --query SecretString --output text)`,
    `echo "with: $(printf 'AUTH %s\\r\\nPING\\r\\n' "$TOKEN" | ${session})"`,
  ];
}

/** Reads the probe's output: refused without the token, answered with it. */
export function judgeCacheProbe(output: string): Outcome {
  const without = /without: (.*)/.exec(output)?.[1]?.trim() ?? '';
  const withToken = /with: (.*)/.exec(output)?.[1]?.trim() ?? '';
  if (!without.includes('NOAUTH')) return fail(`PING without AUTH answered "${without || 'nothing'}", expected -NOAUTH`);
  if (!/\+OK\s+\+PONG/.test(withToken)) return fail(`AUTH then PING answered "${withToken || 'nothing'}", expected +OK +PONG`);
  return pass('from a web tier instance over TLS: PING without AUTH refused (NOAUTH); AUTH with the token from Secrets Manager, then PING answered PONG');
}

/**
 * The cache sits in the isolated subnets and admits the web tier only, so the
 * probe runs there, through Systems Manager Run Command on an instance in service.
 */
export function cacheRequiresAuthAt(endpointOf: EndpointOf): SmokeCheck {
  return {
    architecture: 'DataTier',
    name: 'the cache refuses a client without the AUTH token and answers one with it (from the web tier)',
    async run(ctx, outputs) {
      const web = await stackOutputs(ctx, `${ctx.stage}-WebTier`);
      if (!web) return skip(`stack ${ctx.stage}-WebTier is not deployed: the cache admits only its instances`);
      const { AutoScalingGroups = [] } = await ctx.clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [web.AutoScalingGroupName] }));
      const instance = (AutoScalingGroups[0]?.Instances ?? []).find((i) => i.LifecycleState === 'InService')?.InstanceId;
      if (!instance) return skip('no web tier instance in service to probe from');
      const commands = cacheProbeScript(outputs.CacheEndpoint, outputs.CachePort, outputs.CacheAuthTokenSecretArn, ctx.region);
      const sent = await callAws(ctx, endpointOf, 'ssm', {
        target: 'AmazonSSM.SendCommand',
        body: { DocumentName: 'AWS-RunShellScript', InstanceIds: [instance], Parameters: { commands }, Comment: `smoke ${ctx.runId}`, TimeoutSeconds: 60 },
      });
      const output = await commandOutput(ctx, endpointOf, sent.Command.CommandId, instance);
      return output === undefined ? fail(`Run Command on ${instance} did not finish within ${ctx.waitMs / 1000} s`) : judgeCacheProbe(output);
    },
  };
}

async function commandOutput(ctx: SmokeContext, endpointOf: EndpointOf, commandId: string, instanceId: string): Promise<string | undefined> {
  const deadline = ctx.clock.now() + ctx.waitMs;
  while (ctx.clock.now() <= deadline) {
    await ctx.clock.sleep(Math.min(2_000, ctx.waitMs / 10));
    try {
      const invocation = await callAws(ctx, endpointOf, 'ssm', { target: 'AmazonSSM.GetCommandInvocation', body: { CommandId: commandId, InstanceId: instanceId } });
      if (['Success', 'Failed', 'TimedOut', 'Cancelled'].includes(invocation.Status)) return `${invocation.StandardOutputContent ?? ''}`;
    } catch (error) {
      if ((error as { type?: string }).type !== 'InvocationDoesNotExist') throw error;
    }
  }
  return undefined;
}

export const databaseAnswers = databaseAnswersAt(awsEndpoint);
export const cacheRequiresAuth = cacheRequiresAuthAt(awsEndpoint);
