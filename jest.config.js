/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Sucrase strips types without type-checking: type-checking is `npm run typecheck`.
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Jest's default is one worker fewer than the cores: a single worker on a 2-core machine.
  maxWorkers: '100%',
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  snapshotFormat: { printBasicPrototype: false },
};
