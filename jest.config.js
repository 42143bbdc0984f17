/** @type {import('jest').Config} */
module.exports = {
  // Tests run in bare Node worker threads (jest-light-runner): aws-cdk-lib and the
  // constructs load once per worker instead of once per test file. Jest's
  // interface is unchanged; module mocks (jest.mock) are not available.
  runner: 'jest-light-runner',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {},
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Jest's default is one worker fewer than the cores: a single worker on a 2-core machine.
  maxWorkers: '100%',
  // Picks the stage cache (each stage variant is synthesized once per run, on
  // first use) and gives the run its own temporary directory, which the
  // teardown removes with everything the tests and CDK wrote there.
  globalSetup: '<rootDir>/test/setup/global-setup.js',
  globalTeardown: '<rootDir>/test/setup/global-teardown.js',
  // Without timings (a fresh clone), test files that start a child process go first.
  testSequencer: '<rootDir>/test/setup/sequencer.js',
  setupFiles: ['<rootDir>/test/setup/typescript.js'],
  snapshotFormat: { printBasicPrototype: false },
};
