import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The workers' cache of Sucrase's output (test/setup/typescript.js): a file
// whose content changed is stripped again, never served from the cache.
const { compiled, CACHE, entryPrefix } = require('./typescript') as {
  compiled(code: string, filePath: string): string; CACHE: string; entryPrefix(filePath: string): string;
};

const file = path.join(os.tmpdir(), 'typescript-cache-test', 'module.ts');
const entries = () => fs.readdirSync(CACHE).filter((name) => name.startsWith(entryPrefix(file)));
afterAll(() => entries().forEach((name) => fs.rmSync(path.join(CACHE, name))));

test('strips types as Sucrase does, and keeps one entry per file', () => {
  const out = compiled('export const answer: number = 42;\n', file);
  expect(out).toContain('const answer = 42;');
  expect(out).toContain('exports.answer = answer;');
  expect(out).not.toContain(': number');
  expect(out).toMatch(/\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,/);
  expect(entries()).toHaveLength(1);
  expect(compiled('export const answer: number = 42;\n', file)).toBe(out);
});

test('a changed file is stripped again, and its earlier entry removed', () => {
  const before = compiled('export const answer: number = 42;\n', file);
  const after = compiled('export const answer: string = "forty-two";\n', file);
  expect(after).toContain('"forty-two"');
  expect(after).not.toBe(before);
  expect(entries()).toHaveLength(1);
});
