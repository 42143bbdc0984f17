// What the published package holds beyond the compiled lib/, in one place for
// `npm run build` (tsc) and the packaging test (a fast esbuild transpile), so
// the package the test installs is laid out as the one npm publishes.
import * as fs from 'fs';
import * as path from 'path';
import { bundleHandler, prebuiltBundleDir } from '../lib/shared/handler-bundle';

export const ROOT = path.join(__dirname, '..');
export const LIB = path.join(ROOT, 'lib');

/**
 * The constructs' Lambda handlers, relative to lib/. Each ships as a prebuilt
 * bundle beside where its source sits (`items.ts` → `items.bundle/index.js`,
 * see prebuiltBundleDir), not as compiled modules: the installed package has
 * neither the TypeScript sources nor esbuild to bundle them. A handler missing
 * here fails test/package.test.ts with "no prebuilt bundle at ...".
 */
export const HANDLERS = [
  'serverless-api/handler/items.ts', 'fan-out/consumer/handler.ts', 'static-site/key-policy-handler/index.ts',
  'security-baseline/account-settings/handler.ts', 'data-tier/app-user/handler.ts', 'streaming/consumer/handler.ts',
];

/** Files the constructs read at synth, relative to lib/: default site content, price data, the pipeline's asset publisher. */
export const ASSETS = ['static-site/site', 'docs/prices', 'delivery-pipeline/asset-publisher'];

/** Repository tooling under lib/, compiled for `npm run docs` but not published. */
export const TOOLING = ['docs/generate.ts'];

/**
 * Completes a compiled `dist/` (one .js, and from tsc one .d.ts, per module of
 * lib/) into the package's layout: bundles the handlers, copies the assets,
 * and removes the compiled handler modules and the tooling.
 */
export function layOutPackage(dist: string): void {
  for (const handler of HANDLERS) {
    bundleHandler(path.join(LIB, handler), prebuiltBundleDir(path.join(dist, handler)));
  }
  for (const asset of ASSETS) {
    fs.cpSync(path.join(LIB, asset), path.join(dist, asset), { recursive: true });
  }
  for (const module of [...HANDLERS, ...TOOLING]) {
    const compiled = path.join(dist, module.replace(/\.ts$/, ''));
    for (const ext of ['.js', '.d.ts']) fs.rmSync(compiled + ext, { force: true });
  }
}

/** The TypeScript modules of lib/, relative to it. */
export function libModules(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return libModules(file);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path.relative(LIB, file)] : [];
  });
}
