// Jest's order (failed first, then the longest by the last run's timings),
// with one change for a run without timings (a fresh clone, a cleared
// cache): test files that start a child process go first. They are small
// on disk, so Jest's fallback (largest file first) would start them last,
// and the run would end waiting on one of them.
'use strict';
const fs = require('fs');
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

/** Whether a test file, or a `.suite.ts` file it imports (test/delivery-pipeline), starts a child process. */
function startsProcess(test) {
  const source = fs.readFileSync(test.path, 'utf8');
  const suites = [...source.matchAll(/^import '(\.\/[\w-]+\.suite)';$/gm)].map((m) => path.join(path.dirname(test.path), `${m[1]}.ts`));
  return [source, ...suites.map((file) => fs.readFileSync(file, 'utf8'))].some((text) => /\bchild_process\b/.test(text));
}

class ChildProcessesFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const first = (t) => t.duration == null && !this.hasFailed(t) && startsProcess(t);
    const position = sorted.findIndex((t) => t.duration == null && !this.hasFailed(t));
    if (position < 0) return sorted;
    const rest = sorted.filter((t) => !first(t));
    return [...rest.slice(0, position), ...sorted.filter(first), ...rest.slice(position)];
  }
}

module.exports = ChildProcessesFirst;
module.exports.startsProcess = startsProcess; // scripts/bench.js reports these files apart
