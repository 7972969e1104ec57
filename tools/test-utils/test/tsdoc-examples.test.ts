/**
 * TSDoc examples run as tests: every ```ts block under an `@example` tag in a package's public
 * sources (`packages/<pkg>/src`, not `src/internal`) is written to a scratch module and imported,
 * so an example in the API docs cannot go stale. An example may import what it uses; otherwise
 * the names it uses from its own package and from `@x/core` are imported for it, as a reader of
 * that page would. A block whose first line is `// not run` is skipped (for fragments that need a
 * user's own data or services). The runner is `../src/examples.ts`, shared with the README and
 * guide examples.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { autoImports, runExample, tsdocExamples } from '../src/examples.js';

const root = join(import.meta.dirname, '..', '..', '..');
const scratch = join(root, '.tmp', 'tsdoc-examples');

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'internal') files.push(...sourceFiles(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

const packages = readdirSync(join(root, 'packages')).filter((p) => {
  try {
    return statSync(join(root, 'packages', p, 'src')).isDirectory();
  } catch {
    return false;
  }
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('TSDoc examples run', () => {
  for (const pkg of packages) {
    const name = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'))
      .name as string;
    for (const file of sourceFiles(join(root, 'packages', pkg, 'src'))) {
      const rel = file.slice(root.length + 1);
      tsdocExamples(readFileSync(file, 'utf8')).forEach(({ code, line }, i) => {
        it(`${rel}:${line}`, async () => {
          const own = Object.keys(await import(/* @vite-ignore */ name));
          const core = name === '@x/core' ? [] : Object.keys(await import('@x/core'));
          const header = autoImports(code, [
            [name, own],
            ['@x/core', core],
          ]);
          await expect(runExample(scratch, `${rel}-${i}`, code, header)).resolves.toBeTypeOf(
            'object',
          );
        });
      });
    }
  }
});
