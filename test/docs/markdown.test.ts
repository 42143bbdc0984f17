import { blockNames, headingsOf, removeBlock, replaceBlock, slug, TOC_MIN_LINES, withTableOfContents } from '../../lib/docs/markdown';

describe('slug: GitHub heading anchors', () => {
  test.each([
    ['4. Messaging: SNS -> SQS fan-out', '4-messaging-sns---sqs-fan-out'],
    ['2. Web tier: ALB + EC2 Auto Scaling group', '2-web-tier-alb--ec2-auto-scaling-group'],
    ["3. Static site: CloudFront with OAC (or the notes' OAI) to a private S3 bucket", '3-static-site-cloudfront-with-oac-or-the-notes-oai-to-a-private-s3-bucket'],
    ['Diagrams and idle cost, generated from the code', 'diagrams-and-idle-cost-generated-from-the-code'],
    ['What it builds (`lib/network/`)', 'what-it-builds-libnetwork'],
    ['See [the page](docs/a.md) now', 'see-the-page-now'],
    ['snake_case **bold**', 'snake_case-bold'],
  ])('%s -> #%s', (heading, anchor) => {
    expect(slug(heading)).toBe(anchor);
  });

  test('a repeated heading gets -1, -2; headings inside code fences do not count', () => {
    const text = '# Page\n## Props\n```sh\n# comment\n## Props\n```\n## Props\n### Props\n';
    expect(headingsOf(text).map((h) => [h.level, h.anchor])).toEqual([[1, 'page'], [2, 'props'], [2, 'props-1'], [3, 'props-2']]);
  });
});

describe('generated blocks', () => {
  const page = 'hand-written before\n<!-- diagram:start -->\nold\n<!-- diagram:end -->\nhand-written after `<!-- other:start -->`\n';

  test('only the text between the markers is replaced; the rest is kept as written', () => {
    expect(replaceBlock(page, 'diagram', 'new', 'page.md'))
      .toBe('hand-written before\n<!-- diagram:start -->\nnew\n<!-- diagram:end -->\nhand-written after `<!-- other:start -->`\n');
  });

  test('a marker counts only on a line of its own, so text that mentions one is no block', () => {
    expect(blockNames(page)).toEqual(['diagram']);
    expect(() => replaceBlock(page, 'other', 'x', 'page.md')).toThrow('page.md has no block <!-- other:start --> ... <!-- other:end -->');
  });

  test('removing a block drops its markers and the blank line after it', () => {
    expect(removeBlock('a\n<!-- toc:start -->\n- x\n<!-- toc:end -->\n\nb\n', 'toc')).toBe('a\nb\n');
    expect(removeBlock('a\n', 'toc')).toBe('a\n');
  });
});

describe('table of contents', () => {
  const long = (headings: string[]) => ['# Title', '', 'Intro.', ...headings.flatMap((h) => ['', h, ...Array(TOC_MIN_LINES / 2).fill('text')])].join('\n');

  test('a long page gets one after its title, of the ## and ### headings, linking their anchors', () => {
    const page = withTableOfContents(long(['## Props', '### `natMode`', '## Props']));
    expect(page.split('\n').slice(0, 9)).toEqual([
      '# Title', '', '<!-- toc:start -->', 'Contents:', '', '- [Props](#props)', '  - [`natMode`](#natmode)', '- [Props](#props-1)', '<!-- toc:end -->',
    ]);
  });

  test('regenerating replaces the old one instead of adding a second', () => {
    const once = withTableOfContents(long(['## A', '## B']));
    expect(withTableOfContents(once)).toBe(once);
    expect(withTableOfContents(once.replace('## B', '## C'))).toContain('- [C](#c)\n<!-- toc:end -->');
  });

  test('a short page gets none, and loses a stale one', () => {
    const short = '# Title\n\n## A\n';
    expect(withTableOfContents(short)).toBe(short);
    expect(withTableOfContents('# Title\n\n<!-- toc:start -->\n- [A](#a)\n<!-- toc:end -->\n\n## A\n')).toBe('# Title\n\n## A\n');
  });
});
