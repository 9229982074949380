// One root config: every package's tests run as a jest project against its TypeScript sources.
const packages = [
  'packages/shared',
  'packages/test-utils',
  'packages/graph-sim',
  'packages/ms4-sim',
  'packages/s3-sim',
  'packages/bench',
  'apps/ingest-api',
  'apps/processor-worker',
  'apps/ms4-sender',
];

const moduleNameMapper = {
  '^@ms1/(fixtures|shared|test-utils|graph-sim|ms4-sim|s3-sim)$': '<rootDir>/../../packages/$1/src',
  '^@ms1/shared/plain$': '<rootDir>/../../packages/shared/src/plain',
};

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/packages/test-utils/jest/global-setup.js',
  globalTeardown: '<rootDir>/packages/test-utils/jest/global-teardown.js',
  testTimeout: 60_000,
  maxWorkers: 2,
  projects: [
    ...packages.map((dir) => ({
      displayName: dir.split('/')[1],
      rootDir: dir,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
      moduleNameMapper,
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.tests.json' }],
      },
    })),
    // The fault suite (`pnpm test:system`): the whole pipeline as processes under faults. Its files end in
    // `.system.test.ts`, so neither `test:unit` nor `test:int` picks them up.
    {
      displayName: 'system-tests',
      rootDir: 'packages/system-tests',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.system.test.ts'],
      moduleNameMapper,
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.tests.json' }],
      },
    },
    // Rules about the repository as a whole (the import boundaries of docs/architecture.md).
    {
      displayName: 'repo',
      rootDir: 'test',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/**/*.test.ts'],
      moduleNameMapper: { '^@ms1/(shared)$': '<rootDir>/../packages/$1/src' },
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.tests.json' }],
      },
    },
    // The deployment manifests (deploy/k8s), checked against the shared package's constants.
    {
      displayName: 'deploy',
      rootDir: 'deploy',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      moduleNameMapper: { '^@ms1/(shared)$': '<rootDir>/../packages/$1/src' },
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.tests.json' }],
      },
    },
  ],
};
