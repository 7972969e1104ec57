/**
 * OfiWindow on real data: the LOBSTER AAPL sample (shared material, never committed; skipped with
 * a message where it is absent) in 100 ms time windows. Every closed window must be delivered, in
 * order, gap windows included, and each must equal an independent batch computation: window
 * indices from the timestamps' decimal digits in integer nanoseconds (no floating-point floor),
 * per-update OFI from the definition with branches (Cont, Kukanov & Stoikov 2014, per level as Xu,
 * Gould & Howison 2019), summed per window.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { L2Snapshot } from '@x/core';
import { expectClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import { MultiLevelOfi, OfiWindow, type OfiWindowRecord } from '../src/index.js';

const shared = process.env.X_SHARED ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared');
const dir = join(shared, 'data', 'real', 'yilezheng-orderbook-hls');
const stem = 'AAPL_2012-06-21_34200000_57600000';
const present = existsSync(join(dir, `${stem}_orderbook_10.csv`));
if (!present) {
  console.warn(`ofi-window-lobster.test.ts: ${dir} not found, real-data window checks skipped`);
}

const N = 10;
const WINDOW_NS = 100_000_000n; // 100 ms

interface Update {
  /** Time in ms, the double nearest to the decimal timestamp. */
  readonly ms: number;
  /** Time in integer nanoseconds after midnight, exact. */
  readonly ns: bigint;
  readonly book: L2Snapshot;
}

/** "34200.004241176" (seconds, up to 9 decimals) in exact integer nanoseconds and in ms. */
function parseTime(s: string): { ns: bigint; ms: number } {
  const [int, frac = ''] = s.split('.');
  const digits = frac.padEnd(9, '0');
  const ns = BigInt(int as string) * 1_000_000_000n + BigInt(digits);
  // the decimal point moved three places: the double nearest to the decimal number of ms
  const ms = Number(`${int}${digits.slice(0, 3)}.${digits.slice(3)}`);
  return { ns, ms };
}

function load(): Update[] {
  const lines = (f: string) => readFileSync(join(dir, f), 'utf8').trim().split('\n');
  const msg = lines(`${stem}_message_10.csv`);
  const book = lines(`${stem}_orderbook_10.csv`);
  return book.map((line, i) => {
    const v = line.split(',').map(Number);
    const t = parseTime((msg[i] as string).split(',')[0] as string);
    const b: L2Snapshot = {
      ts: t.ms,
      bidPrice: new Float64Array(N),
      bidSize: new Float64Array(N),
      askPrice: new Float64Array(N),
      askSize: new Float64Array(N),
    };
    // LOBSTER: per level ask price, ask size, bid price, bid size; an empty level has size 0
    // (and a dummy price ±9999999999)
    for (let k = 0; k < N; k++) {
      b.askPrice[k] = (v[4 * k] as number) / 1e4;
      b.askSize[k] = v[4 * k + 1] as number;
      b.bidPrice[k] = (v[4 * k + 2] as number) / 1e4;
      b.bidSize[k] = v[4 * k + 3] as number;
    }
    return { ms: t.ms, ns: t.ns, book: b };
  });
}

/** e_n at level k from the definition, with branches; empty levels at ∓∞. */
function ofiAt(p: L2Snapshot, c: L2Snapshot, k: number): number {
  const qb0 = p.bidSize[k] as number;
  const qb1 = c.bidSize[k] as number;
  const qa0 = p.askSize[k] as number;
  const qa1 = c.askSize[k] as number;
  const b0 = qb0 > 0 ? (p.bidPrice[k] as number) : Number.NEGATIVE_INFINITY;
  const b1 = qb1 > 0 ? (c.bidPrice[k] as number) : Number.NEGATIVE_INFINITY;
  const a0 = qa0 > 0 ? (p.askPrice[k] as number) : Number.POSITIVE_INFINITY;
  const a1 = qa1 > 0 ? (c.askPrice[k] as number) : Number.POSITIVE_INFINITY;
  let e = 0;
  if (b1 >= b0) e += qb1;
  if (b1 <= b0) e -= qb0;
  if (a1 <= a0) e -= qa1;
  if (a1 >= a0) e += qa0;
  return e;
}

interface Expected {
  readonly k: bigint;
  readonly ofi: number[];
  readonly depth: number;
  readonly events: number;
}

/** The batch computation: updates grouped by exact window index, gap windows empty. */
function batchWindows(updates: Update[]): Expected[] {
  const byK = new Map<bigint, { ofi: number[]; depth: number; events: number }>();
  updates.forEach((u, i) => {
    const k = u.ns / WINDOW_NS;
    const w = byK.get(k) ?? { ofi: new Array<number>(N).fill(0), depth: 0, events: 0 };
    const prev = i > 0 ? (updates[i - 1] as Update).book : undefined;
    for (let m = 0; m < N; m++) w.ofi[m]! += prev === undefined ? 0 : ofiAt(prev, u.book, m);
    let d = 0;
    for (let m = 0; m < N; m++) d += (u.book.bidSize[m] as number) + (u.book.askSize[m] as number);
    w.depth += d / (2 * N);
    w.events++;
    byK.set(k, w);
  });
  const first = (updates[0] as Update).ns / WINDOW_NS;
  const last = (updates[updates.length - 1] as Update).ns / WINDOW_NS;
  const out: Expected[] = [];
  for (let k = first; k <= last; k++) {
    const w = byK.get(k);
    out.push(
      w === undefined
        ? { k, ofi: new Array<number>(N).fill(0), depth: 0, events: 0 }
        : { k, ofi: w.ofi, depth: w.depth / w.events, events: w.events },
    );
  }
  return out;
}

function copy(w: OfiWindowRecord) {
  return { start: w.start, end: w.end, ofi: Array.from(w.ofi), depth: w.depth, events: w.events };
}

describe.skipIf(!present)('OfiWindow on the real LOBSTER AAPL sample, 100 ms windows', () => {
  const updates = present ? load() : [];

  it('delivers every closed window, in order, each equal to the batch computation', () => {
    const expected = batchWindows(updates);
    const delivered: ReturnType<typeof copy>[] = [];
    const ofi = new MultiLevelOfi({ levels: N });
    const win = new OfiWindow({ levels: N, ms: 100, onWindow: (w) => delivered.push(copy(w)) });
    let closedCount = 0;
    let multi = 0;
    for (const u of updates) {
      expect(ofi.update(u.book)).toBe(true);
      const before = delivered.length;
      const closed = win.addFrom(ofi);
      closedCount += closed;
      expect(delivered.length - before).toBe(closed);
      if (closed > 0) {
        // the iterator gives the same windows as the callback for this call
        expect([...win.closedWindows()].map(copy)).toEqual(delivered.slice(before));
        if (closed > 1) multi++;
      }
    }
    closedCount += win.flush();
    expect(closedCount).toBe(delivered.length);
    // the sample has gaps longer than a window: updates that close several windows at once
    expect(multi).toBeGreaterThan(10);
    expect(delivered.length).toBe(expected.length);
    expect(win.windowsCompleted).toBe(expected.length);
    let nonEmpty = 0;
    delivered.forEach((w, i) => {
      const e = expected[i] as Expected;
      expect(w.start).toBe(Number(e.k) * 100);
      expect(w.end).toBe(Number(e.k + 1n) * 100);
      expect(w.events).toBe(e.events);
      // integer sizes: the sums are exact
      expect(w.ofi).toEqual(e.ofi);
      expectClose(w.depth, e.depth, { rtol: 1e-12, atol: 0 });
      if (e.events > 0) nonEmpty++;
    });
    expect(delivered.reduce((s, w) => s + w.events, 0)).toBe(updates.length);
    expect(nonEmpty).toBeGreaterThan(100);
  });
});
