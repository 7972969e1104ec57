import { libraryConfig } from '../../tsup.base';

// esbuild's own tree shaking (not rollup's, which hoists every external require to the top) keeps
// the CLI's dynamic import of the PostgreSQL backend lazy, so `pg` stays an optional peer.
export default libraryConfig({
  entry: ['src/index.ts', 'src/testing.ts', 'src/postgres.ts', 'src/bin.ts'],
  platform: 'node',
  treeshake: false,
  splitting: true,
});
