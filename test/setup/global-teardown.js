// Removes the run's temporary directory (global-setup.js): every assembly,
// package and report the tests and CDK wrote while the run lasted. Gives
// back the shell's TMPDIR for the next run in watch mode.
'use strict';
const fs = require('fs');
const path = require('path');
const { RUN_TMP_PREFIX } = require('./global-setup');

module.exports = async function globalTeardown() {
  const dir = process.env.TMPDIR;
  if (dir && path.basename(dir).startsWith(RUN_TMP_PREFIX)) fs.rmSync(dir, { recursive: true, force: true });
  process.env.TMPDIR = process.env.TEST_PARENT_TMPDIR;
};
