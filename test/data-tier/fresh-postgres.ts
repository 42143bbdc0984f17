// A fresh PostgreSQL for a test file: PGlite, PostgreSQL compiled to
// WebAssembly, in this process. Its initdb takes seconds of WebAssembly and
// leaves the same data directory every time for one PGlite version, so the
// first run keeps a copy beside the stage cache (node_modules/.cache) and
// later runs start PostgreSQL from that copy instead of running initdb again.
// Either way PostgreSQL's WebAssembly is compiled by V8's baseline compiler
// alone (startWithBaselineWasm).
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { PGlite } from '@electric-sql/pglite';

const PGLITE_DIR = path.join(__dirname, '..', '..', 'node_modules', '@electric-sql', 'pglite');

function initdbCopy(): string {
  const stageCache = process.env.STAGE_CACHE_DIR;
  if (!stageCache) throw new Error('STAGE_CACHE_DIR is not set: run the tests through jest (test/setup/global-setup.js picks the cache)');
  const { version } = JSON.parse(fs.readFileSync(path.join(PGLITE_DIR, 'package.json'), 'utf8')) as { version: string };
  return path.join(path.dirname(stageCache), `pglite-${version}-initdb.tar`);
}

/**
 * Starts PGlite with V8 compiling WebAssembly by its baseline compiler
 * (Liftoff) only. By default V8 also recompiles PostgreSQL's 9 MB of
 * WebAssembly, and initdb's, with its optimizing compiler on background
 * threads: seconds of CPU that a test's few queries never win back (initdb
 * 6 CPU seconds, 3.7 without). The flag is V8's, for the whole process, and
 * only decides how WebAssembly is compiled, not what it does; it is set back
 * once PostgreSQL is up.
 */
async function startWithBaselineWasm(start: () => Promise<PGlite>): Promise<PGlite> {
  v8.setFlagsFromString('--liftoff-only');
  try {
    return await start();
  } finally {
    v8.setFlagsFromString('--no-liftoff-only');
  }
}

/** A PostgreSQL cluster as initdb leaves it, with nothing of an earlier test in it. */
export async function freshPostgres(): Promise<PGlite> {
  const copy = initdbCopy();
  if (fs.existsSync(copy)) {
    fs.utimesSync(copy, new Date(), new Date()); // in use: global-setup.js keeps the newest entries of the cache
    return startWithBaselineWasm(() => PGlite.create({ loadDataDir: new Blob([fs.readFileSync(copy)]) }));
  }
  const db = await startWithBaselineWasm(() => PGlite.create());
  const scratch = `${copy}.${process.pid}.${process.hrtime.bigint()}`;
  fs.writeFileSync(scratch, Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()));
  fs.renameSync(scratch, copy); // whole or not at all, for a run that reads it meanwhile
  return db;
}
