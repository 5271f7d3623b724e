const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Two workers on the 2-core CI machine (jest's default there is one): most suites wait on servers, child
  // processes and a browser as much as they compute, so one worker left a core idle for much of the run.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  roots: ['<rootDir>/contract-tests', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true } }],
  },
  // One Prism mock for the whole run, shared by every suite (each suite puts its own auth gate in front).
  globalSetup: '<rootDir>/contract-tests/harness/global-setup.ts',
  globalTeardown: '<rootDir>/contract-tests/harness/global-teardown.ts',
  // After each file: no error, result or log line the SDK produced contains a secret.
  setupFilesAfterEnv: ['<rootDir>/contract-tests/harness/scan-after-file.ts'],
  testTimeout: 20000,
};
