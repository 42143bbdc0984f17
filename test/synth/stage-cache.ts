// The run's one synthesis of each stage variant, shared by every test file and
// worker. The first test that asks for a variant synthesizes it in its own
// worker, where aws-cdk-lib and the constructs are already loaded, and the
// others read it. A worker that must wait for a variant another one is
// building synthesizes a missing one meanwhile, so no core idles on a lock.
// test/setup/global-setup.js picks the directory, keyed by the sources.
// A variant the app fails on is kept for this run only, never in the cache:
// a one-off error must not fail every later run.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizeVariant } from './synthesize';
import { SynthesizedStage } from './synthesized';
import { VARIANT_NAMES, VariantName } from './variants';

/** A lock whose owner is alive is stale only after this long (its owner hangs). */
const HUNG_LOCK_MS = 600_000;
const POLL_MS = 20;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * CPU seconds this thread has used (Linux: /proc/thread-self), else seconds
 * since an arbitrary start: a worker's share of the run, which the process
 * total (process.cpuUsage) would mix with the other workers'.
 */
function threadSeconds(): number {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return performance.now() / 1000;
  }
}

/** What `npm run bench` reads of a variant's synthesis: its cost and the test file it was built for. */
export interface SynthesisTiming {
  readonly seconds: number;
  readonly testPath?: string;
}

function cacheRoot(): string {
  const dir = process.env.STAGE_CACHE_DIR;
  if (!dir) throw new Error('STAGE_CACHE_DIR is not set: run the tests through jest (test/setup/global-setup.js picks the stage cache)');
  return dir;
}

const dirName = (variant: VariantName) => variant.replace(/\s+/g, '-');
const cachedDir = (variant: VariantName) => path.join(cacheRoot(), dirName(variant));
const failedDir = (variant: VariantName) => path.join(os.tmpdir(), 'failed-stage-variants', dirName(variant));
const lockDir = (variant: VariantName) => `${cachedDir(variant)}.lock`;
const finishedDir = (variant: VariantName) => [cachedDir(variant), failedDir(variant)].find((d) => fs.existsSync(d));

/** Whether the process that took a lock is gone (a run killed mid-synthesis), or has held it far too long. */
export function isStale(lock: string): boolean {
  const age = Date.now() - fs.statSync(lock).mtimeMs;
  const pidFile = path.join(lock, 'pid');
  // No pid after seconds: its owner was killed between the mkdir and the write.
  if (!fs.existsSync(pidFile)) return age > 5_000;
  const owner = Number(fs.readFileSync(pidFile, 'utf8'));
  try {
    process.kill(owner, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  return age > HUNG_LOCK_MS;
}

/** Takes the variant's lock (an atomic mkdir, then the owner's pid), breaking one left by a killed run. */
function tryLock(variant: VariantName, breakStale = true): boolean {
  const lock = lockDir(variant);
  try {
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    if (!breakStale || !staleOrGone(lock)) return false;
    fs.rmSync(lock, { recursive: true, force: true });
    return tryLock(variant, false);
  }
}

/** isStale, for a lock that may be released while it is looked at. */
function staleOrGone(lock: string): boolean {
  try {
    return isStale(lock);
  } catch {
    return false; // released a moment ago: the next look finds the variant or a free lock
  }
}

/**
 * Synthesizes a variant this worker has locked into a scratch directory, then
 * publishes it with one rename: into the cache when the app passed, else into
 * the run's own temporary directory.
 */
function build(variant: VariantName, synthesize: Synthesize): void {
  try {
    if (finishedDir(variant)) return; // finished by another worker between the look and the lock
    const scratch = fs.mkdtempSync(`${cachedDir(variant)}.building-`);
    try {
      const start = threadSeconds();
      synthesize(variant, scratch);
      const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;
      const timing: SynthesisTiming = { seconds: threadSeconds() - start, testPath };
      fs.writeFileSync(path.join(scratch, 'timing.json'), JSON.stringify(timing));
      const { exitCode } = JSON.parse(fs.readFileSync(path.join(scratch, 'stage.json'), 'utf8')) as SynthesizedStage;
      const target = exitCode === 0 ? cachedDir(variant) : failedDir(variant);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      publish(scratch, target, variant);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(lockDir(variant), { recursive: true, force: true });
  }
}

/** Moves a finished synthesis into place, unless a worker that broke the same stale lock got there first. */
function publish(scratch: string, target: string, variant: VariantName): void {
  try {
    fs.renameSync(scratch, target);
  } catch (e) {
    if (!finishedDir(variant)) throw e;
  }
}

/** Writes a variant's synthesis (`stage.json` and templates) into a directory. */
export type Synthesize = (variant: VariantName, dir: string) => void;

/** The directory holding `variant`'s synthesis, synthesizing it first if no worker has. */
export function variantDir(variant: VariantName, synthesize: Synthesize = synthesizeVariant): string {
  for (;;) {
    const finished = finishedDir(variant);
    if (finished) return finished;
    if (tryLock(variant)) {
      build(variant, synthesize);
      continue;
    }
    // Another worker holds it: build a variant nobody has started, or wait a moment.
    const other = VARIANT_NAMES.find((v) => v !== variant && !finishedDir(v) && !fs.existsSync(lockDir(v)) && tryLock(v));
    if (other) build(other, synthesize);
    else Atomics.wait(sleeper, 0, 0, POLL_MS);
  }
}
