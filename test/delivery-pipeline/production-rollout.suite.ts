import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ReferenceStage } from '../../lib/stages/reference-stage';
import { resourcesOf } from '../harness';
import { config, stack } from './pipeline-under-test';

// What happens between the Sandbox and a running Production: the review and
// approval, region by region, each region verified and protected, a failed
// region rolled back, and someone told.
const template = Template.fromStack(stack);
const { deliveryPipeline } = stack;
type Action = { Name: string; RunOrder: number; ActionTypeId: { Category: string }; Configuration?: Record<string, any>; Namespace?: string };
const pipelineResource = Object.values(resourcesOf(template, 'AWS::CodePipeline::Pipeline'))[0];
const stages = pipelineResource.Properties.Stages as { Name: string; Actions: Action[]; OnFailure?: unknown }[];
const stageNamed = (name: string) => stages.find((s) => s.Name === name)!;
const projects = resourcesOf(template, 'AWS::CodeBuild::Project');
const specOf = (action: Action) => JSON.parse(projects[action.Configuration!.ProjectName.Ref].Properties.Source.BuildSpec);
const policyOfProject = (action: Action) => {
  const role = projects[action.Configuration!.ProjectName.Ref].Properties.ServiceRole['Fn::GetAtt'][0];
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => p.Properties.Roles.some((r: any) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]);
};
const FIRST = 'Production-eu-west-1';
const SECOND = 'Production-us-east-1';
const deploysOf = (name: string) => stageNamed(name).Actions.filter((a) => a.ActionTypeId.Category === 'Deploy');
const STACK_IDS = ['Domain', 'Network', 'WebTier', 'StaticSite', 'FanOut', 'ServerlessApi', 'DataTier', 'SecurityBaseline', 'Streaming', 'DisasterRecovery', 'RecoveryVault', 'PipelineAccess'];
const productionStackPaths = ['eu-west-1', 'us-east-1'].flatMap((region) => STACK_IDS.map((s) => `DeliveryPipeline/Delivery/${region}/Production/${s}`));

describe('before Production: a review of the changes, then an approval that links to it', () => {
  const review = () => stageNamed('ApproveProduction').Actions.find((a) => a.Name === 'ReviewChanges')!;
  const approval = () => stageNamed('ApproveProduction').Actions.find((a) => a.ActionTypeId.Category === 'Approval')!;

  test('the review runs first, the approval next, in a stage of their own before the first region, which does not roll back', () => {
    expect(stageNamed('ApproveProduction').Actions.map((a) => [a.RunOrder, a.Name])).toEqual([[1, 'ReviewChanges'], [2, 'PromoteToProduction']]);
    expect(stages.map((s) => s.Name).slice(-3)).toEqual(['ApproveProduction', FIRST, SECOND]);
    // A rejected or expired approval fails this stage: nothing was deployed, nothing to roll back.
    expect(stageNamed('ApproveProduction').OnFailure).toBeUndefined();
    // No region has an approval of its own: the review covered them all.
    for (const name of [FIRST, SECOND]) expect(stageNamed(name).Actions.filter((a) => a.ActionTypeId.Category !== 'Deploy').map((a) => a.Name)).toEqual(['Verify']);
  });

  test('the review diffs every Production stack of every region with the pinned CLI, then says whether permissions broaden', () => {
    const spec = specOf(review());
    const lock = require('../../package-lock.json');
    expect(spec.phases.install.commands).toEqual([`npm install -g aws-cdk@${lock.packages['node_modules/aws-cdk'].version}`]);
    const [, , diff, security] = spec.phases.build.commands as string[];
    const selected = (command: string) => [...command.matchAll(/'([^']+)'/g)].map((m) => m[1]).sort();
    expect(diff).toMatch(/^cdk diff --app \. --no-change-set '/);
    expect(selected(diff)).toEqual([...productionStackPaths].sort());
    expect(security).toMatch(/^if cdk diff --app \. --no-change-set --security-only --fail '.*'; then export MESSAGE="No IAM or security group permission broadens\."; else export MESSAGE="IAM or security group permissions BROADEN/);
    expect(selected(security.split(';')[0])).toEqual([...productionStackPaths].sort());
    expect(spec.env['exported-variables']).toEqual(['LINK', 'MESSAGE']);
  });

  test('the review builds a link to its own build log from the build ARN', () => {
    const [split, link] = specOf(review()).phases.build.commands as string[];
    const env = { CODEBUILD_BUILD_ARN: 'arn:aws:codebuild:eu-west-1:111111111111:build/ReviewProject-abc:0b6c9d3e-1111-2222-3333-444455556666' };
    const out = require('child_process').execFileSync('sh', ['-c', `${split}; ${link}; printf %s "$LINK"`], { env, encoding: 'utf8' });
    expect(out).toBe('https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/111111111111/projects/ReviewProject-abc/build/'
      + 'ReviewProject-abc:0b6c9d3e-1111-2222-3333-444455556666/log?region=eu-west-1');
  });

  test('the review reads what is deployed through the production account\'s read-only lookup roles, nothing else across accounts', () => {
    const assumes = policyOfProject(review()).filter((s) => [s.Action].flat().includes('sts:AssumeRole'));
    expect(assumes).toEqual([expect.objectContaining({
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:role/*']] },
      Condition: { StringEquals: { 'iam:ResourceTag/aws-cdk:bootstrap-role': 'lookup' } },
    })]);
  });

  test('the approval links to the review, carries its verdict, and is e-mailed through the notification topic', () => {
    expect(review().Namespace).toBe('ChangeReview');
    const { ExternalEntityLink, CustomData, NotificationArn } = approval().Configuration!;
    expect(ExternalEntityLink).toBe('#{ChangeReview.LINK}');
    expect(CustomData).toContain('deploy this commit to Production in eu-west-1, then us-east-1? #{ChangeReview.MESSAGE}');
    expect(CustomData).toContain('expires after 7 days');
    expect(NotificationArn).toEqual({ Ref: topicId() });
  });
});

function topicId(): string {
  const topics = Object.keys(resourcesOf(template, 'AWS::SNS::Topic'));
  expect(topics).toHaveLength(1);
  return topics[0];
}

describe('each Production region, one after the other', () => {
  test('is verified after all its stacks deploy: termination protection, then the read-only smoke checks', () => {
    for (const [i, region] of config.productionRegions.entries()) {
      const name = `Production-${region}`;
      const verify = stageNamed(name).Actions.find((a) => a.Name === 'Verify')!;
      expect(verify.RunOrder).toBeGreaterThan(Math.max(...deploysOf(name).map((a) => a.RunOrder)));
      const stacks = deliveryPipeline.production[i].node.findAll().filter(Stack.isStack).sort((a, b) => a.stackName.localeCompare(b.stackName));
      const stackNames = stacks.map((s) => s.stackName);
      expect(specOf(verify).phases.build.commands).toEqual([
        'aws configure set profile.target.role_arn "$ACCESS_ROLE_ARN"',
        'aws configure set profile.target.credential_source EcsContainer',
        `aws configure set profile.target.region ${region}`,
        // CodeBuild's AWS_REGION (the pipeline's) would outrank the profile's region.
        // Each in its own region: the Domain stack is in us-east-1.
        ...stacks.map((s) => `AWS_PROFILE=target aws cloudformation update-termination-protection --region ${s.region} --enable-termination-protection --stack-name ${s.stackName}`),
        `AWS_PROFILE=target npm run smoke -- --stage Production --region ${region} --read-only`,
      ]);
      expect(stackNames).toEqual(expect.arrayContaining(['Production-DataTier', 'Production-Network', 'Production-PipelineAccess', 'Production-SecurityBaseline']));
      expect(stacks.filter((s) => s.node.id === 'Domain').map((s) => s.region)).toEqual(['us-east-1']);
    }
  });

  test('the verification may assume only the Production stages\' pipeline access roles', () => {
    const verify = stageNamed(FIRST).Actions.find((a) => a.Name === 'Verify')!;
    const assumes = policyOfProject(verify).filter((s) => [s.Action].flat().includes('sts:AssumeRole'));
    expect(assumes.map((s) => s.Resource)).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:role/Production-PipelineAccess-*']] },
    ]);
  });

  test('the pipeline access role reads, and switches on termination protection of the stage\'s stacks, and does nothing else', () => {
    for (const access of deliveryPipeline.productionAccess) {
      const t = Template.fromStack(access);
      const [policy] = Object.values(resourcesOf(t, 'AWS::IAM::ManagedPolicy'));
      const actions = (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat()).sort();
      // DescribeStacks twice: the stage's region's outputs, and the standby's stacks in any region (the failover readiness checks).
      expect(actions).toEqual(['autoscaling:DescribeAutoScalingGroups', 'cloudformation:DescribeStacks', 'cloudformation:DescribeStacks', 'cloudformation:ListStackResources',
        'cloudformation:UpdateTerminationProtection', 'cloudtrail:GetTrailStatus', 'cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricStatistics',
        'config:DescribeConfigurationRecorderStatus', 'config:DescribeConfigurationRecorders', 'dynamodb:DescribeTable', 'ec2:DescribeFlowLogs', 'ec2:DescribeRegions', 'guardduty:GetDetector',
        'rds:DescribeDBClusters', 'rds:DescribeGlobalClusters', 'route53:GetHealthCheckStatus', 'route53:ListHealthChecks', 's3:GetReplicationConfiguration', 'sns:ListSubscriptionsByTopic']);
      const protect = (policy.Properties.PolicyDocument.Statement as { Sid: string; Resource: unknown }[]).find((s) => s.Sid === 'ProtectStageStacks')!;
      expect(protect.Resource).toBe('arn:aws:cloudformation:*:333333333333:stack/Production-*/*');
      const [role] = Object.values(resourcesOf(t, 'AWS::IAM::Role'));
      expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('DeliveryPipeline-verify-eu-west-1');
      expect(access.terminationProtection).toBe(true);
    }
    expect(deliveryPipeline.productionAccess.map((a) => a.region)).toEqual(['eu-west-1', 'us-east-1']);
  });

  test('Production is on the domain in every region, its shared names served by latency across both', () => {
    for (const stage of deliveryPipeline.production) {
      expect((stage as any).config.domain).toEqual({ domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', servingRegions: ['eu-west-1', 'us-east-1'] });
    }
    expect(deliveryPipeline.sandbox.node.tryFindChild('Domain')).toBeUndefined();
  });

  test('one account, two regions: the trail, its CIS alarms and the password policy exist in the first region only; detectors in both', () => {
    const count = (i: number, type: string) => Object.keys(resourcesOf(Template.fromStack((deliveryPipeline.production[i] as any).securityBaseline), type)).length;
    expect([count(0, 'AWS::CloudTrail::Trail'), count(1, 'AWS::CloudTrail::Trail')]).toEqual([1, 0]);
    expect(count(0, 'AWS::Logs::MetricFilter')).toBeGreaterThanOrEqual(15);
    expect(count(1, 'AWS::Logs::MetricFilter')).toBe(0);
    expect([count(0, 'AWS::GuardDuty::Detector'), count(1, 'AWS::GuardDuty::Detector')]).toEqual([1, 1]);
  });

  test('a failed region rolls back to the last release that passed, and stops the rollout; the Sandbox does not roll back', () => {
    expect(stageNamed(FIRST).OnFailure).toEqual({ Result: 'ROLLBACK' });
    expect(stageNamed(SECOND).OnFailure).toEqual({ Result: 'ROLLBACK' });
    expect(stageNamed('Sandbox').OnFailure).toBeUndefined();
    expect(pipelineResource.Properties.PipelineType).toBe('V2');
  });
});

// Production runs the image the Sandbox was tested on: the synth step resolves it
// once per run (web-tier-image.test.ts) and rebuilds the pipeline with it.
describe('the stages the pipeline deploys', () => {
  test('launch the image resolved for their region, with no image lookup at deploy', () => {
    const stages = [deliveryPipeline.sandbox, ...deliveryPipeline.production] as ReferenceStage[];
    const launched = stages.map((stage) => {
      const webTier = Template.fromStack(stage.webTier);
      const [launchTemplate] = Object.values(resourcesOf(webTier, 'AWS::EC2::LaunchTemplate'));
      return [stage.stageName, stage.region, launchTemplate.Properties.LaunchTemplateData.ImageId, JSON.stringify(webTier.toJSON().Parameters ?? {}).includes('ami-amazon-linux-latest')];
    });
    expect(launched).toEqual([
      ['Sandbox', 'eu-west-1', 'ami-0bbbbbbbbbbbbbbb2', false],
      ['Production', 'eu-west-1', 'ami-0bbbbbbbbbbbbbbb2', false],
      ['Production', 'us-east-1', 'ami-0ccccccccccccccc3', false],
    ]);
  });

  test('reserve the Production API\'s concurrency the pipeline chose: none with 0', () => {
    for (const stage of deliveryPipeline.production as ReferenceStage[]) {
      const handlers = Object.values(resourcesOf(Template.fromStack(stage.serverlessApi), 'AWS::Lambda::Function'))
        .filter((f) => f.Properties.Description === 'Items API: list, create, get and delete items');
      expect(handlers).toHaveLength(1);
      expect(handlers[0].Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });
});

describe('what starts the pipeline, and who hears of it', () => {
  test('a push to the branch starts it unless it changes only documentation; the source action does not also start it', () => {
    expect(pipelineResource.Properties.Triggers).toEqual([{
      ProviderType: 'CodeStarSourceConnection',
      GitConfiguration: {
        SourceActionName: 'my-org_my-app',
        Push: [{ Branches: { Includes: ['main'] }, FilePaths: { Excludes: ['*.md', '**/*.md', 'docs/**'] } }],
      },
    }]);
    expect(stageNamed('Source').Actions[0].Configuration!.DetectChanges).toBe(false);
  });

  test('failed runs, failed stages (a failed build, deploy, smoke check or verification) and refused or expired approvals are e-mailed', () => {
    const [rule] = Object.values(resourcesOf(template, 'AWS::CodeStarNotifications::NotificationRule'));
    expect(rule.Properties.EventTypeIds).toEqual(['codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-stage-execution-failed',
      'codepipeline-pipeline-manual-approval-failed']);
    expect(rule.Properties.Targets).toEqual([{ TargetType: 'SNS', TargetAddress: { Ref: topicId() } }]);
    expect(rule.Properties.Resource['Fn::Join'][1][1]).toEqual({ Ref: Object.keys(resourcesOf(template, 'AWS::CodePipeline::Pipeline'))[0] });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topicId() } });
  });

  test('the topic is encrypted with a rotating key that CodeStar Notifications may use, and publishes over TLS only', () => {
    const topic = resourcesOf(template, 'AWS::SNS::Topic')[topicId()];
    const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    const key = resourcesOf(template, 'AWS::KMS::Key')[keyId];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
      Principal: { Service: 'codestar-notifications.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    })]));
    const policy = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy')).find((p) => p.Properties.Topics.some((t: any) => t.Ref === topicId()))!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'codestar-notifications.amazonaws.com' } }),
    ]));
  });
});
