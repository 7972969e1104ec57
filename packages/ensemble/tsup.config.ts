import { libraryConfig } from '../../tsup.base';

// `workers` is the `@x/ensemble/workers` subpath; `worker` is the script its pool's threads load
// (dist/worker.js, found beside dist/workers.js). Shims give the CJS build an import.meta.url.
export default libraryConfig({
  entry: {
    index: 'src/index.ts',
    workers: 'src/workers.ts',
    worker: 'src/internal/worker.ts',
  },
  platform: 'node',
  shims: true,
});
