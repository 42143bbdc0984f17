// Lets the light runner load TypeScript in bare Node: bin/load-typescript.js
// strips types on require (Sucrase, its output cached per file, as for
// `cdk synth`), and an ESM load hook hands `.ts` test files, which the runner
// import()s, to that CommonJS loader.
'use strict';
const Module = require('module');
const { pathToFileURL } = require('url');
const loader = require('../../bin/load-typescript');

if (!globalThis.__typescriptTestFilesHooked) {
  globalThis.__typescriptTestFilesHooked = true;
  Module.register(pathToFileURL(require.resolve('./ts-as-commonjs.mjs')));
}

module.exports = loader; // for test/setup/typescript.test.ts
