/**
 * The guides' examples run as tests: every ```ts block of `docs/*.md` is written to a scratch
 * module and imported (`../src/examples.ts`, the runner shared with the README and TSDoc
 * examples). Guide examples import what they use and check their stated results with
 * `node:assert`, so a guide whose numbers drift from the code fails here. A block whose first line
 * is `// not run` is skipped.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markdownExamples, runExample } from '../src/examples.js';

const root = join(import.meta.dirname, '..', '..', '..');
const scratch = join(root, '.tmp', 'docs-examples');
const guides = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .sort();

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('guide examples run', () => {
  it('every guide has a runnable example', () => {
    const without = guides.filter(
      (g) => markdownExamples(readFileSync(join(root, 'docs', g), 'utf8')).length === 0,
    );
    expect(without).toEqual([]);
  });
  for (const guide of guides) {
    markdownExamples(readFileSync(join(root, 'docs', guide), 'utf8')).forEach(({ code, line }) => {
      it(`docs/${guide}:${line}`, async () => {
        await expect(runExample(scratch, `${guide}-${line}`, code)).resolves.toBeTypeOf('object');
      });
    });
  }
});
