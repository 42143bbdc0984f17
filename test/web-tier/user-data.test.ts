import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { tempOutdir } from '../harness';
import { addHealthSignal, HealthSignalOptions, healthSignalScript, webServerUserData } from '../../lib/web-tier/user-data';

const OPTIONS: HealthSignalOptions = {
  port: 8080, healthPath: '/ready', stackName: 'Web', resource: 'WebInstancesASG', region: 'eu-west-1', role: 'WebRole', waitSeconds: 600,
};

describe('the health-gated signal (text)', () => {
  const { commands, onExit } = healthSignalScript(OPTIONS);
  const script = commands.join('\n');

  test('success is signalled only after the local health check answers, as the last step', () => {
    const check = script.indexOf('until curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:8080/ready"; do');
    const success = script.indexOf('--exit-code 0');
    expect(check).toBeGreaterThan(-1);
    expect(success).toBeGreaterThan(script.indexOf('done', check));
    expect(commands.filter((c) => c.includes('--exit-code 0'))).toHaveLength(1);
  });

  test('the signal names the stack, the group, the region and the instance role', () => {
    expect(script).toContain('/opt/aws/bin/cfn-signal --stack Web --resource WebInstancesASG --region eu-west-1 --role WebRole --exit-code 0');
  });

  test('gives up after the wait and reports failure, also on any early exit', () => {
    expect(script).toContain('deadline=$((SECONDS + 600))');
    expect(script).toMatch(/if \[ "\$SECONDS" -ge "\$deadline" \]; then .*exit 1; fi/);
    expect(onExit).toEqual(['[ "${WEB_TIER_SIGNALLED:-}" = yes ] || /opt/aws/bin/cfn-signal --stack Web --resource WebInstancesASG --region eu-west-1 --role WebRole --exit-code 1 || echo "cfn-signal failed" >&2']);
  });

  test('installs cfn-signal only when the image lacks it', () => {
    expect(script).toContain('[ -x /opt/aws/bin/cfn-signal ] || dnf install -y aws-cfn-bootstrap');
  });
});

describe('the health-gated signal (run in bash with a fake curl and cfn-signal)', () => {
  /** Runs the rendered user data; `healthy` says whether the fake curl answers. */
  function run(userCommands: string[], healthy: boolean): { status: number | null; signals: string[] } {
    const dir = tempOutdir();
    const log = path.join(dir, 'signals.log');
    fs.writeFileSync(path.join(dir, 'curl'), `#!/bin/sh\nexit ${healthy ? 0 : 7}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'cfn-signal'), `#!/bin/sh\necho "$@" >> ${log}\n`, { mode: 0o755 });
    const userData = ec2.UserData.forLinux();
    userData.addCommands('set -euo pipefail', ...userCommands);
    addHealthSignal(userData, { ...OPTIONS, waitSeconds: 0, cfnSignal: path.join(dir, 'cfn-signal') });
    const result = spawnSync('bash', ['-c', userData.render()], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' });
    const signals = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
    return { status: result.status, signals: signals.map((s) => s.replace(/.*--exit-code /, 'exit-code ')) };
  }

  test('a server that answers: one success signal', () => {
    expect(run(['echo starting'], true)).toEqual({ status: 0, signals: ['exit-code 0'] });
  });

  test('a server that never answers: one failure signal, no success', () => {
    expect(run(['echo starting'], false)).toEqual({ status: 1, signals: ['exit-code 1'] });
  });

  test('user data that fails before the check: one failure signal at once', () => {
    expect(run(['false'], true)).toEqual({ status: 1, signals: ['exit-code 1'] });
  });
});

describe('the default web server', () => {
  test('serves the health path given, on port 80 unless told otherwise', () => {
    const script = webServerUserData({ port: 80, healthPath: '/status/ok' }).render();
    expect(script).toContain('echo ok > /usr/share/nginx/html/status/ok');
    expect(script).not.toContain('listen');
  });

  test('moves nginx to another port', () => {
    expect(webServerUserData({ port: 8080, healthPath: '/health' }).render())
      .toContain("sed -i -E 's/listen(\\s+)(\\[::\\]:)?80;/listen\\1\\28080;/' /etc/nginx/nginx.conf");
  });
});
