// The run's one synthesis of each stage variant, shared by every test file and
// worker. The first test that asks for a variant synthesizes it in its own
// worker, where aws-cdk-lib and the constructs are already loaded, and the
// others read it. A worker that must wait for a variant another one is
// building synthesizes a missing one meanwhile, so no core idles on a lock.
// test/setup/global-setup.js picks the directory, keyed by the sources.
import * as fs from 'fs';
import * as path from 'path';
import { synthesizeVariant } from './synthesize';
import { VARIANT_NAMES, VariantName } from './variants';

/** A lock older than this belongs to a run that was killed mid-synthesis. */
const STALE_LOCK_MS = 120_000;
const POLL_MS = 20;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function cacheRoot(): string {
  const dir = process.env.STAGE_CACHE_DIR;
  if (!dir) throw new Error('STAGE_CACHE_DIR is not set: run the tests through jest (test/setup/global-setup.js picks the stage cache)');
  return dir;
}

const finishedDir = (variant: VariantName) => path.join(cacheRoot(), variant.replace(/\s+/g, '-'));
const lockDir = (variant: VariantName) => `${finishedDir(variant)}.lock`;
const isFinished = (variant: VariantName) => fs.existsSync(finishedDir(variant));

/** Takes the variant's lock (an atomic mkdir), breaking one left by a killed run. */
function tryLock(variant: VariantName): boolean {
  try {
    fs.mkdirSync(lockDir(variant));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const age = Date.now() - (fs.statSync(lockDir(variant), { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > STALE_LOCK_MS) fs.rmSync(lockDir(variant), { recursive: true, force: true });
    return false;
  }
}

/** Synthesizes a variant this worker has locked into a scratch directory, then publishes it with one rename. */
function build(variant: VariantName): void {
  if (isFinished(variant)) { // finished by another worker between the look and the lock
    fs.rmSync(lockDir(variant), { recursive: true, force: true });
    return;
  }
  const scratch = fs.mkdtempSync(`${finishedDir(variant)}.building-`);
  try {
    synthesizeVariant(variant, scratch);
    fs.renameSync(scratch, finishedDir(variant));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(lockDir(variant), { recursive: true, force: true });
  }
}

/** The directory holding `variant`'s synthesis, synthesizing it first if no worker has. */
export function variantDir(variant: VariantName): string {
  while (!isFinished(variant)) {
    if (tryLock(variant)) {
      build(variant);
      continue;
    }
    // Another worker holds it: build a variant nobody has started, or wait a moment.
    const other = VARIANT_NAMES.find((v) => v !== variant && !isFinished(v) && !fs.existsSync(lockDir(v)) && tryLock(v));
    if (other) build(other);
    else Atomics.wait(sleeper, 0, 0, POLL_MS);
  }
  return finishedDir(variant);
}
