// Removes the run's temporary directory (global-setup.js): every assembly,
// package and report the tests and CDK wrote while the run lasted. Gives
// back the shell's TMPDIR for the next run in watch mode.
'use strict';
const fs = require('fs');
const path = require('path');

module.exports = async function globalTeardown() {
  const dir = process.env.TMPDIR;
  if (dir && path.basename(dir).startsWith('aws-reference-architectures-test-')) fs.rmSync(dir, { recursive: true, force: true });
  process.env.TMPDIR = process.env.TEST_PARENT_TMPDIR;
};
