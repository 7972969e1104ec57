import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));

it('the README quick start runs', async () => {
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const dir = join(pkg, 'node_modules', '.cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'readme-quickstart.ts');
  writeFileSync(file, `${block}\nexport { stack, weights, last };\n`);
  const logs: unknown[][] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => logs.push(a);
  try {
    const m = (await import(file)) as {
      weights: Float64Array;
      last: number;
      stack: { covered: Int32Array };
    };
    expect(m.weights).toHaveLength(2);
    expect(Number.isFinite(m.last)).toBe(true);
    expect(m.stack.covered.length).toBe(500);
  } finally {
    console.log = orig;
  }
  expect(logs).toHaveLength(1);
});
