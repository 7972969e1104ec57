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
  writeFileSync(file, `${block}\nexport { copy, model, report, stream, out };\n`);
  const logs: unknown[][] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => logs.push(a);
  try {
    const m = (await import(file)) as {
      report: { epochs: { trainLoss: number }[] };
      out: Float32Array;
      stream: { steps: number };
    };
    expect(m.report.epochs).toHaveLength(15);
    expect(m.report.epochs.at(-1)!.trainLoss).toBeLessThan(m.report.epochs[0]!.trainLoss);
    expect(Number.isFinite(m.out[0]!)).toBe(true);
    expect(m.stream.steps).toBe(12);
  } finally {
    console.log = orig;
  }
  expect(logs).toHaveLength(1);
});
