// Lets the light runner load TypeScript in bare Node: sucrase strips types on
// require (no type-checking: that is `npm run typecheck`), and an ESM load hook
// hands `.ts` test files, which the runner import()s, to that CommonJS loader.
'use strict';
const { register } = require('module');
const { pathToFileURL } = require('url');

if (!globalThis.__typescriptRegistered) {
  globalThis.__typescriptRegistered = true;
  require('sucrase/register/ts');
  register(pathToFileURL(require.resolve('./ts-as-commonjs.mjs')));
}
