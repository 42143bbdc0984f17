import { RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DeliveryPipeline } from '../../lib/delivery-pipeline/delivery-pipeline';
import { pipelineConfig } from '../../lib/delivery-pipeline/pipeline-config';
import { ConfigError } from '../../lib/shared/validation';
import { resourcesOf, testApp } from '../harness';

// A user's own stage behind the construct: one small stack, built once for the file.
const config = pipelineConfig({
  toolsAccount: '111111111111', sandboxAccount: '222222222222', productionAccount: '333333333333',
  regions: 'eu-west-1', repository: 'my-org/my-app', branch: 'release', alarmEmail: 'ops@example.com',
  connectionArn: 'arn:aws:codestar-connections:eu-west-1:111111111111:connection/abc',
});
class MyStage extends Stage {
  constructor(scope: import('constructs').Construct, id: string, props: import('aws-cdk-lib').StageProps) {
    super(scope, id, props);
    new sns.Topic(new Stack(this, 'Topics'), 'Topic', { enforceSSL: true });
  }
}
const stack = new Stack(testApp(), 'Tools', { env: { account: '111111111111', region: 'eu-west-1' } });
const delivery = new DeliveryPipeline(stack, 'Delivery', {
  config,
  stageFactory: (scope, id, props) => new MyStage(scope, id, props),
  smokeTest: false,
  synthCommands: ['npm ci', 'npx cdk synth -c pipeline=true'],
});
const template = Template.fromStack(stack);
// A second one with what the first leaves to its defaults: a topic of your own and the verification role's name.
const ownTools = new Stack(testApp(), 'Tools', { env: { account: '111111111111', region: 'eu-west-1' } });
const ownTopic = sns.Topic.fromTopicArn(ownTools, 'Ops', 'arn:aws:sns:eu-west-1:111111111111:ops');
const own = new DeliveryPipeline(ownTools, 'Delivery', {
  config: { ...config, alarmEmail: undefined }, notificationTopic: ownTopic, verifyRunnerRoleName: 'verifier', stageFactory: (s, id, p) => new MyStage(s, id, p),
});
const stages = Object.values(resourcesOf(template, 'AWS::CodePipeline::Pipeline'))[0].Properties.Stages as { Name: string; Actions: { Name: string }[] }[];

describe('DeliveryPipeline with a stage of your own', () => {
  test('deploys it as Sandbox, then after the review and approval as Production, with no smoke or verification step when turned off and nothing to protect', () => {
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Sandbox', 'ApproveProduction', 'Production']);
    expect(stages[3].Actions.map((a) => a.Name)).toEqual(['Prepare', 'Deploy']);
    expect(stages[4].Actions.map((a) => a.Name)).toEqual(['ReviewChanges', 'PromoteToProduction']);
    expect(stages[5].Actions.map((a) => a.Name)).toEqual(['Prepare', 'Deploy']);
    expect(delivery.productionAccess).toEqual([]);
    expect(delivery.smokeAccess).toBeUndefined();
    expect(delivery.sandbox.node.tryFindChild('SmokeAccess')).toBeUndefined();
  });

  test('gives the factory each stage\'s name, account and region', () => {
    expect([delivery.sandbox, ...delivery.production].map((s) => `${s.stageName} ${s.account}/${s.region}`))
      .toEqual(['Sandbox 222222222222/eu-west-1', 'Production 333333333333/eu-west-1']);
  });

  test('runs the synth commands given', () => {
    const synth = Object.values(resourcesOf(template, 'AWS::CodeBuild::Project')).find((p) => /Synth/.test(p.Properties.Description))!;
    expect(JSON.parse(synth.Properties.Source.BuildSpec).phases.build.commands).toEqual(['npm ci', 'npx cdk synth -c pipeline=true']);
  });

  test('needs no artifact bucket in another region when every stage is in the pipeline\'s region', () => {
    expect(delivery.replicas).toEqual([]);
  });

  test('retains the artifact bucket, its key and the build logs by default', () => {
    const ids = [delivery.artifactBucket, delivery.artifactKey, delivery.buildLogs].map((c) => stack.getLogicalId(c.node.defaultChild as import('aws-cdk-lib').CfnElement));
    for (const id of ids) expect(template.toJSON().Resources[id].DeletionPolicy).toBe('Retain');
    expect(RemovalPolicy.RETAIN).toBe('retain');
  });

  test('fails when its stack is not pinned to the tools account and region', () => {
    const loose = new Stack(testApp(), 'Loose', { env: { account: '999999999999', region: 'eu-west-1' } });
    expect(() => new DeliveryPipeline(loose, 'Delivery', { config, stageFactory: (s, id, p) => new MyStage(s, id, p) }))
      .toThrow(new ConfigError('delivery pipeline placement', ['stack account: got "999999999999"; expected the tools account 111111111111: pin the stack with env']));
  });

  test('fails when approvals and failures would reach no one: neither alarmEmail nor a notification topic', () => {
    const tools = new Stack(testApp(), 'Tools', { env: { account: '111111111111', region: 'eu-west-1' } });
    expect(() => new DeliveryPipeline(tools, 'Delivery', { config: { ...config, alarmEmail: undefined }, stageFactory: (s, id, p) => new MyStage(s, id, p) }))
      .toThrow(new ConfigError('delivery pipeline', ['alarmEmail: got undefined; expected an e-mail address (-c alarmEmail=...) or a notificationTopic: '
        + 'approval requests and failed runs must reach someone']));
  });

  test('names the verification role as given, verbatim, or after the stack and region by default', () => {
    expect(ownTools.resolve((own.verifyRunnerRole.node.defaultChild as import('aws-cdk-lib/aws-iam').CfnRole).roleName)).toBe('verifier');
    expect(stack.resolve((delivery.verifyRunnerRole.node.defaultChild as import('aws-cdk-lib/aws-iam').CfnRole).roleName)).toBe('Tools-verify-eu-west-1');
  });

  test('sends them to a topic of your own instead, when given one', () => {
    expect(own.notifications.topic).toBe(ownTopic);
    const ownTemplate = Template.fromStack(ownTools);
    const [rule] = Object.values(resourcesOf(ownTemplate, 'AWS::CodeStarNotifications::NotificationRule'));
    expect(rule.Properties.Targets).toEqual([{ TargetType: 'SNS', TargetAddress: 'arn:aws:sns:eu-west-1:111111111111:ops' }]);
    expect(resourcesOf(ownTemplate, 'AWS::SNS::Topic')).toEqual({});
  });
});

test('the package exports the pipeline, its stack, config and smoke access', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('../../lib');
  for (const name of ['DeliveryPipeline', 'DeliveryPipelineStack', 'pipelineConfig', 'pipelineRequested', 'buildPipelineApp', 'SmokeAccessStack', 'ArtifactStore']) {
    expect(typeof api[name]).toBe('function');
  }
});
