#!/usr/bin/env node
// Wall time of `cdk synth` of the default app and of `npm test`, next to the
// floor: a Node process that only loads aws-cdk-lib and synthesizes an empty
// app. Usage: npm run bench [-- --runs N]
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));

const cases = [
  {
    name: 'floor: load aws-cdk-lib, synth an empty app',
    cmd: () => [process.execPath, ['-e', `const cdk = require('aws-cdk-lib'); new cdk.App({ outdir: ${JSON.stringify(tmp())} }).synth();`]],
  },
  {
    name: 'floor with one empty stack (pays the built-in template validation)',
    cmd: () => [process.execPath, ['-e', `const cdk = require('aws-cdk-lib'); const app = new cdk.App({ outdir: ${JSON.stringify(tmp())} }); new cdk.Stack(app, 'Empty'); app.synth();`]],
  },
  { name: 'cdk synth (default app, Sandbox stage)', cmd: () => [bin('cdk'), ['synth', '--quiet', '--output', tmp()]] },
  { name: 'npm test (jest, whole suite)', cmd: () => [bin('jest'), ['--silent']] },
];

function time([cmd, args]) {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: process.env });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = cases.map((c) => {
  time(c.cmd()); // warm the file-system and transform caches
  const seconds = median(Array.from({ length: runs }, () => time(c.cmd())));
  return { name: c.name, seconds };
});

const [floor, floorWithStack] = results;
console.log(`median of ${runs} runs after one warm-up, ${os.cpus().length} cores\n`);
console.log('| what | seconds | x floor | x floor with stack |');
console.log('|---|---:|---:|---:|');
for (const r of results) {
  console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${(r.seconds / floor.seconds).toFixed(1)} | ${(r.seconds / floorWithStack.seconds).toFixed(1)} |`);
}
