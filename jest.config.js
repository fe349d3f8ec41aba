/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest'] },
  // @kubernetes/client-node and its dependencies ship ES modules; Jest runs CommonJS.
  transformIgnorePatterns: [
    '/node_modules/(?!(@kubernetes/client-node|openid-client|oauth4webapi|jose|jsonpath-plus|jsep|@jsep-plugin)/)',
  ],
  testTimeout: 30000,
  // nock's interceptor is reached after Jest's between-file global cleanup; keep the log readable.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  // The AWS SDK's multi-line Node-version notice (Node 20 here) would repeat in every suite's output.
  setupFiles: ['<rootDir>/test/setup-env.js'],
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  setupFilesAfterEnv: ['<rootDir>/test/setup-after-env.js'],
};
