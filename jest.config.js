/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Sucrase strips types without type-checking: type-checking is `npm run typecheck`.
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  snapshotFormat: { printBasicPrototype: false },
};
