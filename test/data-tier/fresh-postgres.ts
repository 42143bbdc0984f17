// A fresh PostgreSQL for a test file: PGlite, PostgreSQL compiled to
// WebAssembly, in this process. Its initdb takes seconds of WebAssembly and
// leaves the same data directory every time for one PGlite version, so the
// first run keeps a copy beside the stage cache (node_modules/.cache) and
// later runs start PostgreSQL from that copy instead of running initdb again.
import * as fs from 'fs';
import * as path from 'path';
import { PGlite } from '@electric-sql/pglite';

const PGLITE_DIR = path.join(__dirname, '..', '..', 'node_modules', '@electric-sql', 'pglite');

function initdbCopy(): string {
  const stageCache = process.env.STAGE_CACHE_DIR;
  if (!stageCache) throw new Error('STAGE_CACHE_DIR is not set: run the tests through jest (test/setup/global-setup.js picks the cache)');
  const { version } = JSON.parse(fs.readFileSync(path.join(PGLITE_DIR, 'package.json'), 'utf8')) as { version: string };
  return path.join(path.dirname(stageCache), `pglite-${version}-initdb.tar`);
}

/** A PostgreSQL cluster as initdb leaves it, with nothing of an earlier test in it. */
export async function freshPostgres(): Promise<PGlite> {
  const copy = initdbCopy();
  if (fs.existsSync(copy)) {
    fs.utimesSync(copy, new Date(), new Date()); // in use: global-setup.js keeps the newest entries of the cache
    return PGlite.create({ loadDataDir: new Blob([fs.readFileSync(copy)]) });
  }
  const db = await PGlite.create();
  const scratch = `${copy}.${process.pid}.${process.hrtime.bigint()}`;
  fs.writeFileSync(scratch, Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()));
  fs.renameSync(scratch, copy); // whole or not at all, for a run that reads it meanwhile
  return db;
}
