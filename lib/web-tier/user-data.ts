import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** Path of the health endpoint the web server answers. */
export const HEALTH_PATH = '/health';

/**
 * Installs nginx and writes a page naming the instance and its AZ (read with an
 * IMDSv2 token), plus a health endpoint, so a deployed sandbox shows the load
 * balancer spreading requests over instances.
 */
export function webServerUserData(): ec2.UserData {
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
    `echo ok > /usr/share/nginx/html${HEALTH_PATH}`,
    "sed -i 's/^\\(\\s*\\)server_name\\s.*;/&\\n\\1server_tokens off;/' /etc/nginx/nginx.conf",
    'systemctl enable --now nginx',
  );
  return userData;
}
