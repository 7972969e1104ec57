import { join } from 'node:path';
import { build } from 'esbuild';
import { tempDir } from '../helpers.js';

/** Bundles a script (from source) into one CommonJS file: fast to start, no tsx. */
export async function bundle(entry: string): Promise<string> {
  const outfile = join(tempDir('x-registry-bundle-'), 'main.cjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    conditions: ['@x/source'],
    logLevel: 'error',
  });
  return outfile;
}

/** The registering child of the crash and concurrency tests. */
export function bundleChild(): Promise<string> {
  return bundle(join(import.meta.dirname, 'register.ts'));
}
