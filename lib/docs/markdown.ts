// Markdown helpers of the docs generator and the link test: generated blocks,
// headings and GitHub's anchor slugs.

/** A heading outside code fences: its level (1 for `#`), its text and its anchor. */
export interface Heading {
  readonly level: number;
  readonly text: string;
  readonly anchor: string;
}

const FENCE = /^\s*(```|~~~)/;

/** The lines of a Markdown text that are outside fenced code blocks, with their index. */
export function proseLines(text: string): { line: string; index: number }[] {
  let inFence = false;
  const result: { line: string; index: number }[] = [];
  text.split('\n').forEach((line, index) => {
    if (FENCE.test(line)) inFence = !inFence;
    else if (!inFence) result.push({ line, index });
  });
  return result;
}

/**
 * GitHub's anchor for a heading: inline markup and link targets dropped, lower
 * case, punctuation removed (letters, digits, `-`, `_` and spaces stay), each
 * space a hyphen. A repeated anchor gets `-1`, `-2`, ... (see `headingsOf`).
 */
export function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every ATX heading of a text, in order, with GitHub's de-duplicated anchors. */
export function headingsOf(text: string): Heading[] {
  const seen = new Map<string, number>();
  const headings: Heading[] = [];
  for (const { line } of proseLines(text)) {
    const match = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!match) continue;
    const base = slug(match[2]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    headings.push({ level: match[1].length, text: match[2], anchor: count === 0 ? base : `${base}-${count}` });
  }
  return headings;
}

// A marker counts only on a line of its own, so text that mentions one (in code) is no block.
const BLOCK_START = /^<!-- ([\w:-]+):start -->$/gm;

/** The names of the generated blocks (`<!-- name:start -->` on a line of its own) of a text, in order. */
export function blockNames(text: string): string[] {
  return [...text.matchAll(BLOCK_START)].map((m) => m[1]);
}

/** Where the block's markers are: the start of its start line and the start of its end line, or undefined. */
function blockBounds(text: string, name: string): { start: number; end: number; endLine: number } | undefined {
  const lineAt = (marker: string, from: number) => {
    for (let i = text.indexOf(marker, from); i >= 0; i = text.indexOf(marker, i + 1)) {
      const atLineStart = i === 0 || text[i - 1] === '\n';
      const atLineEnd = i + marker.length === text.length || text[i + marker.length] === '\n';
      if (atLineStart && atLineEnd) return i;
    }
    return -1;
  };
  const start = lineAt(`<!-- ${name}:start -->`, 0);
  const end = start < 0 ? -1 : lineAt(`<!-- ${name}:end -->`, start);
  return end < 0 ? undefined : { start, end, endLine: end + `<!-- ${name}:end -->`.length };
}

/** Replaces the text between the lines `<!-- name:start -->` and `<!-- name:end -->`, which must exist. */
export function replaceBlock(text: string, name: string, content: string, file = 'README.md'): string {
  const bounds = blockBounds(text, name);
  if (!bounds) throw new Error(`${file} has no block <!-- ${name}:start --> ... <!-- ${name}:end -->`);
  return `${text.slice(0, bounds.start)}<!-- ${name}:start -->\n${content}\n${text.slice(bounds.end)}`;
}

/** Removes a block, markers included, with the blank line after it; a text without it is returned as is. */
export function removeBlock(text: string, name: string): string {
  const bounds = blockBounds(text, name);
  if (!bounds) return text;
  return text.slice(0, bounds.start) + text.slice(bounds.endLine).replace(/^\n\n?/, '');
}

/** Pages longer than this many lines get a table of contents. */
export const TOC_MIN_LINES = 150;

/**
 * Puts a table of contents of the `##` and `###` headings right after the
 * page's title, in a `toc` block, when the page is longer than `TOC_MIN_LINES`
 * without it; removes a stale one otherwise.
 */
export function withTableOfContents(text: string): string {
  const page = removeBlock(text, 'toc');
  if (page.split('\n').length <= TOC_MIN_LINES) return page;
  const entries = headingsOf(page).filter((h) => h.level === 2 || h.level === 3)
    .map((h) => `${'  '.repeat(h.level - 2)}- [${h.text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')}](#${h.anchor})`);
  const lines = page.split('\n');
  const title = lines.findIndex((l) => /^# /.test(l));
  lines.splice(title + 1, 0, '', '<!-- toc:start -->', 'Contents:', '', ...entries, '<!-- toc:end -->');
  return lines.join('\n');
}
