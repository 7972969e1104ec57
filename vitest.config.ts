import { defineConfig } from 'vitest/config';

// One vitest run over the whole workspace. Workspace packages resolve to their `src` through the
// `@x/source` export condition, so tests and benches need no prior build.
const conditions = ['@x/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@x/source'] } },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'tools/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // in CI also write a JSON summary; .ci/run prints its pass/fail counts as the closing line
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.tmp/vitest-results.json' },
  },
});
