import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { ArtifactStore } from '../../lib/delivery-pipeline/artifact-store';
import { SecurityBaseline } from '../../lib/security-baseline/security-baseline';
import { StaticSite } from '../../lib/static-site/static-site';
import { tempOutdir } from '../harness';

// Every construct that sends S3 server access logs to a LogBucket, in an app
// without this repository's cdk.json feature flags (a user's plain app): CDK
// would otherwise give the log bucket a LogDeliveryWrite ACL, which its
// bucket-owner-enforced ownership refuses at synth.
const senders: [string, (scope: Construct) => void][] = [
  ['ArtifactStore', (scope) => new ArtifactStore(scope, 'Store', { removalPolicy: RemovalPolicy.DESTROY })],
  ['StaticSite', (scope) => new StaticSite(scope, 'Site')],
  ['SecurityBaseline', (scope) => new SecurityBaseline(scope, 'Baseline')],
];

test.each(senders)('%s delivers server access logs by bucket policy, whatever the app\'s feature flags', (_name, build) => {
  const app = new App({ outdir: tempOutdir(), context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Plain');
  build(stack);
  const template = Template.fromStack(stack);
  const statements = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
  expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]));
});
