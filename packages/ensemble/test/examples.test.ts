import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every TSDoc `@example` block of src/, stripped of its comment prefix. */
const examples = sources(join(pkg, 'src')).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  const found: [string, string][] = [];
  for (const m of text.matchAll(/@example\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/g)) {
    found.push([`${relative(pkg, file)} #${found.length + 1}`, m[1]!.replace(/^\s*\* ?/gm, '')]);
  }
  return found;
});

it('finds examples', () => {
  expect(examples.length).toBeGreaterThan(20);
});

it.each(examples)('the TSDoc example in %s runs', async (name, code) => {
  const dir = join(pkg, 'node_modules', '.cache', 'examples');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '_')}.ts`);
  writeFileSync(file, `${code}\nexport {};\n`);
  const orig = console.log;
  const logs: unknown[][] = [];
  console.log = (...a: unknown[]) => logs.push(a);
  try {
    await import(file);
  } finally {
    console.log = orig;
  }
  expect(logs.length).toBeGreaterThan(0);
});
