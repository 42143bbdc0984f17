import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { expectNoFindings, resourcesOf } from '../harness';
import { assembly, config, stack } from './pipeline-under-test';

const template = Template.fromStack(stack);
const { deliveryPipeline } = stack;

type Action = { Name: string; RunOrder: number; ActionTypeId: { Category: string }; Region?: string; RoleArn?: unknown; Configuration?: Record<string, any> };
const pipelineResource = Object.values(resourcesOf(template, 'AWS::CodePipeline::Pipeline'))[0];
const stages = pipelineResource.Properties.Stages as { Name: string; Actions: Action[] }[];
const stageNamed = (name: string) => stages.find((s) => s.Name === name)!;
const projects = resourcesOf(template, 'AWS::CodeBuild::Project');
const projectOf = (action: Action) => projects[action.Configuration?.ProjectName.Ref];
const stacksOf = (stage: import('aws-cdk-lib').Stage) => stage.node.children.filter(Stack.isStack);

describe('the pipeline', () => {
  test('runs source, build, self-update, assets, Sandbox, then Production', () => {
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'Sandbox', 'ApproveProduction', 'Production-eu-west-1', 'Production-us-east-1']);
  });

  test('is sourced from the repository and branch through the CodeConnections connection', () => {
    const [source] = stageNamed('Source').Actions;
    expect(source.Configuration).toMatchObject({ ConnectionArn: config.connectionArn, FullRepositoryId: 'my-org/my-app', BranchName: 'main' });
  });

  test('installs with npm ci, runs npm test, resolves the web tier image once, then synthesizes with the flags that built it and that image', () => {
    const spec = JSON.parse(projectOf(stageNamed('Build').Actions[0]).Properties.Source.BuildSpec);
    const commands = spec.phases.build.commands as string[];
    expect(commands.slice(0, 2)).toEqual(['npm ci', 'npm test']);
    expect(commands.slice(2, -1).join('\n')).toMatch(/^IMAGE_NAME=.*\nWEB_TIER_IMAGES=""; for REGION in eu-west-1 us-east-1; do /s);
    expect(commands[commands.length - 1]).toBe('npx cdk synth -c pipeline=true -c toolsAccount=111111111111 -c toolsRegion=eu-west-1 -c sandboxAccount=222222222222 -c sandboxRegion=eu-west-1 '
      + '-c productionAccount=333333333333 -c regions=eu-west-1,us-east-1 -c repository=my-org/my-app -c branch=main -c connectionArn=' + config.connectionArn
      + ' -c alarmEmail=ops@example.com -c apiReservedConcurrency=0 -c domainName=example.com -c hostedZoneId=Z0123456789ABCDEFGHIJ -c webTierImages="$WEB_TIER_IMAGES"');
  });

  test('the synth step may read the image parameter in each region it deploys to, and describe images', () => {
    const synthRole = projectOf(stageNamed('Build').Actions[0]).Properties.ServiceRole['Fn::GetAtt'][0];
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => p.Properties.Roles.some((r: any) => r.Ref === synthRole))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const reads = statements.filter((st: any) => ['ssm:GetParameter', 'ec2:DescribeImages'].includes(st.Action));
    expect(reads.map((st: any) => [st.Action, JSON.stringify(st.Resource)])).toEqual([
      ['ssm:GetParameter', JSON.stringify(['eu-west-1', 'us-east-1'].map((r) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:${r}::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64`]] })))],
      ['ec2:DescribeImages', '"*"'],
    ]);
  });

  test('updates itself', () => {
    expect(stageNamed('UpdatePipeline').Actions.map((a) => a.Name)).toEqual(['SelfMutate']);
  });

  test('deploys every Sandbox stack, then runs the smoke checks after them', () => {
    const actions = stageNamed('Sandbox').Actions;
    const smoke = actions.find((a) => a.Name === 'SmokeTest')!;
    const deploys = actions.filter((a) => a.ActionTypeId.Category === 'Deploy');
    const stackIds = stacksOf(deliveryPipeline.sandbox).map((st) => st.node.id);
    expect(stackIds).toEqual(expect.arrayContaining(['Network', 'WebTier', 'StaticSite', 'FanOut', 'ServerlessApi', 'SmokeAccess']));
    // Each stack twice: create the change set, then execute it.
    expect(deploys.map((a) => a.Name.split('.')[0]).sort()).toEqual(stackIds.flatMap((id) => [id, id]).sort());
    expect(smoke.RunOrder).toBeGreaterThan(Math.max(...deploys.map((a) => a.RunOrder)));
  });

  test('deploys the same stacks to every Production region, one region after the other, each as its own pipeline stage', () => {
    for (const [i, region] of config.productionRegions.entries()) {
      const deploys = stageNamed(`Production-${region}`).Actions.filter((a) => a.ActionTypeId.Category === 'Deploy');
      const stage = deliveryPipeline.production[i];
      expect(deploys.map((a) => a.Name.split('.')[0]).sort()).toEqual(stacksOf(stage).flatMap((st) => [st.stackName, st.stackName]).sort());
      expect(stacksOf(stage).map((st) => st.stackName)).toEqual(expect.arrayContaining(['Production-Network', 'Production-PipelineAccess']));
      // The pipeline's own region is implicit; the others are named on the action. The Domain stack deploys to us-east-1,
      // the RecoveryVault to the next Production region.
      const next = config.productionRegions[(i + 1) % config.productionRegions.length];
      const named = (r: string) => (r === config.toolsRegion ? undefined : r);
      expect(new Set(deploys.map((a) => a.Region))).toEqual(new Set([named(region), 'us-east-1', named(next)]));
    }
    expect(stages.findIndex((s) => s.Name === 'Production-us-east-1')).toBe(stages.findIndex((s) => s.Name === 'Production-eu-west-1') + 1);
  });

  test('each Production region copies its backups to the next region\'s RecoveryVault, the last to the first (a ring), read when it deploys', () => {
    const regions = config.productionRegions;
    expect(regions).toEqual(['eu-west-1', 'us-east-1']);
    for (const [i, stage] of deliveryPipeline.production.entries()) {
      const next = regions[(i + 1) % regions.length];
      const vault = stacksOf(stage).find((st) => st.node.id === 'RecoveryVault')!;
      expect([vault.region, vault.stackName]).toEqual([next, 'Production-RecoveryVault']);
      const plan = Object.values(resourcesOf(Template.fromStack(stacksOf(stage).find((st) => st.node.id === 'DisasterRecovery')!), 'AWS::Backup::BackupPlan'))[0];
      expect(plan.Properties.BackupPlan.BackupPlanRule[0].CopyActions[0].DestinationBackupVaultArn)
        .toEqual({ 'Fn::GetStackOutput': { StackName: 'Production-RecoveryVault', Region: next, OutputName: expect.any(String) } });
    }
  });

  test('deploys each stage to its account through that account\'s bootstrap deploy role', () => {
    const roles = (name: string) => JSON.stringify(stageNamed(name).Actions.filter((a) => a.ActionTypeId.Category === 'Deploy').map((a) => a.RoleArn));
    expect(roles('Sandbox')).toContain(':iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-eu-west-1');
    expect(roles('Sandbox')).not.toContain('333333333333');
    expect(roles('Production-us-east-1')).toContain(':iam::333333333333:role/cdk-hnb659fds-deploy-role-333333333333-us-east-1');
    expect(roles('Production-eu-west-1')).toContain(':iam::333333333333:role/cdk-hnb659fds-deploy-role-333333333333-eu-west-1');
    expect(roles('Production-eu-west-1') + roles('Production-us-east-1')).not.toContain('222222222222');
  });

  test('places the stages in their accounts and regions, stacks named as the smoke CLI expects', () => {
    const env = (s: Stack) => `${s.stackName} ${s.account}/${s.region}`;
    expect(stacksOf(deliveryPipeline.sandbox).map(env)).toContain('Sandbox-Network 222222222222/eu-west-1');
    for (const [i, stage] of deliveryPipeline.production.entries()) {
      expect(stacksOf(stage).map(env)).toContain(`Production-Network 333333333333/${config.productionRegions[i]}`);
    }
  });
});

describe('cross-account artifacts', () => {
  test('the pipeline stack is pinned to the tools account and region', () => {
    expect([stack.account, stack.region]).toEqual(['111111111111', 'eu-west-1']);
  });

  test('artifacts are KMS-encrypted with rotating keys, in every region the pipeline deploys to', () => {
    const stores = pipelineResource.Properties.ArtifactStores as { Region: string; ArtifactStore: { EncryptionKey?: { Type: string } } }[];
    expect(stores.map((s) => [s.Region, s.ArtifactStore.EncryptionKey?.Type])).toEqual([['eu-west-1', 'KMS'], ['us-east-1', 'KMS']]);
    const replica = Template.fromStack(deliveryPipeline.replicas[0]);
    for (const t of [template, replica]) {
      t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: Match.stringLikeRegexp('artifacts') });
      t.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      });
    }
    expect(deliveryPipeline.replicas.map((r) => `${r.account}/${r.region}`)).toEqual(['111111111111/us-east-1']);
  });

  test('artifacts expire after 90 days, replaced versions after a week, in every region\'s bucket, read and written over TLS only', () => {
    for (const t of [template, Template.fromStack(deliveryPipeline.replicas[0])]) {
      const artifactBuckets = Object.entries(resourcesOf(t, 'AWS::S3::Bucket')).filter(([, b]) => b.Properties.BucketEncryption?.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm === 'aws:kms');
      expect(artifactBuckets).toHaveLength(1);
      const [[bucketId, bucket]] = artifactBuckets;
      expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([{
        Id: 'expire-old-artifacts', Status: 'Enabled', ExpirationInDays: 90,
        NoncurrentVersionExpiration: { NoncurrentDays: 7 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }]);
      const policy = Object.values(resourcesOf(t, 'AWS::S3::BucketPolicy')).find((p) => p.Properties.Bucket.Ref === bucketId)!;
      expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
        Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      })]));
    }
  });

  test('the other regions\' buckets, named at synth, leave nothing behind that would block the next deployment', () => {
    const replica = Template.fromStack(deliveryPipeline.replicas[0]);
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Alias']) {
      expect(Object.values(replica.findResources(type)).map((r) => r.DeletionPolicy)).toEqual(expect.arrayContaining(['Delete']));
      expect(Object.values(replica.findResources(type)).filter((r) => r.DeletionPolicy === 'Retain')).toEqual([]);
    }
    replica.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });

  test('the artifact key lets the target accounts\' deploy roles decrypt, and no one else outside the tools account', () => {
    const key = Object.values(resourcesOf(template, 'AWS::KMS::Key')).find((k) => /artifacts/.test(k.Properties.Description))!;
    const principals = JSON.stringify(key.Properties.KeyPolicy.Statement.map((s: any) => s.Principal));
    expect(principals).toContain('222222222222:role/cdk-hnb659fds-deploy-role');
    expect(principals).toContain('333333333333:role/cdk-hnb659fds-deploy-role');
    const outsiders = principals.match(/iam::(\d{12})/g)?.filter((p) => !/111111111111|222222222222|333333333333/.test(p));
    expect(outsiders ?? []).toEqual([]);
  });

  test('no long-lived credentials: no IAM users or access keys anywhere', () => {
    for (const s of assembly.stacks) {
      const types = Object.values((s.template as { Resources: Record<string, { Type: string }> }).Resources).map((r) => r.Type);
      expect(types.filter((t) => t === 'AWS::IAM::User' || t === 'AWS::IAM::AccessKey')).toEqual([]);
    }
  });

  const logGroupId = stack.getLogicalId(deliveryPipeline.buildLogs.node.defaultChild as import('aws-cdk-lib').CfnElement);

  test('every CodeBuild project is a small Linux build without Docker, encrypted, logging to a log group with retention', () => {
    expect(Object.keys(projects).length).toBeGreaterThan(3);
    for (const project of Object.values(projects)) {
      expect(project.Properties.Environment).toMatchObject({ Type: 'LINUX_CONTAINER', ComputeType: 'BUILD_GENERAL1_SMALL', PrivilegedMode: false, Image: 'aws/codebuild/standard:8.0' });
      expect(project.Properties.EncryptionKey).toBeDefined();
      expect(project.Properties.LogsConfig).toEqual({ CloudWatchLogs: { GroupName: { Ref: logGroupId }, Status: 'ENABLED' } });
    }
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId].Properties).toMatchObject({ RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } });
  });
});

describe('the smoke step', () => {
  const smokeAction = () => stageNamed('Sandbox').Actions.find((a) => a.Name === 'SmokeTest')!;

  test('assumes the sandbox account\'s smoke role and runs the smoke CLI against the Sandbox stage', () => {
    const spec = JSON.parse(projectOf(smokeAction()).Properties.Source.BuildSpec);
    expect(spec.phases.install.commands).toEqual(['npm ci']);
    expect(spec.phases.build.commands).toEqual([
      'aws configure set profile.smoke.role_arn "$SMOKE_ROLE_ARN"',
      'aws configure set profile.smoke.credential_source EcsContainer',
      'aws configure set profile.smoke.region eu-west-1',
      'AWS_PROFILE=smoke npm run smoke -- --stage Sandbox --region eu-west-1',
    ]);
    expect(JSON.parse(smokeAction().Configuration!.EnvironmentVariables)).toEqual([
      { name: 'SMOKE_ROLE_ARN', type: 'PLAINTEXT', value: expect.stringMatching(/^#\{.*SmokeAccess.*\.SmokeRoleArn\}$/) },
    ]);
  });

  test('runs from the repository, not from the cloud assembly', () => {
    const sourceOutput = stageNamed('Source').Actions[0] as Action & { OutputArtifacts: { Name: string }[] };
    expect((smokeAction() as Action & { InputArtifacts: { Name: string }[] }).InputArtifacts).toEqual(sourceOutput.OutputArtifacts);
  });

  test('its role may assume only the SmokeAccess roles of the sandbox account', () => {
    const role = deliveryPipeline.smokeRunnerRole!;
    expect(role.roleName).toBeDefined();
    const policy = JSON.stringify(Stack.of(role).resolve((role.node.findChild('DefaultPolicy') as any).document));
    const assumes = JSON.parse(policy).Statement.filter((s: any) => s.Action === 'sts:AssumeRole');
    expect(assumes.map((s: any) => s.Resource)).toEqual([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:role/Sandbox-SmokeAccess-*']] }]);
  });

  test('the smoke role trusts only that runner role of the tools account', () => {
    const access = Template.fromStack(deliveryPipeline.smokeAccess!);
    access.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{
        Action: 'sts:AssumeRole', Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111111111111:root' },
        Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/DeliveryPipeline-smoke-eu-west-1' } },
      }] },
    });
    expect(deliveryPipeline.smokeAccess!.account).toBe('222222222222');
  });
});

describe('the generated grants', () => {
  type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };
  const policies = resourcesOf(template, 'AWS::IAM::Policy');
  const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  const actionsOf = (s: Statement) => [s.Action].flat();
  const onAnyResource = (s: Statement) => [s.Resource].flat().includes('*');

  test('no role may start, stop or read builds of every project (StartBuild can override any project\'s buildspec)', () => {
    expect(statements.length).toBeGreaterThan(10);
    expect(statements.filter(onAnyResource).flatMap(actionsOf).filter((a) => a.startsWith('codebuild:'))).toEqual([]);
  });

  test('no KMS action on "*": the pipeline role reaches its own key by ARN and the other region\'s key by its alias', () => {
    expect(statements.filter(onAnyResource).flatMap(actionsOf).filter((a) => a.startsWith('kms:'))).toEqual([]);
    const pipelineRole = pipelineResource.Properties.RoleArn['Fn::GetAtt'][0];
    const own = Object.values(policies).find((p) => p.Properties.Roles.some((r: any) => r.Ref === pipelineRole))!.Properties.PolicyDocument.Statement as Statement[];
    const kms = own.filter((s) => actionsOf(s).includes('kms:Decrypt'));
    expect(kms.map((s) => [s.Resource, s.Condition])).toEqual([
      [{ 'Fn::GetAtt': [stack.getLogicalId(deliveryPipeline.artifactKey.node.defaultChild as import('aws-cdk-lib').CfnElement), 'Arn'] }, undefined],
      [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-east-1:111111111111:key/*']] },
        { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': expect.stringMatching(/^alias\//) } }],
    ]);
    // The alias the condition names is the one the pipeline stores artifacts with in us-east-1.
    const stores = pipelineResource.Properties.ArtifactStores as { Region: string; ArtifactStore: { EncryptionKey: { Id: string } } }[];
    const aliasName = kms[1].Condition!['ForAnyValue:StringEquals']['kms:ResourceAliases'];
    expect(stores.find((st) => st.Region === 'us-east-1')!.ArtifactStore.EncryptionKey.Id).toBe(`arn:aws:kms:us-east-1:111111111111:${aliasName}`);
  });

  test('the source action may use the connection under both service prefixes', () => {
    const [source] = stageNamed('Source').Actions;
    const role = (source.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const own = Object.values(policies).find((p) => p.Properties.Roles.some((r: any) => r.Ref === role))!.Properties.PolicyDocument.Statement as Statement[];
    const uses = own.filter((s) => actionsOf(s).some((a) => a.endsWith(':UseConnection')));
    expect(uses.flatMap(actionsOf).sort()).toEqual(['codeconnections:UseConnection', 'codestar-connections:UseConnection']);
    expect(uses.map((s) => s.Resource)).toEqual(uses.map(() => config.connectionArn));
  });

  test('the pipeline stack deploys after the other regions\' artifact stacks it names by string', () => {
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const replicaIds = deliveryPipeline.replicas.map((r) => r.artifactId);
    expect(replicaIds).toEqual(['DeliveryPipeline-artifacts-us-east-1']);
    expect(artifact.dependencies.map((d) => d.id)).toEqual(expect.arrayContaining(replicaIds));
  });
});

describe('compliance and synthesis', () => {
  test('the pipeline stack and every stage it deploys have no unacknowledged findings in the five packs', () => {
    expectNoFindings(stack);
    for (const replica of deliveryPipeline.replicas) expectNoFindings(replica);
  });

  test('synthesizes without credentials: no stage it deploys asks for a context lookup (their zones are Fn::GetAZs)', () => {
    const missing = (a: { manifest: { missing?: { provider: string }[] } }) => (a.manifest.missing ?? []).map((m) => m.provider);
    expect(missing(assembly)).toEqual([]);
    for (const stage of [deliveryPipeline.sandbox, ...deliveryPipeline.production]) expect(missing(stage.synth())).toEqual([]);
  });

  test('the synth step assumes no role of another account: npm\'s dependencies run there, and a lookup role reads every account\'s data', () => {
    const synthRole = projectOf(stageNamed('Build').Actions[0]).Properties.ServiceRole['Fn::GetAtt'][0];
    const policy = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).find((p) => p.Properties.Roles.some((r: any) => r.Ref === synthRole))!;
    const actions = policy.Properties.PolicyDocument.Statement.flatMap((st: any) => [st.Action].flat());
    expect(actions.filter((a: string) => a.startsWith('sts:'))).toEqual([]);
  });
});
