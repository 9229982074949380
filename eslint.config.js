// Lint: recommended rules for JS and type-aware TypeScript, no `any`, no console chatter in app code.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

// The two import rules of docs/architecture.md, enforced per workspace:
// 1. apps never import each other (and no package imports an app: apps are the leaves);
// 2. production code (apps/*/src, packages/shared/src) never imports a simulator, a test helper or test data.
// A workspace is reached by its package name (`@ms1/graph-sim`) or by a relative path that climbs out of the
// importing package into it (`../../ms4-sender/src/batch`, `../../../packages/test-utils/src`).
const APPS = ['ingest-api', 'processor-worker', 'ms4-sender'];
const NOT_PRODUCTION = ['graph-sim', 'ms4-sim', 's3-sim', 'test-utils', 'bench', 'fixtures'];
const APP_RULE = 'apps never import each other, and no package imports an app (docs/architecture.md)';
const PRODUCTION_RULE = 'production code never imports a simulator, a test helper or test data (docs/architecture.md)';

/** `no-restricted-imports` for `files`, refusing each workspace of `names` with the rule's `why`. */
function importBoundary(files, forbidden) {
  const paths = forbidden.flatMap(({ names, why }) => names.map((name) => ({ name: `@ms1/${name}`, message: why })));
  const patterns = forbidden.flatMap(({ names, why }) => [
    { group: names.map((name) => `@ms1/${name}/*`), message: why },
    { regex: `^(\\.\\./)+((apps|packages)/)?(${names.join('|')})(/|$)`, message: why },
  ]);
  return { files, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

const otherApps = (app) => ({ names: APPS.filter((other) => other !== app), why: APP_RULE });
const notProduction = { names: NOT_PRODUCTION, why: PRODUCTION_RULE };

// A later entry replaces the rule's options for the files it matches, so production files list both rules.
const importBoundaries = [
  importBoundary(['packages/**/*.ts'], [{ names: APPS, why: APP_RULE }]),
  ...APPS.map((app) => importBoundary([`apps/${app}/**/*.ts`], [otherApps(app)])),
  ...APPS.map((app) => importBoundary([`apps/${app}/src/**/*.ts`], [otherApps(app), notProduction])),
  importBoundary(['packages/shared/src/**/*.ts'], [{ names: APPS, why: APP_RULE }, notProduction]),
];

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  ...importBoundaries,
  {
    // Command lines print their one-line JSON and progress on stdout by contract; tests may print diagnostics.
    files: ['**/cli.ts', '**/scripts/**', '**/test/**', '**/*.test.ts', 'packages/test-utils/**', 'packages/bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        globalThis: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
