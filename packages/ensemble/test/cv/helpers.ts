import { expect } from 'vitest';
import type { Split } from '../../src/cv/split.js';

/** Splits as plain [train, test] arrays, the fixtures' form. */
export function asLists(splits: readonly Split[]): number[][][] {
  return splits.map((s) => [Array.from(s.train), Array.from(s.test)]);
}

/** Train and test of each split are ascending and disjoint, inside [0, n). */
export function expectWellFormed(splits: readonly Split[], n: number): void {
  for (const { train, test } of splits) {
    for (const a of [train, test]) {
      for (let i = 0; i < a.length; i++) {
        expect(a[i]).toBeGreaterThanOrEqual(0);
        expect(a[i]).toBeLessThan(n);
        if (i > 0) expect(a[i]).toBeGreaterThan(a[i - 1]!);
      }
    }
    const t = new Set(test);
    for (const r of train) expect(t.has(r)).toBe(false);
  }
}

/** Test folds are pairwise disjoint (and, when `partition`, cover every row). */
export function expectDisjointTests(splits: readonly Split[], n: number, partition: boolean): void {
  const seen = new Uint8Array(n);
  for (const { test } of splits) {
    for (const r of test) {
      expect(seen[r]).toBe(0);
      seen[r] = 1;
    }
  }
  if (partition) expect(seen.every((v) => v === 1)).toBe(true);
}
