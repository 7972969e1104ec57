import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';

// The README's quick start runs as a test: the ```ts block is written next to this file and
// imported (vitest compiles it), with console.log captured.
const tmp = new URL('./.readme-quickstart.tmp.ts', import.meta.url);

describe('README quick start', () => {
  afterAll(() => rmSync(tmp, { force: true }));
  it('runs and prints what it says', async () => {
    const md = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(md)?.[1];
    expect(code).toBeDefined();
    writeFileSync(tmp, code as string);
    const logs: unknown[][] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      logs.push(a);
    });
    try {
      await import(tmp.href);
    } finally {
      spy.mockRestore();
    }
    expect(logs[0]).toEqual(['OFI of the last 1 s window by level:', [2, 0, 0]]);
    expect(logs[1]![0]).toBe(0.75);
  });
});
