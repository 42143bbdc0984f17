import * as path from 'path';

/**
 * The esbuild options of every handler bundle, at synth in this repository and
 * at `npm run build` for the package. The AWS SDK v3 is left out: the Node.js
 * runtime provides it. Not minified and without source maps, so stack traces
 * read as the source does and the bundle (and its asset hash) is the same on
 * every machine.
 */
export const HANDLER_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  external: ['@aws-sdk/*'],
  keepNames: true,
  logLevel: 'error',
} as const;

/**
 * Where a handler's prebuilt bundle sits: `handler/items.ts` has its bundle in
 * `handler/items.bundle/index.js`. The published package ships the bundles
 * (built by `npm run build`) and not the TypeScript sources.
 */
export function prebuiltBundleDir(entry: string): string {
  return path.join(path.dirname(entry), `${path.basename(entry, path.extname(entry))}.bundle`);
}

/**
 * Bundles a TypeScript handler into `<outdir>/index.js` with the locally
 * installed esbuild's JavaScript API, in this process: no Docker, and no
 * `npx esbuild` process per function (NodejsFunction's way, about half a
 * second each). esbuild is needed only here: the package's own handlers
 * ship prebuilt.
 */
export function bundleHandler(entry: string, outdir: string): void {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = require('esbuild');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(`Bundling ${entry} needs esbuild: install it in your app (npm install --save-dev esbuild), or put a prebuilt bundle at ${path.join(prebuiltBundleDir(entry), 'index.js')}.`);
  }
  esbuild.buildSync({
    ...HANDLER_BUNDLE_OPTIONS,
    external: [...HANDLER_BUNDLE_OPTIONS.external],
    entryPoints: [entry],
    outfile: path.join(outdir, 'index.js'),
  });
}
