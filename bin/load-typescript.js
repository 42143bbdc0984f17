// Loads TypeScript in bare Node: Sucrase strips types on require (no
// type-checking: that is `npm run typecheck`). `cdk synth` runs the app with it
// (cdk.json) and so do the test workers (test/setup/typescript.js).
// What Sucrase makes of a file is kept under node_modules/.cache, keyed by the
// file's path and content, Sucrase's version and transforms: every run and
// every test worker otherwise strips the same hundred files of lib/ again
// (half a CPU second each time). One entry per file: a changed file's older
// entry is removed.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const { threadId } = require('worker_threads');

const hash = (text) => crypto.createHash('sha256').update(text).digest('hex').slice(0, 24);
const TRANSFORMS = ['imports', 'typescript'];
const SUCRASE_VERSION = require('sucrase/package.json').version;
const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'aws-reference-architectures',
  `typescript-sucrase-${SUCRASE_VERSION}-${hash(TRANSFORMS.join())}`);

/** Sucrase's output for a file, as sucrase/register/ts writes it (an inline source map after the code). */
function strip(code, filePath) {
  const { transform } = require('sucrase');
  const result = transform(code, { transforms: TRANSFORMS, filePath, sourceMapOptions: { compiledFilename: filePath } });
  return `${result.code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(result.sourceMap)).toString('base64')}`;
}

/** The stripped file, from the cache or stripped now and stored (whole or not at all: a rename). */
const entryPrefix = (filePath) => `${hash(filePath)}-`;

function compiled(code, filePath) {
  const prefix = entryPrefix(filePath);
  const entry = path.join(CACHE, `${prefix}${hash(code)}.js`);
  try {
    return fs.readFileSync(entry, 'utf8');
  } catch {
    // not stripped yet
  }
  const output = strip(code, filePath);
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    const scratch = `${entry}.${process.pid}-${threadId}`;
    fs.writeFileSync(scratch, output);
    fs.renameSync(scratch, entry);
    for (const name of fs.readdirSync(CACHE)) {
      if (name.startsWith(prefix) && path.join(CACHE, name) !== entry && name.endsWith('.js')) fs.rmSync(path.join(CACHE, name), { force: true });
    }
  } catch {
    // A cache that cannot be written costs time, not correctness.
  }
  return output;
}

if (!globalThis.__typescriptRegistered) {
  globalThis.__typescriptRegistered = true;
  Module._extensions['.ts'] = function loadTypeScript(module, filename) {
    module._compile(compiled(fs.readFileSync(filename, 'utf8'), filename), filename);
  };
  // In use: test/setup/global-setup.js keeps the newest entries of node_modules/.cache/aws-reference-architectures.
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    fs.utimesSync(CACHE, new Date(), new Date());
  } catch {
    // read-only node_modules: no cache
  }
}

module.exports = { compiled, CACHE, entryPrefix }; // for test/setup/typescript.test.ts
