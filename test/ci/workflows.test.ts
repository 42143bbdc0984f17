import * as fs from 'fs';
import * as path from 'path';

const WORKFLOWS = path.join(__dirname, '..', '..', '.github', 'workflows');
const read = (name: string) => fs.readFileSync(path.join(WORKFLOWS, name), 'utf8');
const files = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'));

describe('GitHub workflows', () => {
  test.each(files)('%s: every action is pinned by a full commit SHA, its tag in a comment', (file) => {
    const uses = [...read(file).matchAll(/uses:\s*(\S+)(.*)$/gm)].map((m) => [m[1], m[2].trim()]);
    expect(uses.length).toBeGreaterThan(0);
    for (const [ref, comment] of uses) {
      expect([ref, comment]).toEqual([expect.stringMatching(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/), expect.stringMatching(/^# v\d+\.\d+\.\d+$/)]);
    }
  });

  test.each(files)('%s: runs on a supported Node.js LTS line (24 or 26), not end-of-life 20', (file) => {
    const versions = [...read(file).matchAll(/node-version:\s*(.+)$/gm)].map((m) => m[1].trim());
    const matrix = /node-version: \[([^\]]+)\]/.exec(read(file))?.[1].split(',').map((v) => v.trim()) ?? [];
    const used = [...versions.filter((v) => !v.startsWith('${{') && !v.startsWith('[')), ...matrix];
    expect(used.length).toBeGreaterThan(0);
    for (const v of used) expect(['24', '26']).toContain(v);
  });

  test('only the deploy job may mint an OIDC token, inside the "sandbox" environment the trust policy is pinned to', () => {
    const deploy = read('deploy-sandbox.yml');
    expect(deploy).toMatch(/^permissions: \{\}$/m);
    expect(deploy).toMatch(/^ {4}environment: sandbox\n {4}permissions:\n {6}id-token: write\n {6}contents: read$/m);
    expect(deploy).not.toMatch(/cache: npm/);
    expect(deploy).toMatch(/package-manager-cache: false/);
    for (const file of files.filter((f) => f !== 'deploy-sandbox.yml')) expect(read(file)).not.toContain('id-token');
  });
});
