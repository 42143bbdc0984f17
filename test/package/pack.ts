// Builds, packs and installs the library the way a user receives it, fast
// enough for every test run: each lib/ module is transpiled alone by esbuild
// (no type-check and no .d.ts: `npm run build` runs tsc for those), then the
// package is laid out by the same code as `npm run build`, packed by npm, and
// unpacked into a temporary app whose peers are this repository's copies.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { layOutPackage, LIB, libModules, ROOT } from '../../scripts/package-layout';

export const PACKAGE_NAME: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).name;

/** Writes the package's directory (package.json, README, docs/, dist/) to `dir`. */
export function buildPackageDir(dir: string): void {
  const esbuild: typeof import('esbuild') = require('esbuild');
  const dist = path.join(dir, 'dist');
  for (const module of libModules()) {
    const { code } = esbuild.transformSync(fs.readFileSync(path.join(LIB, module), 'utf8'), {
      loader: 'ts', format: 'cjs', target: 'es2022', sourcefile: module,
    });
    const out = path.join(dist, module.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, code);
  }
  layOutPackage(dist);
  for (const file of ['package.json', 'README.md']) fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  // The README links the architecture pages; package.json's `files` ships them.
  fs.cpSync(path.join(ROOT, 'docs'), path.join(dir, 'docs'), { recursive: true });
}

/** A packed tarball and the files npm put in it. */
export interface Packed {
  readonly tarball: string;
  readonly files: string[];
  readonly manifest: Record<string, any>;
}

/** `npm pack` of a package directory, without its lifecycle scripts (prepack would run the real build). */
export function pack(dir: string, destination: string): Packed {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], {
    cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  return {
    tarball: path.join(destination, info.filename),
    files: info.files.map((f) => f.path).sort(),
    manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')),
  };
}

/**
 * Installs the tarball into `appDir` as npm would for a package without
 * dependencies (it has only peers): unpacked into node_modules, beside the
 * peers aws-cdk-lib and constructs linked from this repository. cdk-nag and
 * esbuild are left out on purpose: the library must not need them.
 */
export function installInto(appDir: string, tarball: string): string {
  const modules = path.join(appDir, 'node_modules');
  const installed = path.join(modules, PACKAGE_NAME);
  fs.mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  for (const peer of ['aws-cdk-lib', 'constructs']) {
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules', peer)), path.join(modules, peer), 'dir');
  }
  return installed;
}
