#!/usr/bin/env node
// How long the suite and `cdk synth` take on this machine, next to their floors.
//   npm run bench [-- --runs N]
// - npm test cold: no Jest cache and no cached stage synthesis (a fresh clone);
//   warm: both caches in place (an engineer's second run).
// - the test files that cost the most, from Jest's own per-file timings.
// - cdk synth of the default app against the cost of loading aws-cdk-lib.
// Prints progress as it goes; finishes in under two minutes on 2 cores
// (one cold run of the suite, then --runs of each other case, 2 by default).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 2;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
const tmp = () => fs.mkdtempSync(path.join(scratch, 'run-'));
const stageCache = path.join(root, 'node_modules', '.cache', 'aws-reference-architectures');
const jestCache = tmp();

function time(cmd, args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

// The middle sample; of two, the faster (the slower one met more noise).
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const progress = (text) => process.stderr.write(`${text}\n`);

function measure(name, prepare, cmd, times = runs) {
  const samples = [];
  for (let i = 0; i < times; i++) {
    prepare();
    samples.push(time(...cmd()));
    progress(`  ${name}: run ${i + 1}/${times} ${samples[i].toFixed(2)} s`);
  }
  return { name, seconds: median(samples), samples };
}

const jest = (extra = []) => () => [bin('jest'), ['--silent', `--cacheDirectory=${jestCache}`, ...extra]];
// The suite as engineers run it: npm test, npm's own start-up included.
const npmTest = () => ['npm', ['test', '--silent', '--', '--silent', `--cacheDirectory=${jestCache}`]];
const clearCaches = () => {
  fs.rmSync(stageCache, { recursive: true, force: true });
  fs.rmSync(jestCache, { recursive: true, force: true });
};
const nothing = () => {};

progress(`bench: ${runs} runs each, ${os.cpus().length} cores`);
const suite = [
  measure('npm test, cold (no Jest cache, no stage cache)', clearCaches, npmTest, 1),
  measure('npm test, warm', nothing, npmTest),
];

progress('  per-file timings (warm)');
const report = path.join(tmp(), 'jest.json');
time(...jest(['--json', `--outputFile=${report}`])());
const files = JSON.parse(fs.readFileSync(report, 'utf8')).testResults
  .map((t) => ({ file: path.relative(root, t.name), seconds: (t.endTime - t.startTime) / 1000 }))
  .sort((a, b) => b.seconds - a.seconds);

const synth = [
  measure('floor: load aws-cdk-lib, synth an empty app', nothing, () => [process.execPath, ['-e', `const cdk = require('aws-cdk-lib'); new cdk.App({ outdir: ${JSON.stringify(tmp())} }).synth();`]]),
  measure('floor with one empty stack (pays the built-in template validation)', nothing, () => [process.execPath, ['-e', `const cdk = require('aws-cdk-lib'); const app = new cdk.App({ outdir: ${JSON.stringify(tmp())} }); new cdk.Stack(app, 'Empty'); app.synth();`]]),
  measure('cdk synth (default app, Sandbox stage)', nothing, () => [bin('cdk'), ['synth', '--quiet', '--output', tmp()]], 1),
];

console.log(`\nmedian of ${runs} runs (the cold suite and cdk synth: one), ${os.cpus().length} cores\n`);
console.log('| suite | seconds | runs |');
console.log('|---|---:|---|');
for (const r of suite) console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${r.samples.map((s) => s.toFixed(1)).join(', ')} |`);
console.log(`\n${files.length} test files, ${files.reduce((a, f) => a + f.seconds, 0).toFixed(1)} s summed over the workers; the most expensive:\n`);
console.log('| test file | seconds |');
console.log('|---|---:|');
for (const f of files.slice(0, 8)) console.log(`| ${f.file} | ${f.seconds.toFixed(2)} |`);
const [floor, floorWithStack] = synth;
console.log('\n| synth | seconds | x floor | x floor with stack |');
console.log('|---|---:|---:|---:|');
for (const r of synth) {
  console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${(r.seconds / floor.seconds).toFixed(1)} | ${(r.seconds / floorWithStack.seconds).toFixed(1)} |`);
}
