/**
 * Examples in READMEs run as tests: every ```ts block of the root README and of each package's
 * README is written to a scratch module and imported (`../src/examples.ts`, the runner shared with
 * the TSDoc and guide examples), so a stale example fails CI. A block whose first line is
 * `// not run` is skipped (for fragments that need a user's own data or services).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markdownExamples, runExample } from '../src/examples.js';

const root = join(import.meta.dirname, '..', '..', '..');
const scratch = join(root, '.tmp', 'readme-examples');

const readmes = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'packages'))
    .map((p) => join(root, 'packages', p, 'README.md'))
    .filter((f) => existsSync(f)),
];

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README examples run', () => {
  for (const file of readmes) {
    const rel = file.slice(root.length + 1);
    markdownExamples(readFileSync(file, 'utf8')).forEach(({ code }, i) => {
      it(`${rel} example ${i + 1}`, async () => {
        // the example module evaluates without throwing
        await expect(runExample(scratch, `${rel}-${i}`, code)).resolves.toBeTypeOf('object');
      });
    });
  }
});
