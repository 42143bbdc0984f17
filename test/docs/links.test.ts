import * as fs from 'fs';
import * as path from 'path';
import { headingsOf, proseLines } from '../../lib/docs/markdown';

// Every relative link of the README and the pages must lead somewhere: to a
// file or folder that exists, to a heading that exists (GitHub's anchors), and
// to something the npm package ships, so that the README read from
// node_modules has no dead links either.
const ROOT = path.join(__dirname, '..', '..');

function markdownFiles(): string[] {
  const under = (dir: string): string[] => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? under(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []));
  return ['README.md', ...under('docs')];
}

/** The link targets of a Markdown text, outside code: inline `[text](target)` and reference definitions. */
export function linkTargets(text: string): string[] {
  const targets: string[] = [];
  for (const { line } of proseLines(text)) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1]);
    const definition = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(prose);
    if (definition) targets.push(definition[1]);
  }
  return targets;
}

/** What is wrong with each relative link of `file` (relative to ROOT); `read` gives a file's text or undefined. */
export function brokenLinks(file: string, read: (file: string) => string | undefined, isDirectory: (dir: string) => boolean): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(read(file) ?? '')) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [linkPath, anchor] = target.split('#', 2);
    const resolved = linkPath === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(linkPath)));
    if (resolved.startsWith('..')) { problems.push(`${target}: leaves the repository`); continue; }
    const text = read(resolved);
    if (text === undefined && !isDirectory(resolved.replace(/\/$/, ''))) { problems.push(`${target}: ${resolved} does not exist`); continue; }
    if (anchor !== undefined && !headingsOf(text ?? '').some((h) => h.anchor === anchor)) problems.push(`${target}: ${resolved} has no heading #${anchor}`);
  }
  return problems;
}

const readRepo = (file: string) => {
  const full = path.join(ROOT, file);
  return fs.existsSync(full) && fs.statSync(full).isFile() ? fs.readFileSync(full, 'utf8') : undefined;
};
const isRepoDirectory = (dir: string) => fs.existsSync(path.join(ROOT, dir)) && fs.statSync(path.join(ROOT, dir)).isDirectory();

/** Whether npm packs a path: package.json, the README, or a path under the folder of one of the `files` patterns. */
function shipped(file: string): boolean {
  const patterns: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).files;
  return file === 'package.json' || file === 'README.md'
    || patterns.some((p) => file.startsWith(p.includes('*') ? p.slice(0, p.indexOf('*')) : p));
}

describe('links of the README and docs/', () => {
  test.each(markdownFiles())('every relative link and anchor of %s resolves', (file) => {
    expect(brokenLinks(file, readRepo, isRepoDirectory)).toEqual([]);
  });

  test.each(markdownFiles())('every relative link of %s leads to something the npm package ships', (file) => {
    expect(shipped(file)).toBe(true);
    const targets = linkTargets(readRepo(file)!).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'));
    const outside = targets.map((t) => path.posix.normalize(path.posix.join(path.posix.dirname(file), t.split('#')[0]))).filter((t) => !shipped(t));
    expect(outside).toEqual([]);
  });

  test('the README links the page of every architecture', () => {
    const pages = fs.readdirSync(path.join(ROOT, 'docs', 'architectures')).map((f) => `docs/architectures/${f}`);
    expect(pages.length).toBeGreaterThanOrEqual(7);
    expect(pages.filter((p) => !linkTargets(readRepo('README.md')!).includes(p))).toEqual([]);
  });
});

describe('the link checker', () => {
  const files: Record<string, string> = {
    'README.md': '# Title\n\n## Deploy, try: destroy\n\n[ok](docs/a.md#props-1) [self](#deploy-try-destroy) [dir](docs/)\n[web](https://example.com)\n',
    'docs/a.md': '# A\n\n## Props\n\n## Props\n\n```sh\n# not a heading\n```\n[back](../README.md#title) `[not](a-link.md)`\n',
    'docs/b.md': '[gone](missing.md) [no anchor](a.md#not-a-heading) [code heading](a.md#not-a-heading-1)\n\n```md\n[in code](nowhere.md)\n```\n',
  };
  const read = (f: string) => files[f];
  const isDirectory = (d: string) => d === 'docs';

  test('accepts files, folders, anchors (de-duplicated as GitHub does) and other schemes; ignores code', () => {
    expect(brokenLinks('README.md', read, isDirectory)).toEqual([]);
    expect(brokenLinks('docs/a.md', read, isDirectory)).toEqual([]);
  });

  test('reports a missing file and a missing anchor, and treats code lines as no headings', () => {
    expect(brokenLinks('docs/b.md', read, isDirectory)).toEqual([
      'missing.md: docs/missing.md does not exist',
      'a.md#not-a-heading: docs/a.md has no heading #not-a-heading',
      'a.md#not-a-heading-1: docs/a.md has no heading #not-a-heading-1',
    ]);
  });
});
