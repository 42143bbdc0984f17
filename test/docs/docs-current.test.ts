import * as fs from 'fs';
import * as path from 'path';
import { loadPrices } from '../../lib/docs/cost';
import { generateDocs } from '../../lib/docs/generate';
import { stageTemplates, synthesizedStage } from '../harness';

// A change to a construct that changes the architecture must come with its
// updated picture: run `npm run docs` and commit the result. The pages and the
// README are written by hand around generated blocks; only the blocks (and a
// long page's table of contents) are generated. The stages are the run's
// shared synthesis of the default (environment-agnostic) profiles.
const generated = generateDocs(loadPrices(), new Map([['Sandbox', stageTemplates('Sandbox')], ['Production', stageTemplates('Production')]]));

describe('committed docs match what `npm run docs` generates now', () => {
  test('every architecture of the default stage has a page', () => {
    expect([...generated.keys()].filter((f) => f.startsWith('docs/')).sort())
      .toEqual(synthesizedStage('Sandbox').stacks.map((s) => `docs/architectures/${s.id}.md`).sort());
  });

  test.each([...generated.keys()].filter((f) => f.startsWith('docs/')))('%s keeps its hand-written sections around the generated blocks', (file) => {
    const page = generated.get(file)!;
    expect(page.indexOf('<!-- diagram:start -->')).toBeLessThan(page.indexOf('## What it builds'));
    expect(page.indexOf('## What it builds')).toBeLessThan(page.indexOf('<!-- generated:start -->'));
    expect(page).toMatch(/\n## Props\n[\s\S]*\n\| prop \| default \| allowed \|\n/);
  });

  test.each([...generated.keys()])('%s is current (run npm run docs)', (file) => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', file), 'utf8');
    expect(committed).toBe(generated.get(file));
  });
});
