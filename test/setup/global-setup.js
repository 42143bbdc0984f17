// Picks the run's stage cache: a directory keyed by the source the stage
// variants are built from, so a run whose sources have not changed reuses the
// last synthesis. The variants are synthesized on first use, inside the test
// workers (test/synth/stage-cache.ts); tests read them through test/harness.ts.
// Gives the run a temporary directory of its own (TMPDIR, which the workers
// and their child processes inherit), removed by global-teardown.js. Clears
// the CDK context a shell may export, which every App would merge into what
// the tests give it: the suite synthesizes the same templates in any shell.
'use strict';
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

/** The stage cache of the sources as they are now. */
function stageCacheDir() {
  return path.join(CACHE, `stages-${sourceKey()}`);
}

const RUN_TMP_PREFIX = 'aws-reference-architectures-test-';
const HOUR = 3600_000;

/** Removes the entries of `dir` that `matches` accepts and nobody has touched for `ageMs`. */
function removeUntouched(dir, matches, ageMs) {
  for (const name of fs.readdirSync(dir).filter(matches)) {
    const entry = path.join(dir, name);
    if (Date.now() - fs.statSync(entry).mtimeMs > ageMs) fs.rmSync(entry, { recursive: true, force: true });
  }
}

/** A fresh temporary directory for this run; those of runs killed over an hour ago are removed. */
function runTmpdir() {
  // In watch mode the setup runs again after the teardown: start from the shell's directory.
  process.env.TEST_PARENT_TMPDIR = process.env.TEST_PARENT_TMPDIR ?? os.tmpdir();
  const base = process.env.TEST_PARENT_TMPDIR;
  removeUntouched(base, (name) => name.startsWith(RUN_TMP_PREFIX), HOUR);
  return fs.mkdtempSync(path.join(base, RUN_TMP_PREFIX));
}

module.exports = async function globalSetup() {
  process.env.TMPDIR = runTmpdir();
  delete process.env.CDK_CONTEXT_JSON;
  delete process.env.CDK_CONTEXT_OVERFLOW_LOCATION;
  const dir = stageCacheDir();
  process.env.STAGE_CACHE_DIR = dir;
  fs.mkdirSync(dir, { recursive: true });
  fs.utimesSync(dir, new Date(), new Date());
  // Scratch directories of syntheses a killed run left behind (a live one takes seconds).
  removeUntouched(dir, (name) => name.includes('.building-'), 10 * 60_000);
  // Keep the newest few caches (other branches, worktrees), drop the rest,
  // but never one used within the hour: another run may be reading it.
  const hourAgo = Date.now() - HOUR;
  const old = fs.readdirSync(CACHE).map((name) => path.join(CACHE, name)).filter((p) => p !== dir)
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs).slice(3)
    .filter((p) => fs.statSync(p).mtimeMs < hourAgo);
  for (const p of old) fs.rmSync(p, { recursive: true, force: true });
};

module.exports.RUN_TMP_PREFIX = RUN_TMP_PREFIX;
module.exports.stageCacheDir = stageCacheDir;
module.exports.CACHE = CACHE;
