import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { Construct } from 'constructs';
import { pinDeployTimeTools } from '../../lib/delivery-pipeline/deploy-time-tools';
import { resourcesOf } from '../harness';
import { assembly, stack } from './pipeline-under-test';

// Every tool a step of the pipeline installs or runs at deploy time, run here,
// at the version the buildspec installs, against the synthesized pipeline: a
// library upgrade that outgrows a tool fails npm test, not the first pipeline run.
const ROOT = path.join(__dirname, '..', '..');
const PUBLISHER = path.join(ROOT, 'lib', 'delivery-pipeline', 'asset-publisher');
const publisher = require(path.join(PUBLISHER, 'cdk-assets.js')) as { main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> };
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

type BuildSpec = { phases: Record<string, { commands?: string[]; 'runtime-versions'?: Record<string, string> }> };
const projects = Object.values(resourcesOf(Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template), 'AWS::CodeBuild::Project'));
const specOf = (project: (typeof projects)[number]) => JSON.parse(project.Properties.Source.BuildSpec) as BuildSpec;
const commandsOf = (phase: string) => projects.flatMap((p) => specOf(p).phases[phase]?.commands ?? []);

async function runPublisher(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await publisher.main(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out, err };
}

function manifestsUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name.startsWith('assembly-') ? manifestsUnder(full) : [];
    return e.name.endsWith('.assets.json') ? [full] : [];
  });
}

describe('the asset steps', () => {
  const publishCommands = commandsOf('build').filter((c) => c.startsWith('cdk-assets '));

  test('install the asset publisher of this repository, and nothing else, before publishing', () => {
    const installs = [...new Set(projects.filter((p) => specOf(p).phases.build?.commands?.some((c) => c.startsWith('cdk-assets ')))
      .flatMap((p) => specOf(p).phases.install.commands))];
    // Asset staging is off in tests: the buildspec names the source; `cdk synth` names its copy in the assembly (tested below).
    expect(installs).toEqual([`npm install -g --install-links --no-audit --no-fund "${PUBLISHER}"`]);
    expect(publishCommands.length).toBeGreaterThan(5);
  });

  test('the publisher reads every asset manifest of the pipeline and finds exactly the asset each step publishes', async () => {
    const manifests = manifestsUnder(assembly.directory);
    expect(manifests.length).toBeGreaterThan(10);
    for (const manifest of manifests) {
      const { code, err } = await runPublisher('--path', manifest, 'ls');
      expect({ manifest, code, err }).toEqual({ manifest, code: 0, err: [] });
    }
    for (const command of publishCommands) {
      const [, manifest, selector] = /^cdk-assets --path "([^"]+)" --verbose publish "([^"]+)"$/.exec(command)!;
      const { code, out } = await runPublisher('--path', path.join(assembly.directory, manifest), 'ls', selector);
      expect({ command, code, out }).toEqual({ command, code: 0, out: [`${selector} file`] });
    }
  });

  test('a manifest of a schema newer than the publisher reads fails the check, naming the mismatch', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-'));
    const manifest = path.join(dir, 'Future.assets.json');
    fs.writeFileSync(manifest, JSON.stringify({ version: '99.0.0', files: {}, dockerImages: {} }));
    const { code, err } = await runPublisher('--path', manifest, 'ls');
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/schema version mismatch.*99\.0\.0/i);
  });

  test('the publisher is pinned by its shrinkwrap to the asset library and schema npm test runs it with', () => {
    const shrinkwrap = readJson(path.join(PUBLISHER, 'npm-shrinkwrap.json')).packages;
    const lock = readJson(path.join(ROOT, 'package-lock.json')).packages;
    for (const name of ['@aws-cdk/cdk-assets-lib', '@aws-cdk/cloud-assembly-schema']) {
      expect({ name, version: shrinkwrap[`node_modules/${name}`].version }).toEqual({ name, version: lock[`node_modules/${name}`].version });
      expect(shrinkwrap[`node_modules/${name}`].integrity).toBe(lock[`node_modules/${name}`].integrity);
    }
    const manifest = readJson(path.join(PUBLISHER, 'package.json'));
    expect(manifest.bin).toEqual({ 'cdk-assets': 'cdk-assets.js' });
    expect(manifest.dependencies).toEqual({ '@aws-cdk/cdk-assets-lib': '1.5.0', '@aws-cdk/cloud-assembly-schema': '55.6.0' });
  });

  test('installed as the asset steps install it (a packed copy), it keeps its shrinkwrap, so every dependency stays pinned', () => {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PUBLISHER, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    expect(packed.files.map((f: { path: string }) => f.path).sort()).toEqual(['cdk-assets.js', 'npm-shrinkwrap.json', 'package.json']);
  });

  test('fails with its usage on a command it does not know', async () => {
    const { code, err } = await runPublisher('--path', '.', 'deploy');
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('expected the command ls or publish, got deploy');
  });
});

describe('the CDK CLI of the self-mutation and permissions-check steps', () => {
  const installed = readJson(path.join(ROOT, 'node_modules', 'aws-cdk', 'package.json')).version as string;

  test('is the version npm test runs, installed with it pinned', () => {
    const installs = commandsOf('install').filter((c) => /aws-cdk/.test(c));
    expect(installs.length).toBeGreaterThan(0);
    expect([...new Set(installs)]).toEqual([`npm install -g aws-cdk@${installed}`]);
  });

  test('is at least the version the assembly asks for', () => {
    const minimum = (assembly.manifest as { minimumCliVersion?: string }).minimumCliVersion!;
    expect(minimum).toMatch(/^\d+\.\d+\.\d+$/);
    const parts = (v: string) => v.split('.').map(Number);
    const [a, b] = [parts(installed), parts(minimum)];
    const newer = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    expect({ installed, minimum, atLeast: newer >= 0 }).toEqual({ installed, minimum, atLeast: true });
  });

  test('reads the synthesized pipeline assembly', () => {
    const listed = execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'ls', '--app', assembly.directory],
      { encoding: 'utf8', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: '1' } });
    expect(listed.split('\n')).toEqual(expect.arrayContaining(['DeliveryPipeline', 'DeliveryPipeline/Delivery/Sandbox/Network (Sandbox-Network)']));
  });
});

describe('Node.js in CodeBuild', () => {
  test('every project builds on Ubuntu standard:8.0 with Node.js 24, the runtime of the Lambda handlers it deploys', () => {
    for (const project of projects) {
      expect(project.Properties.Environment.Image).toBe('aws/codebuild/standard:8.0');
      expect(specOf(project).phases.install['runtime-versions']).toEqual({ nodejs: '24' });
    }
    const sandbox = stack.deliveryPipeline.sandbox.synth();
    const runtimes = new Set(sandbox.stacks.flatMap((s) => Object.values(s.template.Resources as Record<string, { Type: string; Properties: { Runtime?: string } }>))
      .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime?.startsWith('nodejs')).map((r) => r.Properties.Runtime));
    expect([...runtimes]).toEqual(['nodejs24.x']);
  });
});

describe('pinDeployTimeTools', () => {
  function pipelineWith(install: string) {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'pin-')) });
    const tools = new Stack(new Stage(app, 'Tools'), 'Tools');
    const pipeline = new Construct(tools, 'Pipeline');
    new codebuild.Project(pipeline, 'Step', { buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { install: { commands: [install] }, build: { commands: ['true'] } } }) });
    pinDeployTimeTools(tools, pipeline);
    return { app, tools };
  }
  const installOf = (tools: Stack) => {
    const project = Object.values(tools.resolve((tools as any)._toCloudFormation().Resources) as Record<string, any>).find((r) => r.Type === 'AWS::CodeBuild::Project');
    return JSON.parse(project.Properties.Source.BuildSpec).phases.install.commands as string[];
  };

  test('in a real synth, installs the publisher from its copy at the root of the cloud assembly (the asset steps\' directory), with its shrinkwrap', () => {
    const { app, tools } = pipelineWith('npm install -g cdk-assets@4.7.3');
    const [command] = installOf(tools);
    const dir = /^npm install -g --install-links --no-audit --no-fund "\.\/(asset\.[0-9a-f]{64})"$/.exec(command)?.[1];
    expect({ command, dir }).toEqual({ command, dir: expect.any(String) });
    const staged = path.join(app.outdir, dir!);
    expect(fs.readdirSync(staged).sort()).toEqual(['cdk-assets.js', 'npm-shrinkwrap.json', 'package.json']);
  });

  test('fails synth when a step installs a tool without a version', () => {
    const { tools } = pipelineWith('npm install -g typescript');
    expect(() => installOf(tools)).toThrow('installs typescript without a version (npm install -g typescript): pin it in deploy-time-tools.ts');
  });
});
