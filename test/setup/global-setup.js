// Picks the run's stage cache: a directory keyed by the source the stage
// variants are built from, so a run whose sources have not changed reuses the
// last synthesis. The variants are synthesized on first use, inside the test
// workers (test/synth/stage-cache.ts); tests read them through test/harness.ts.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
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

module.exports = async function globalSetup() {
  const dir = path.join(CACHE, `stages-${sourceKey()}`);
  process.env.STAGE_CACHE_DIR = dir;
  fs.mkdirSync(dir, { recursive: true });
  fs.utimesSync(dir, new Date(), new Date());
  // Keep the newest few caches (other branches, worktrees), drop the rest,
  // but never one used within the hour: another run may be reading it.
  const hourAgo = Date.now() - 3600_000;
  const old = fs.readdirSync(CACHE).map((name) => path.join(CACHE, name)).filter((p) => p !== dir)
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs).slice(3)
    .filter((p) => fs.statSync(p).mtimeMs < hourAgo);
  for (const p of old) fs.rmSync(p, { recursive: true, force: true });
};
