import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isStale, Synthesize, variantDir } from './stage-cache';

// The run's stage cache, with a stand-in synthesis that writes only the app's
// exit code: milliseconds instead of a stage.
const synthesisExiting = (exitCode: number, built: string[] = []): Synthesize => (variant, dir) => {
  built.push(variant);
  fs.writeFileSync(path.join(dir, 'stage.json'), JSON.stringify({ variant, exitCode }));
};

let runCache: string | undefined;
let cache: string;
beforeEach(() => {
  runCache = process.env.STAGE_CACHE_DIR;
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'stage-cache-'));
  process.env.STAGE_CACHE_DIR = cache;
});
afterEach(() => {
  process.env.STAGE_CACHE_DIR = runCache;
});

test('synthesizes a variant once, on first use, and publishes it in the cache', () => {
  const built: string[] = [];
  expect(variantDir('Sandbox pinned', synthesisExiting(0, built))).toBe(path.join(cache, 'Sandbox-pinned'));
  expect(variantDir('Sandbox pinned', synthesisExiting(0, built))).toBe(path.join(cache, 'Sandbox-pinned'));
  expect(built).toEqual(['Sandbox pinned']);
  expect(fs.readdirSync(cache)).toEqual(['Sandbox-pinned']); // no lock or scratch directory left
});

test('keeps a variant the app fails on out of the cache: a one-off error must not fail later runs', () => {
  const dir = variantDir('Production', synthesisExiting(1));
  expect(dir.startsWith(os.tmpdir())).toBe(true);
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'stage.json'), 'utf8')).exitCode).toBe(1);
  expect(fs.readdirSync(cache)).toEqual([]);
  fs.rmSync(dir, { recursive: true });
});

describe('a lock', () => {
  const lockOwnedBy = (pid: number | undefined, ageMs = 0) => {
    const lock = path.join(cache, 'Sandbox.lock');
    fs.mkdirSync(lock);
    if (pid !== undefined) fs.writeFileSync(path.join(lock, 'pid'), String(pid));
    const then = new Date(Date.now() - ageMs);
    fs.utimesSync(lock, then, then);
    return lock;
  };
  const exitedPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

  test('is stale once the process that took it is gone (a run killed mid-synthesis)', () => {
    expect(isStale(lockOwnedBy(exitedPid()))).toBe(true);
  });

  test('is held while its owner lives, for up to ten minutes', () => {
    const lock = lockOwnedBy(process.pid, 60_000);
    expect(isStale(lock)).toBe(false);
    const later = new Date(Date.now() - 11 * 60_000);
    fs.utimesSync(lock, later, later);
    expect(isStale(lock)).toBe(true);
  });

  test('without a pid is stale after seconds: its owner was killed between taking it and writing its pid', () => {
    expect(isStale(lockOwnedBy(undefined, 1_000))).toBe(false);
    fs.rmSync(path.join(cache, 'Sandbox.lock'), { recursive: true });
    expect(isStale(lockOwnedBy(undefined, 6_000))).toBe(true);
  });

  test('left by a killed run does not stall the next: the variant is built at once', () => {
    lockOwnedBy(exitedPid());
    const built: string[] = [];
    expect(variantDir('Sandbox', synthesisExiting(0, built))).toBe(path.join(cache, 'Sandbox'));
    expect(built).toEqual(['Sandbox']);
  });
});
