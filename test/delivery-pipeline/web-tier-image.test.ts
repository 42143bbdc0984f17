import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { imageResolutionCommands } from '../../lib/delivery-pipeline/delivery-pipeline';
import { referenceStages } from '../../lib/delivery-pipeline/delivery-pipeline-stack';
import { pipelineConfig } from '../../lib/delivery-pipeline/pipeline-config';
import { ConfigError } from '../../lib/shared/validation';
import { stackTemplate, testApp } from '../harness';

// Production runs the image the Sandbox was tested on: the synth step resolves
// it once per run, by release name across regions. The commands run here
// against a stand-in `aws` that answers as the AWS CLI does.
const config = pipelineConfig({
  toolsAccount: '111111111111', sandboxAccount: '222222222222', productionAccount: '333333333333',
  regions: 'eu-west-1,us-east-1', sandboxRegion: 'eu-central-1', repository: 'my-org/my-app', alarmEmail: 'ops@example.com',
  connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/abc-123',
});
const RELEASE = 'al2023-ami-2023.9.20261201.0-kernel-6.1-arm64';

/**
 * Runs the commands in sh with a fake `aws`: the parameter names an image of
 * `release`; `images` answers, by region, the image of RELEASE. Returns WEB_TIER_IMAGES or the failure.
 */
function resolve(images: Record<string, string>, release = RELEASE) {
  const parameter = 'ami-0aaaaaaaaaaaaaaa1';
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-aws-'));
  fs.writeFileSync(path.join(bin, 'aws'), `#!/bin/sh
region=""; prev=""
for a in "$@"; do [ "$prev" = "--region" ] && region="$a"; prev="$a"; done
case "$*" in
  "ssm get-parameter --region eu-central-1 --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64 --query Parameter.Value --output text") echo "${parameter}";;
  "ec2 describe-images --region eu-central-1 --image-ids ${parameter} --query Images[0].Name --output text") echo "${release}";;
  *"--owners amazon --filters Name=name,Values=${RELEASE} "*) case "$region" in ${Object.entries(images).map(([r, i]) => `${r}) echo ${i};;`).join(' ')} *) echo None;; esac;;
  *) echo "unexpected: $*" >&2; exit 255;;
esac
`, { mode: 0o755 });
  try {
    const out = execFileSync('sh', ['-c', `${imageResolutionCommands(config).join('\n')}\nprintf %s "$WEB_TIER_IMAGES"`],
      { env: { PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { images: out };
  } catch (error) {
    return { failed: String((error as { stderr: string }).stderr).trim() };
  }
}

describe('the synth step\'s image resolution', () => {
  test('finds the Sandbox region\'s latest release, then the image of that same release in every region', () => {
    expect(resolve({ 'eu-central-1': 'ami-0aaaaaaaaaaaaaaa1', 'eu-west-1': 'ami-0bbbbbbbbbbbbbbb2', 'us-east-1': 'ami-0ccccccccccccccc3' }))
      .toEqual({ images: 'eu-central-1:ami-0aaaaaaaaaaaaaaa1,eu-west-1:ami-0bbbbbbbbbbbbbbb2,us-east-1:ami-0ccccccccccccccc3' });
  });

  test('fails the run, naming the region, when a region does not have that release yet', () => {
    expect(resolve({ 'eu-central-1': 'ami-0aaaaaaaaaaaaaaa1', 'eu-west-1': 'ami-0bbbbbbbbbbbbbbb2' }))
      .toEqual({ failed: `${RELEASE} is not in us-east-1 yet; run the pipeline again later` });
  });

  test('fails the run when the parameter leads to no Amazon Linux image', () => {
    expect(resolve({}, 'None')).toEqual({ failed: 'no Amazon Linux image behind the parameter: None' });
  });

  test('resolves the parameter the web tier resolves when it deploys on its own', () => {
    const webTier = stackTemplate('Sandbox', 'WebTier').toJSON();
    const defaults = Object.values(webTier.Parameters as Record<string, { Type: string; Default?: string }>).map((p) => p.Default)
      .filter((d) => d?.startsWith('/aws/service/ami-amazon-linux-latest/'));
    expect(defaults).toEqual(['/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64']);
    expect(imageResolutionCommands(config)[0]).toContain('--name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64');
  });
});

// What the stages launch with the images resolved (and the Production API's
// reserved concurrency) is read from the pipeline under test: production-rollout.suite.ts.
describe('the stages the pipeline deploys', () => {
  const images = { 'eu-west-1': 'ami-0bbbbbbbbbbbbbbb2', 'us-east-1': 'ami-0ccccccccccccccc3' };

  test('fail when the pipeline resolved no image for the stage\'s region', () => {
    expect(() => referenceStages({ webTierImages: images })(new Stack(testApp(), 'Tools'), 'Sandbox', { env: { account: '222222222222', region: 'eu-central-1' } }))
      .toThrow(new ConfigError('delivery pipeline config', [`webTierImages: got ${JSON.stringify(images)}; expected an image for eu-central-1, where Sandbox deploys`]));
  });
});
