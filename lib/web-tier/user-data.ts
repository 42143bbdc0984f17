import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** Path of the health endpoint the default web server answers. */
export const HEALTH_PATH = '/health';

/** Port the default web server listens on. */
export const WEB_PORT = 80;

/** Where the instance serves and how the default web server is reached. */
export interface WebServerOptions {
  /** Port nginx listens on. */
  readonly port: number;
  /** Path nginx answers `ok` on, for the health checks. */
  readonly healthPath: string;
}

/**
 * Installs nginx and writes a page naming the instance and its AZ (read with an
 * IMDSv2 token), plus a health endpoint, so a deployed sandbox shows the load
 * balancer spreading requests over instances.
 */
export function webServerUserData(options: WebServerOptions = { port: WEB_PORT, healthPath: HEALTH_PATH }): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    'set -euo pipefail',
    'dnf install -y nginx',
    'TOKEN=$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")',
    'meta() { curl -sf -H "X-aws-ec2-metadata-token: $TOKEN" "http://169.254.169.254/latest/meta-data/$1"; }',
    'INSTANCE_ID=$(meta instance-id)',
    'AZ=$(meta placement/availability-zone)',
    'cat > /usr/share/nginx/html/index.html <<HTML',
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Web tier</title></head>',
    '<body><h1>Hello from ${INSTANCE_ID}</h1><p>Availability Zone: ${AZ}</p></body></html>',
    'HTML',
    `mkdir -p "$(dirname /usr/share/nginx/html${options.healthPath})"`,
    `echo ok > /usr/share/nginx/html${options.healthPath}`,
    "sed -i 's/^\\(\\s*\\)server_name\\s.*;/&\\n\\1server_tokens off;/' /etc/nginx/nginx.conf",
    // AL2023's nginx.conf listens on 80 (IPv4 and IPv6); move both to the chosen port.
    ...(options.port === 80 ? [] : [`sed -i -E 's/listen(\\s+)(\\[::\\]:)?80;/listen\\1\\2${options.port};/' /etc/nginx/nginx.conf`]),
    'systemctl enable --now nginx',
  );
  return userData;
}

/** What the instance reports to CloudFormation, and when. */
export interface HealthSignalOptions {
  /** Port the instance serves on. */
  readonly port: number;
  /** Path answered 200 by a healthy instance. */
  readonly healthPath: string;
  /** Stack name (a token is fine: `Aws.STACK_NAME`). */
  readonly stackName: string;
  /** Logical id of the Auto Scaling group that waits for the signal. */
  readonly resource: string;
  /** Region of the stack (a token is fine: `Aws.REGION`). */
  readonly region: string;
  /** Name of the instance role that signs the signal (it may call cloudformation:SignalResource). */
  readonly role: string;
  /** Seconds to keep trying the local health check before reporting failure. */
  readonly waitSeconds: number;
  /** Path of cfn-signal (installed with dnf when missing). @default '/opt/aws/bin/cfn-signal' */
  readonly cfnSignal?: string;
}

/** The health-gated signal: commands run last, and a failure report run on any early exit. */
export interface HealthSignalScript {
  /** Run last: wait for the local health check, then signal success. */
  readonly commands: string[];
  /** Run when the script exits: signal failure unless success was signalled. */
  readonly onExit: string[];
}

/**
 * Shell commands that wait until the local web server answers its health
 * path and only then signal success to CloudFormation. Failure is signalled
 * when the check never passes, and on any early exit of the script, so a
 * broken instance fails the deploy at once instead of after the whole timeout.
 */
export function healthSignalScript(o: HealthSignalOptions): HealthSignalScript {
  const cfnSignal = o.cfnSignal ?? '/opt/aws/bin/cfn-signal';
  const signal = `${cfnSignal} --stack ${o.stackName} --resource ${o.resource} --region ${o.region} --role ${o.role} --exit-code`;
  const url = `http://127.0.0.1:${o.port}${o.healthPath}`;
  return {
    onExit: [`[ "\${WEB_TIER_SIGNALLED:-}" = yes ] || ${signal} 1 || echo "cfn-signal failed" >&2`],
    commands: [
      '# Report to CloudFormation: success only once the web server answers its health check locally.',
      `[ -x ${cfnSignal} ] || dnf install -y aws-cfn-bootstrap`,
      `deadline=$((SECONDS + ${o.waitSeconds}))`,
      `until curl -fsS -o /dev/null --max-time 5 "${url}"; do`,
      `  if [ "$SECONDS" -ge "$deadline" ]; then echo "health check on ${url} never passed" >&2; exit 1; fi`,
      '  sleep 5',
      'done',
      `${signal} 0`,
      'WEB_TIER_SIGNALLED=yes',
    ],
  };
}

/** Appends the health-gated signal to Linux user data (see {@link healthSignalScript}). */
export function addHealthSignal(userData: ec2.UserData, options: HealthSignalOptions): void {
  const script = healthSignalScript(options);
  userData.addOnExitCommands(...script.onExit);
  userData.addCommands(...script.commands);
}
