// Synthesizes every stage variant (test/synth/variants.ts) once per run, in
// parallel child processes, into a cache keyed by the source it is built from:
// a run whose sources have not changed reuses the last synthesis. Tests read
// the templates through test/harness.ts (stackTemplate, synthesizedStage).
'use strict';
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const SOURCES = ['lib', 'bin', 'test/synth', 'cdk.json', 'package-lock.json'];
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'aws-reference-architectures');

function filesUnder(entry) {
  const full = path.join(ROOT, entry);
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs.readdirSync(full).sort().flatMap((name) => filesUnder(path.join(entry, name)));
}

function sourceKey() {
  const hash = crypto.createHash('sha256');
  for (const file of SOURCES.flatMap(filesUnder)) hash.update(file).update('\0').update(fs.readFileSync(path.join(ROOT, file))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'sucrase/register', 'test/synth/synthesize.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`stage synthesis failed (exit ${code}):\n${stderr}`))));
  });
}

module.exports = async function globalSetup() {
  const dir = path.join(CACHE, `stages-${sourceKey()}`);
  process.env.STAGE_CACHE_DIR = dir;
  if (fs.existsSync(path.join(dir, 'complete'))) return;
  fs.mkdirSync(CACHE, { recursive: true });
  const building = fs.mkdtempSync(path.join(CACHE, 'building-'));
  const shards = Math.max(1, Math.min(2, os.cpus().length));
  await Promise.all(Array.from({ length: shards }, (_v, i) => run([building, String(i), String(shards)])));
  fs.writeFileSync(path.join(building, 'complete'), new Date().toISOString());
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(building, dir);
  // Keep the newest few syntheses (other branches, worktrees), drop the rest,
  // but never one an hour old or younger: another run may be reading it.
  const hourAgo = Date.now() - 3600_000;
  const old = fs.readdirSync(CACHE).map((name) => path.join(CACHE, name)).filter((p) => p !== dir)
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs).slice(3)
    .filter((p) => fs.statSync(p).mtimeMs < hourAgo);
  for (const p of old) fs.rmSync(p, { recursive: true, force: true });
};
