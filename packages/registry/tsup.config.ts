import { libraryConfig } from '../../tsup.base';

export default libraryConfig({
  entry: ['src/index.ts', 'src/testing.ts', 'src/postgres.ts', 'src/bin.ts'],
  platform: 'node',
});
