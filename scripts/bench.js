#!/usr/bin/env node
// How long the suite and `cdk synth` take on this machine, as multiples of a
// floor measured in the same run: loading aws-cdk-lib and synthesizing one
// empty stack (with the built-in template validation `cdk synth` pays too).
//   npm run bench
// The floor runs before and after each measured case (alternating), so load
// from elsewhere on the machine weighs on both sides of each ratio.
// - npm test cold: no Jest cache and no stage cache (a fresh clone); warm:
//   both caches in place (an engineer's second run).
// - cdk synth of the default app (the Sandbox stage).
// - where the suite's time goes: the stage syntheses (per variant), the test
//   files that start child processes, and every architecture's test files and
//   stacks, so the cost of the next architecture shows before it lands.
// Wall seconds and CPU seconds (user + system of the whole process tree) of
// each case. About two minutes on 2 cores.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startsProcess } = require('../test/setup/sequencer');
const { CACHE: stageCache, stageCacheDir } = require('../test/setup/global-setup');

const root = path.join(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
const tmp = () => fs.mkdtempSync(path.join(scratch, 'run-'));
const jestCache = tmp();
const progress = (text) => process.stderr.write(`${text}\n`);
const env = { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: '1' };

/** CPU seconds of the children this process has waited for (Linux: /proc/self/stat cutime + cstime). */
function childrenCpu() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

function time(name, cmd, args) {
  const cpuBefore = childrenCpu();
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${result.stderr}`);
  const sample = { name, wall, cpu: childrenCpu() - cpuBefore, stdout: result.stdout };
  progress(`  ${name}: ${wall.toFixed(2)} s, ${sample.cpu.toFixed(1)} CPU s`);
  return sample;
}

const floorScript = `const cdk = require('aws-cdk-lib'); const app = new cdk.App({ outdir: process.argv[1] }); new cdk.Stack(app, 'Empty'); app.synth();`;
const floor = () => time('floor: aws-cdk-lib, one empty stack', process.execPath, ['-e', floorScript, tmp()]);
const report = (file) => ['--json', `--outputFile=${file}`];
const npmTest = (name, extra) => time(name, 'npm', ['test', '--silent', '--', '--silent', `--cacheDirectory=${jestCache}`, ...extra]);

progress(`bench: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const coldReport = path.join(tmp(), 'cold.json');
const warmReport = path.join(tmp(), 'warm.json');
const floors = [floor()];
fs.rmSync(stageCache, { recursive: true, force: true });
fs.rmSync(jestCache, { recursive: true, force: true });
const cold = npmTest('npm test, cold (no Jest cache, no stage cache)', report(coldReport));
// Read now: the warm run keeps the cache, but the bench must not depend on that.
const variants = variantTimings(stageCacheDir());
floors.push(floor());
const warm = npmTest('npm test, warm', report(warmReport));
floors.push(floor());
const synth = time('cdk synth (default app: the Sandbox stage)', bin('cdk'), ['synth', '--quiet', '--output', tmp()]);
floors.push(floor());
progress('  the five packs over each stack of each variant');
const stacks = JSON.parse(time('packs per stack', process.execPath, ['-r', 'sucrase/register', path.join(__dirname, 'bench-stacks.ts'), stageCacheDir()]).stdout);

/** The stage cache's record of each variant's synthesis (test/synth/stage-cache.ts). */
function variantTimings(dir) {
  return fs.readdirSync(dir).filter((name) => fs.existsSync(path.join(dir, name, 'timing.json')))
    .map((name) => ({ variant: name, ...JSON.parse(fs.readFileSync(path.join(dir, name, 'timing.json'), 'utf8')) }));
}

// ---- report

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const floorWall = median(floors.map((f) => f.wall));
const floorCpu = median(floors.map((f) => f.cpu));
const s = (x) => x.toFixed(1);
console.log(`\n${os.cpus().length} cores. Floor (load aws-cdk-lib, synthesize one empty stack): median of ${floors.length} runs between the cases, `
  + `${floorWall.toFixed(2)} s wall (${floors.map((f) => s(f.wall)).join(', ')}), ${floorCpu.toFixed(2)} CPU s.\n`);
console.log('| case | seconds | x floor | CPU seconds | x floor CPU |');
console.log('|---|---:|---:|---:|---:|');
for (const r of [cold, warm, synth]) {
  console.log(`| ${r.name} | ${s(r.wall)} | ${(r.wall / floorWall).toFixed(1)} | ${s(r.cpu)} | ${(r.cpu / floorCpu).toFixed(1)} |`);
}

/** Per test file of a Jest report: path relative to the root and seconds in its worker. */
function files(reportFile) {
  return JSON.parse(fs.readFileSync(reportFile, 'utf8')).testResults.map((t) => ({
    path: t.name, file: path.relative(root, t.name), seconds: (t.endTime - t.startTime) / 1000,
  }));
}

/** The architecture a test file belongs to: test/<arch>/... or test/smoke/<arch>.test.ts, when lib/<arch>/ builds a stack. */
const architectures = fs.readdirSync(path.join(root, 'lib')).filter((dir) =>
  fs.statSync(path.join(root, 'lib', dir)).isDirectory() && fs.readdirSync(path.join(root, 'lib', dir)).some((f) => f.endsWith('-stack.ts')) && dir !== 'delivery-pipeline');
function architectureOf(file) {
  const [top, second] = file.split(path.sep).slice(1);
  if (architectures.includes(top)) return top;
  if (top === 'smoke' && architectures.includes(second?.replace(/\.test\.ts$/, ''))) return second.replace(/\.test\.ts$/, '');
  return undefined;
}
const kebab = (id) => id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

const coldFiles = files(coldReport);
const warmFiles = files(warmReport);
// A file that built a stage variant spent that synthesis on behalf of every file: counted apart.
const builtFor = (f) => variants.filter((v) => v.testPath === f.path).reduce((a, v) => a + v.seconds, 0);
const phaseOf = (f) => (startsProcess({ path: f.path }) ? 'test files starting a child process (their wait included)'
  : architectureOf(f.file) ? 'architecture test files' : 'shared test files (app, stages, docs, pipeline, synth, ...)');
const phases = new Map();
// A variant's synthesis is thread CPU time, a file's is wall time in its worker: subtracting one from the
// other can go below zero, so the files' phases keep the syntheses they ran, and the table says how much.
for (const f of coldFiles) phases.set(phaseOf(f), (phases.get(phaseOf(f)) ?? 0) + f.seconds);
const variantSum = variants.reduce((a, v) => a + v.seconds, 0);
const workerSum = coldFiles.reduce((a, f) => a + f.seconds, 0);

console.log(`\nWhere the cold run's ${s(workerSum)} s of worker time went (${coldFiles.length} test files; a worker waiting on a child process counts its wait):\n`);
console.log('| phase | seconds |');
console.log('|---|---:|');
console.log(`| stage syntheses, once per run (${variants.map((v) => `${v.variant} ${s(v.seconds)}`).join(', ')}), each with the five packs once, at template level; run inside the files that first need them, so also counted in their phase below | ${s(variantSum)} |`);
console.log(`| of which the five packs at template level (CfnInclude and packs; measured apart, below) | ${s(stacks.reduce((a, r) => a + r.packSeconds, 0))} |`);
for (const [name, seconds] of [...phases].sort((a, b) => b[1] - a[1])) console.log(`| ${name} | ${s(seconds)} |`);

console.log('\nPer architecture: its test files (cold run, warm run) and its stacks in the stage variants (resources, and the five packs at template level over them):\n');
console.log('| architecture | test files | cold s | of which stage syntheses for every file | warm s | stacks | resources | template packs s |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const arch of architectures) {
  const mine = (list) => list.filter((f) => architectureOf(f.file) === arch);
  const own = stacks.filter((r) => kebab(r.stack) === arch);
  console.log(`| ${arch} | ${mine(coldFiles).length} | ${s(mine(coldFiles).reduce((a, f) => a + f.seconds, 0))} | ${s(mine(coldFiles).reduce((a, f) => a + builtFor(f), 0))} | ${s(mine(warmFiles).reduce((a, f) => a + f.seconds, 0))} `
    + `| ${own.length} | ${own.reduce((a, r) => a + r.resources, 0)} | ${own.reduce((a, r) => a + r.packSeconds, 0).toFixed(2)} |`);
}

console.log('\nThe most expensive test files (warm run):\n');
console.log('| test file | seconds |');
console.log('|---|---:|');
for (const f of [...warmFiles].sort((a, b) => b.seconds - a.seconds).slice(0, 8)) console.log(`| ${f.file} | ${f.seconds.toFixed(2)} |`);
