import { defineConfig, type Options } from 'tsup';

/**
 * The one build every package shares: ESM + CJS from `src/index.ts`, with `.d.ts` and `.d.cts`
 * types, source maps, and every dependency left external. A package's `tsup.config.ts` is
 * `export default libraryConfig()`, with overrides only where that package really differs.
 */
export function libraryConfig(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    treeshake: true,
    outDir: 'dist',
    ...overrides,
  });
}
