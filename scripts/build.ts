// npm run build: compiles lib/ into dist/ (.js and .d.ts) with tsc, then lays
// out the rest of the package (prebuilt handler bundles, assets, no tooling).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { layOutPackage, ROOT } from './package-layout';

const dist = path.join(ROOT, 'dist');
// A clean dist/, so a module removed from lib/ is not published from an old build.
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
layOutPackage(dist);
console.log(`built ${path.relative(ROOT, dist)}/`);
