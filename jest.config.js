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
  // Every stage variant is synthesized once per run, before the workers start.
  globalSetup: '<rootDir>/test/setup/global-setup.js',
  setupFiles: ['<rootDir>/test/setup/typescript.js'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  snapshotFormat: { printBasicPrototype: false },
};
