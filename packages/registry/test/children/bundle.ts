import { join } from 'node:path';
import { build } from 'esbuild';
import { tempDir } from '../helpers.js';

/** Bundles the registering child into one CommonJS file (fast to start, no tsx). */
export async function bundleChild(): Promise<string> {
  const outfile = join(tempDir('x-registry-child-'), 'register.cjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'register.ts')],
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
