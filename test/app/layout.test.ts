import * as fs from 'fs';
import * as path from 'path';

// Imports run one way, down: the app (lib/app) above the delivery pipeline,
// the pipeline above the stages, the stages above the architectures, and
// lib/shared below them all.
const LIB = path.join(__dirname, '..', '..', 'lib');
// The Domain gives the endpoints of the other architectures their names and certificates: below them.
// Disaster recovery composes the architectures (a standby side of each): above them, below the stages.
const LAYER: Record<string, number> = { 'app': 4, 'docs': 4, 'delivery-pipeline': 3, 'stages': 2, 'disaster-recovery': 1.5, 'domain': 0.5, 'shared': 0 };
const layerOf = (folder: string) => LAYER[folder] ?? 1;

function importsOf(folder: string): string[] {
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
  return files(path.join(LIB, folder)).flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/from '\.\.\/([a-z-]+)\//g)].map((m) => m[1]));
}

test('every folder of lib/ imports only from folders below it', () => {
  const upward = fs.readdirSync(LIB, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) =>
    [...new Set(importsOf(e.name))].filter((target) => layerOf(target) >= layerOf(e.name) && target !== e.name).map((target) => `${e.name} -> ${target}`));
  expect(upward).toEqual([]);
});

test('the app chooses between a stage and the pipeline; the stages know nothing of the pipeline', () => {
  expect(importsOf('app')).toEqual(expect.arrayContaining(['delivery-pipeline', 'stages']));
  expect(importsOf('stages')).not.toContain('delivery-pipeline');
});
