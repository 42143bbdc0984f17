// The published package, as a user receives it: built and laid out as
// `npm run build` does, packed by npm, installed into a temporary CDK app, and
// every construct synthesized from there with the five cdk-nag packs.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HANDLERS, LIB, libModules, ROOT } from '../scripts/package-layout';
import { buildPackageDir, installInto, pack, Packed } from './package/pack';

const MY_SITE = '<!doctype html><title>My app</title>';

let tmp: string;
let packed: Packed;
let installed: string;
let outdir: string;
let result: { error?: string; findings: string[]; idleMonthly: number; resolvesFromLibrary: Record<string, boolean> };

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
  const pkgDir = path.join(tmp, 'package');
  const appDir = path.join(tmp, 'app');
  buildPackageDir(pkgDir);
  packed = pack(pkgDir, tmp);
  installed = installInto(appDir, packed.tarball);
  const siteDir = path.join(appDir, 'site');
  fs.mkdirSync(siteDir);
  fs.writeFileSync(path.join(siteDir, 'index.html'), MY_SITE);
  fs.copyFileSync(path.join(__dirname, 'package', 'user-app.js'), path.join(appDir, 'app.js'));
  outdir = path.join(appDir, 'cdk.out');
  const child = spawnSync(process.execPath, ['app.js', outdir, siteDir], {
    cwd: appDir,
    encoding: 'utf8',
    // Only what a shell gives: no NODE_PATH that could reach this repository, no CDK_* of the test run.
    env: {
      ...Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])),
      CDK_NAG_PATH: fs.realpathSync(path.join(ROOT, 'node_modules', 'cdk-nag')),
    },
  });
  if (child.status !== 0) throw new Error(`The user app failed:\n${child.stderr}`);
  result = JSON.parse(child.stdout.trim().split('\n').pop()!);
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Every handler entry a construct names: `path.join(__dirname, 'dir', 'file.ts')`, relative to lib/. */
function handlerEntriesNamedInLib(): string[] {
  return libModules().flatMap((module) => {
    const source = fs.readFileSync(path.join(LIB, module), 'utf8');
    return [...source.matchAll(/path\.join\(__dirname, ((?:'[^']+', )*'[^']+\.ts')\)/g)]
      .map((m) => path.join(path.dirname(module), ...m[1].split(', ').map((part) => part.slice(1, -1))));
  });
}

describe('the tarball', () => {
  test('ships every handler a construct names, prebuilt (scripts/package-layout.ts HANDLERS)', () => {
    const named = handlerEntriesNamedInLib();
    expect(named.length).toBeGreaterThanOrEqual(4);
    expect([...HANDLERS].sort()).toEqual([...new Set(named)].sort());
  });

  test('holds the compiled library, the prebuilt handlers, the default site, the price data and the architecture pages', () => {
    expect(packed.files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'dist/index.js',
      'dist/serverless-api/handler/items.bundle/index.js', 'dist/fan-out/consumer/handler.bundle/index.js', 'dist/data-tier/app-user/handler.bundle/index.js', 'dist/streaming/consumer/handler.bundle/index.js',
      'dist/static-site/site/index.html', 'dist/static-site/site/404.html', 'dist/docs/prices/us-east-1.json',
      'docs/architectures/Network.md', // the README's links resolve in the installed package
    ]));
  });

  test('holds no TypeScript sources, unbundled handlers or repository tooling', () => {
    const outsideDist = packed.files.filter((f) => !f.startsWith('dist/') && f !== 'package.json' && f !== 'README.md' && !/^docs\/architectures\/\w+\.md$/.test(f));
    expect(outsideDist).toEqual([]);
    expect(packed.files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    // Every handler ships only as its bundle (the first test holds HANDLERS to what the constructs name); the docs generator not at all.
    const unbundled = HANDLERS.map((handler) => `dist/${handler.replace(/\.ts$/, '.js')}`);
    expect(packed.files.filter((f) => unbundled.includes(f) || /^dist\/docs\/generate\./.test(f))).toEqual([]);
  });

  test('has no dependencies: aws-cdk-lib and constructs are peers, cdk-nag and esbuild optional peers', () => {
    const { dependencies, peerDependencies, peerDependenciesMeta, devDependencies } = packed.manifest;
    expect(dependencies).toBeUndefined();
    expect(Object.keys(peerDependencies).sort()).toEqual(['aws-cdk-lib', 'cdk-nag', 'constructs', 'esbuild']);
    expect(peerDependenciesMeta).toEqual({ 'cdk-nag': { optional: true }, 'esbuild': { optional: true } });
    // This repository builds and tests against the peers it declares.
    for (const peer of Object.keys(peerDependencies)) expect(devDependencies[peer]).toBeDefined();
  });
});

describe('a user app of the installed package', () => {
  test('cannot reach cdk-nag or esbuild from the library, so the library is shown to run without them', () => {
    expect(result.resolvesFromLibrary).toEqual({ 'cdk-nag': false, 'esbuild': false });
  });

  test('synthesizes every construct, with defaults and main options, env-agnostic and pinned, with no unacknowledged finding', () => {
    expect(result.findings).toEqual([]);
    expect(result.error).toBeUndefined();
    const stacks = fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')).sort();
    expect(stacks).toEqual(['Defaults.template.json', 'DefaultsPinned.template.json', 'Edge.template.json', 'Options.template.json', 'OptionsPinned.template.json',
      'Recovery.template.json', 'RecoveryStandby.template.json', 'StreamingOptions.template.json', 'StreamingOptionsPinned.template.json']);
  });

  test('deploys the handlers from the prebuilt bundles, the default site content and a site of its own', () => {
    const assets = fs.readdirSync(outdir).filter((f) => f.startsWith('asset.')).map((f) => path.join(outdir, f));
    const holding = (file: string, content: Buffer) => assets.filter((a) => {
      const candidate = path.join(a, file);
      return fs.existsSync(candidate) && fs.readFileSync(candidate).equals(content);
    });
    for (const bundle of ['serverless-api/handler/items.bundle/index.js', 'fan-out/consumer/handler.bundle/index.js', 'data-tier/app-user/handler.bundle/index.js', 'streaming/consumer/handler.bundle/index.js']) {
      expect(holding('index.js', fs.readFileSync(path.join(installed, 'dist', bundle)))).toHaveLength(1);
    }
    expect(holding('index.html', fs.readFileSync(path.join(ROOT, 'lib', 'static-site', 'site', 'index.html')))).toHaveLength(1);
    expect(holding('index.html', Buffer.from(MY_SITE))).toHaveLength(1);
  });

  test('estimates costs from the price data in the package', () => {
    expect(result.idleMonthly).toBeGreaterThan(0);
  });
});
