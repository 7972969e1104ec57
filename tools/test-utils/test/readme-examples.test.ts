/**
 * Examples in READMEs run as tests: every ```ts block of the root README and of each package's
 * README is written to a scratch module and imported, so a stale example fails CI. A block whose
 * first line is `// not run` is skipped (for fragments that need a user's own data or services).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const scratch = join(root, '.tmp', 'readme-examples');

function tsBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const re = /```ts\n([\s\S]*?)```/g;
  for (let m = re.exec(markdown); m !== null; m = re.exec(markdown)) blocks.push(m[1]!);
  return blocks.filter((b) => !b.startsWith('// not run'));
}

const readmes = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'packages'))
    .map((p) => join(root, 'packages', p, 'README.md'))
    .filter((f) => existsSync(f)),
];

mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README examples run', () => {
  for (const file of readmes) {
    const blocks = tsBlocks(readFileSync(file, 'utf8'));
    blocks.forEach((code, i) => {
      const name = `${file.slice(root.length + 1).replaceAll('/', '_')}-${i}.ts`;
      it(`${file.slice(root.length + 1)} example ${i + 1}`, async () => {
        const path = join(scratch, name);
        writeFileSync(path, `${code}\nexport {};\n`);
        const original = console.log;
        console.log = () => {}; // examples may print; keep the test output clean
        try {
          // the example module evaluates without throwing
          await expect(import(/* @vite-ignore */ pathToFileURL(path).href)).resolves.toBeTypeOf(
            'object',
          );
        } finally {
          console.log = original;
        }
      });
    });
  }
});
