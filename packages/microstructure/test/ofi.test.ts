import { readFileSync } from 'node:fs';
import { ValidationError } from '@x/core';
import { expectArraysClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MultiLevelOfi, multiLevelOfiBatch, OfiWindow, ofiContribution } from '../src/index.js';
import { book, bookSpecArb, buildBooks, TICK, toRows } from './books.js';

describe('ofiContribution (Cont, Kukanov & Stoikov 2014)', () => {
  // hand-computed from e_n = 1{Pb>=Pb'}qb - 1{Pb<=Pb'}qb' - 1{Pa<=Pa'}qa + 1{Pa>=Pa'}qa'
  const cases: [string, number[], number][] = [
    ['bid queue grows, prices unchanged', [100, 5, 101, 4, 100, 7, 101, 4], 2],
    ['ask queue grows', [100, 5, 101, 4, 100, 5, 101, 9], -5],
    ['both queues shrink', [100, 5, 101, 4, 100, 2, 101, 1], -3 + 3],
    ['bid improves: new size counts whole', [100, 5, 101, 4, 100.5, 3, 101, 4], 3],
    ['bid depleted: previous size subtracted', [100, 5, 101, 4, 99, 8, 101, 4], -5],
    ['ask improves: new size subtracted', [100, 5, 101, 4, 100, 5, 100.5, 2], -2],
    ['ask depleted: previous size added', [100, 5, 101, 4, 100, 5, 102, 7], 4],
    ['both sides move up', [100, 5, 101, 4, 101, 1, 102, 6], 1 + 4],
    ['bid side empties', [100, 5, 101, 4, 0, 0, 101, 4], -5],
    ['bid side appears', [0, 0, 101, 4, 100, 6, 101, 4], 6],
    ['ask side empties', [100, 5, 101, 4, 100, 5, 0, 0], 4],
  ];
  for (const [name, a, want] of cases) {
    it(name, () => {
      expect(ofiContribution(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!)).toBe(want);
    });
  }
  it('rejects NaN and negative sizes', () => {
    expect(() => ofiContribution(100, Number.NaN, 101, 4, 100, 5, 101, 4)).toThrow(ValidationError);
    expect(() => ofiContribution(100, 5, 101, 4, 100, -1, 101, 4)).toThrow(ValidationError);
  });
});

describe('MultiLevelOfi (Xu, Gould & Howison 2019)', () => {
  const b0 = book(
    0,
    [
      [100, 5],
      [99.99, 3],
      [99.98, 2],
    ],
    [
      [100.01, 4],
      [100.02, 6],
      [100.04, 1],
    ],
    3,
  );
  // the 99.99 level is cancelled; asks: 100.02 grows, 100.03 appears
  const b1 = book(
    1,
    [
      [100, 5],
      [99.98, 2],
    ],
    [
      [100.01, 4],
      [100.02, 8],
      [100.03, 2],
    ],
    3,
  );

  it('depth mode: m-th non-empty level (hand-computed)', () => {
    const ofi = new MultiLevelOfi({ levels: 3 });
    expect(ofi.levelMode).toBe('depth');
    ofi.update(b0);
    expect(Array.from(ofi.last)).toEqual([0, 0, 0]);
    ofi.update(b1);
    // level 2 bid: 99.98 < 99.99 -> -3; level 3 bid: empty (-inf) < 99.98 -> -2
    // level 2 ask: same price 4->... 6 -> 8: -8 + 6 = -2; level 3 ask: 100.03 < 100.04 -> -2
    expectArraysClose(ofi.last, [0, -3 - 2, -2 - 2]);
    expect(ofi.lastDepth).toBeCloseTo((5 + 2 + 4 + 8 + 2) / 6, 12);
  });

  it('tick mode: levels by tick distance from the best (hand-computed)', () => {
    const ofi = new MultiLevelOfi({ levels: 4, levelMode: 'tick', tickSize: TICK });
    ofi.update(b0);
    ofi.update(b1);
    // bid grid 0..3: [5,3,2,0] -> [5,0,2,0]; ask grid [4,6,0,1] -> [4,8,2,0]
    // same best prices: e = dqb - dqa per level
    expectArraysClose(ofi.last, [0, -3 - 2, 0 - 2, 0 + 1]);
  });

  it('tick mode: a moving best shifts the whole grid', () => {
    const ofi = new MultiLevelOfi({ levels: 2, levelMode: 'tick', tickSize: 1 });
    ofi.update(
      book(
        0,
        [
          [100, 5],
          [99, 3],
        ],
        [
          [102, 4],
          [103, 1],
        ],
        2,
      ),
    );
    ofi.update(
      book(
        1,
        [
          [101, 2],
          [100, 5],
        ],
        [
          [102, 4],
          [103, 1],
        ],
        2,
      ),
    );
    // bid improved: + new grid sizes [2, 5]; ask unchanged prices, unchanged sizes
    expectArraysClose(ofi.last, [2, 5]);
  });

  it('tick mode rejects an off-grid price', () => {
    const ofi = new MultiLevelOfi({ levels: 2, levelMode: 'tick', tickSize: 1 });
    expect(() =>
      ofi.update(
        book(
          0,
          [
            [100, 5],
            [99.5, 3],
          ],
          [[102, 4]],
          2,
        ),
      ),
    ).toThrow(/tick grid/);
    expect(ofi.accepted).toBe(0);
  });

  it('level 1 equals ofiContribution on random streams', () => {
    fc.assert(
      fc.property(fc.array(bookSpecArb(3, 0), { minLength: 2, maxLength: 30 }), (specs) => {
        const books = buildBooks(specs, 3);
        const ofi = new MultiLevelOfi({ levels: 1 });
        ofi.update(books[0]!);
        for (let i = 1; i < books.length; i++) {
          ofi.update(books[i]!);
          const p = books[i - 1]!;
          const c = books[i]!;
          const want = ofiContribution(
            p.bidPrice[0]!,
            p.bidSize[0]!,
            p.askPrice[0]!,
            p.askSize[0]!,
            c.bidPrice[0]!,
            c.bidSize[0]!,
            c.askPrice[0]!,
            c.askSize[0]!,
          );
          expect(ofi.last[0]).toBe(want);
        }
      }),
      fcParams(),
    );
  });

  it('tick and depth conventions agree on gap-free books', () => {
    fc.assert(
      fc.property(fc.array(bookSpecArb(6, 0), { minLength: 2, maxLength: 40 }), (specs) => {
        // contiguous levels on both sides, full to the 6th level: the m-th non-empty level is the
        // level m ticks from the best
        const books = buildBooks(
          specs.map((x) => ({
            ...x,
            nb: 6,
            na: 6,
            bidGaps: [1, 1, 1, 1, 1, 1],
            askGaps: [1, 1, 1, 1, 1, 1],
          })),
          6,
        );
        const d = new MultiLevelOfi({ levels: 4 });
        const t = new MultiLevelOfi({ levels: 4, levelMode: 'tick', tickSize: TICK });
        for (const b of books) {
          d.update(b);
          t.update(b);
          expect(Array.from(t.last)).toEqual(Array.from(d.last));
        }
      }),
      fcParams(),
    );
  });

  it('with fixed prices the OFI of a level telescopes to Δqb - Δqa', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 })), {
          minLength: 2,
          maxLength: 40,
        }),
        (sizes) => {
          const ofi = new MultiLevelOfi({ levels: 1 });
          let sum = 0;
          sizes.forEach(([qb, qa], i) => {
            ofi.update(book(i, [[10, qb]], [[11, qa]], 1));
            sum += ofi.last[0]!;
          });
          const [qb0, qa0] = sizes[0]!;
          const [qb1, qa1] = sizes[sizes.length - 1]!;
          expect(sum).toBe(qb1 - qb0 - (qa1 - qa0));
        },
      ),
      fcParams(),
    );
  });

  for (const mode of ['depth', 'tick'] as const) {
    it(`streaming equals batch on partly invalid streams (${mode} mode, skip policy)`, () => {
      const opts = { levels: 4, levelMode: mode, tickSize: TICK, onInvalid: 'skip' } as const;
      fc.assert(
        fc.property(fc.array(bookSpecArb(5, 0.3), { maxLength: 60 }), (specs) => {
          // the flat batch layout cannot carry a wrong level count: drop that corruption
          const books = buildBooks(
            specs.filter((s) => s.corrupt !== 'levels'),
            5,
          );
          const ofi = new MultiLevelOfi(opts);
          const batch = multiLevelOfiBatch(toRows(books, 5), opts);
          let skipped = 0;
          books.forEach((b, i) => {
            const ok = ofi.update(b);
            expect(batch.accepted[i]).toBe(ok ? 1 : 0);
            if (ok) {
              expect(Array.from(batch.ofi.subarray(i * 4, i * 4 + 4))).toEqual(
                Array.from(ofi.last),
              );
              expect(batch.depth[i]).toBe(ofi.lastDepth);
            } else {
              skipped++;
              expect(Array.from(batch.ofi.subarray(i * 4, i * 4 + 4))).toEqual([0, 0, 0, 0]);
            }
          });
          expect(batch.skipped).toBe(skipped);
          expect(ofi.skipped).toBe(skipped);
        }),
        fcParams(),
      );
    });

    it(`no NaN leaks and only ValidationError escapes (${mode} mode)`, () => {
      fc.assert(
        fc.property(
          fc.array(bookSpecArb(5, 0.4), { maxLength: 60 }),
          fc.constantFrom('throw', 'skip'),
          (specs, onInvalid) => {
            const books = buildBooks(specs, 5);
            const ofi = new MultiLevelOfi({
              levels: 5,
              levelMode: mode,
              tickSize: TICK,
              onInvalid,
            });
            const win = new OfiWindow({ levels: 5, ms: 20 });
            for (const b of books) {
              let ok = false;
              try {
                ok = ofi.update(b);
              } catch (e) {
                expect(onInvalid).toBe('throw');
                expect(ValidationError.isInstance(e)).toBe(true);
              }
              if (ok) win.addFrom(ofi);
              for (const v of ofi.last) expect(Number.isFinite(v)).toBe(true);
              for (const v of win.completed) expect(Number.isFinite(v)).toBe(true);
              expect(Number.isFinite(ofi.lastDepth)).toBe(true);
              expect(Number.isFinite(win.completedDepth)).toBe(true);
            }
          },
        ),
        fcParams(),
      );
    });
  }

  it('throws a typed error naming the problem and keeps its state', () => {
    const ofi = new MultiLevelOfi({ levels: 3 });
    ofi.update(b0);
    const crossed = book(2, [[101, 1]], [[100, 1]], 3);
    expect(() => ofi.update(crossed)).toThrow(/crossed/);
    expect(() => ofi.update(book(-5, [[100, 1]], [[101, 1]], 3))).toThrow(/ts/);
    expect(() => ofi.update(book(5, [[100, 1]], [[101, 1]], 4))).toThrow(/levels/);
    const neg = book(5, [[100, -1]], [[101, 1]], 3);
    expect(() => ofi.update(neg)).toThrow(ValidationError);
    expect(ofi.accepted).toBe(1);
    ofi.update(b1);
    expectArraysClose(ofi.last, [0, -5, -4]);
    // a rejected update leaves zeros in `last` (like a skipped batch row), not stale values
    expect(() => ofi.update(crossed)).toThrow(ValidationError);
    expect(Array.from(ofi.last)).toEqual([0, 0, 0]);
  });

  it('batch reports the first invalid row under the throw policy', () => {
    const rows = toRows([b0, b1, book(0, [[100, 1]], [[101, 1]], 3)], 3);
    try {
      multiLevelOfiBatch(rows, { levels: 3 });
      expect.unreachable();
    } catch (e) {
      expect(ValidationError.isInstance(e)).toBe(true);
      expect((e as ValidationError).details.row).toBe(2);
    }
  });

  it('validates options', () => {
    expect(() => new MultiLevelOfi({ levels: 0 })).toThrow(ValidationError);
    expect(() => new MultiLevelOfi({ levelMode: 'tick' })).toThrow(/tickSize/);
    expect(() => new MultiLevelOfi({ onInvalid: 'ignore' as 'skip' })).toThrow(ValidationError);
    expect(() => new MultiLevelOfi({ levels: 10 }).update(b0)).toThrow(/levels/);
  });
});

describe('multi-level OFI against an independent numpy implementation (fixture)', () => {
  const fx = JSON.parse(
    readFileSync(new URL('./fixtures/mlofi.json', import.meta.url), 'utf8'),
  ) as {
    rows: number;
    levels: number;
    ofiLevels: number;
    bidPrice: number[];
    bidSize: number[];
    askPrice: number[];
    askSize: number[];
    depthMode: number[];
    tickMode: number[];
  };
  const rows = {
    rows: fx.rows,
    levels: fx.levels,
    bidPrice: Float64Array.from(fx.bidPrice),
    bidSize: Float64Array.from(fx.bidSize),
    askPrice: Float64Array.from(fx.askPrice),
    askSize: Float64Array.from(fx.askSize),
  };
  for (const mode of ['depth', 'tick'] as const) {
    it(`${mode} convention: batch and streaming equal the fixture exactly`, () => {
      const want = mode === 'depth' ? fx.depthMode : fx.tickMode;
      const opts = { levels: fx.ofiLevels, levelMode: mode, tickSize: 1 } as const;
      const batch = multiLevelOfiBatch(rows, opts);
      expect(batch.skipped).toBe(0);
      expectArraysClose(batch.ofi, want, { atol: 0 }, `${mode} batch`);
      const ofi = new MultiLevelOfi(opts);
      const got = new Float64Array(fx.rows * fx.ofiLevels);
      const n = fx.levels;
      for (let r = 0; r < fx.rows; r++) {
        ofi.update({
          ts: r,
          bidPrice: rows.bidPrice.subarray(r * n, (r + 1) * n),
          bidSize: rows.bidSize.subarray(r * n, (r + 1) * n),
          askPrice: rows.askPrice.subarray(r * n, (r + 1) * n),
          askSize: rows.askSize.subarray(r * n, (r + 1) * n),
        });
        got.set(ofi.last, r * fx.ofiLevels);
      }
      expectArraysClose(got, want, { atol: 0 }, `${mode} streaming`);
    });
  }
});

describe('OfiWindow', () => {
  it('sums tumbling time windows with half-open boundaries', () => {
    const w = new OfiWindow({ levels: 2, ms: 10 });
    expect(w.add(0, [1, 2], 4)).toBe(0);
    expect(w.add(9.5, [3, 4], 6)).toBe(0);
    expect(w.add(10, [5, 6], 8)).toBe(1); // 10 starts the next window
    expect(Array.from(w.completed)).toEqual([4, 6]);
    expect(w.completedDepth).toBe(5);
    expect(w.completedStart).toBe(0);
    expect(w.completedEvents).toBe(2);
    expect(w.add(35, [1, 1], 2)).toBe(2); // closes [10,20) and the empty [20,30)
    // the window holding the update is the one kept; the empty one after it is counted
    expect(Array.from(w.completed)).toEqual([5, 6]);
    expect(w.completedStart).toBe(10);
    expect(w.completedEnd).toBe(20);
    expect(w.gapWindows).toBe(1);
    expect(
      [...w.closedWindows()].map((r) => [r.start, r.end, Array.from(r.ofi), r.events]),
    ).toEqual([
      [10, 20, [5, 6], 1],
      [20, 30, [0, 0], 0],
    ]);
    expect(w.windowsCompleted).toBe(3);
    expect(w.flush()).toBe(1);
    expect(Array.from(w.completed)).toEqual([1, 1]);
    expect(w.completedStart).toBe(30);
  });

  it('delivers every closed window to onWindow, in order, gaps included', () => {
    const got: [number, number, number[], number, number][] = [];
    const w = new OfiWindow({
      levels: 2,
      ms: 10,
      onWindow: (r) => got.push([r.start, r.end, Array.from(r.ofi), r.depth, r.events]),
    });
    w.add(0, [1, 2], 4);
    w.add(9.5, [3, 4], 6);
    w.add(10, [5, 6], 8);
    w.add(35, [1, 1], 2);
    w.flush();
    expect(got).toEqual([
      [0, 10, [4, 6], 5, 2],
      [10, 20, [5, 6], 8, 1],
      [20, 30, [0, 0], 0, 0],
      [30, 40, [1, 1], 2, 1],
    ]);
  });

  it('a window closed together with empty ones is not lost (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -5, max: 5 })), {
          maxLength: 80,
        }),
        (steps) => {
          const seen: [number, number][] = [];
          const w = new OfiWindow({
            levels: 1,
            ms: 10,
            onWindow: (r) => seen.push([r.start, r.ofi[0]!]),
          });
          const viaIter: [number, number][] = [];
          const want = new Map<number, number>();
          let ts = 0;
          for (const [dt, e] of steps) {
            ts += dt;
            const k = Math.floor(ts / 10) * 10;
            want.set(k, (want.get(k) ?? 0) + e);
            if (w.add(ts, [e], 1) > 0)
              for (const r of w.closedWindows()) viaIter.push([r.start, r.ofi[0]!]);
          }
          if (w.flush() > 0) for (const r of w.closedWindows()) viaIter.push([r.start, r.ofi[0]!]);
          expect(viaIter).toEqual(seen);
          expect(w.windowsCompleted).toBe(seen.length);
          // consecutive windows from the first update's to the last one's, with the right sums
          if (steps.length > 0) {
            const first = Math.min(...want.keys());
            expect(seen.map((x) => x[0])).toEqual(seen.map((_, i) => first + 10 * i));
            for (const [start, sum] of seen) expect(sum).toBe(want.get(start) ?? 0);
          }
        },
      ),
      fcParams(),
    );
  });

  it('non-integer ms: boundaries are the decimal grid exactly (ms 0.1: 30 of 30)', () => {
    const starts: number[] = [];
    const w = new OfiWindow({ levels: 1, ms: 0.1, onWindow: (r) => starts.push(r.start) });
    // one update stamped at each boundary k/10, written as a decimal
    for (let k = 0; k <= 30; k++) w.add(Number((k / 10).toFixed(1)), [k], 1);
    expect(starts).toEqual(Array.from({ length: 30 }, (_, k) => Number((k / 10).toFixed(1))));
    expect(w.completedEvents).toBe(1);
    // with an origin and a non-integer width
    const s2: number[] = [];
    const w2 = new OfiWindow({
      levels: 1,
      ms: 0.3,
      originMs: 1000.1,
      onWindow: (r) => s2.push(r.start),
    });
    for (const t of [1000.1, 1000.4, 1000.7, 1001.0, 1001.3]) w2.add(t, [1], 1);
    expect(s2).toEqual([1000.1, 1000.4, 1000.7, 1001.0]);
  });

  it('flush() closes the open window; its period then ends (no merge into the next window)', () => {
    const got: [number, number][] = [];
    const w = new OfiWindow({ levels: 1, ms: 10, onWindow: (r) => got.push([r.start, r.events]) });
    w.add(1, [1], 1);
    expect(w.flush()).toBe(1);
    expect(w.flush()).toBe(0);
    expect(() => w.add(5, [1], 1)).toThrow(/flush/);
    expect(w.add(12, [1], 1)).toBe(0); // the next window [10, 20) opens
    expect(w.add(31, [1], 1)).toBe(2); // [10, 20) and the empty [20, 30)
    expect(got).toEqual([
      [0, 1],
      [10, 1],
      [20, 0],
    ]);
  });

  it('addFrom after a skipped update adds nothing (no phantom event)', () => {
    const ofi = new MultiLevelOfi({ levels: 1, onInvalid: 'skip' });
    const w = new OfiWindow({ levels: 1, events: 100 });
    expect(w.addFrom(ofi)).toBe(0); // nothing accepted yet
    expect(w.currentEvents).toBe(0);
    ofi.update(book(0, [[100, 1]], [[101, 1]], 1));
    w.addFrom(ofi);
    expect(ofi.update(book(1, [[101, 1]], [[100, 1]], 1))).toBe(false); // crossed: skipped
    w.addFrom(ofi);
    w.addFrom(ofi);
    expect(w.currentEvents).toBe(1);
    ofi.update(book(2, [[100, 2]], [[101, 1]], 1));
    w.addFrom(ofi);
    expect(w.currentEvents).toBe(2);
    expect(w.current[0]).toBe(1);
  });

  it('sums tumbling event windows', () => {
    const w = new OfiWindow({ levels: 1, events: 3 });
    const closes = [1, 2, 3, 4, 5, 6, 7].map((v, i) => w.add(i, [v], 1));
    expect(closes).toEqual([0, 0, 1, 0, 0, 1, 0]);
    expect(w.completed[0]).toBe(4 + 5 + 6);
    expect(w.completedStart).toBe(3);
    expect(Array.from(w.current)).toEqual([7]);
  });

  it('addFrom equals add with the calculator fields', () => {
    const a = new OfiWindow({ levels: 2, ms: 3 });
    const b = new OfiWindow({ levels: 2, ms: 3 });
    const ofi = new MultiLevelOfi({ levels: 2 });
    for (let t = 0; t < 12; t++) {
      ofi.update(
        book(
          t,
          [
            [100, 1 + (t % 4)],
            [99, 2],
          ],
          [
            [101, 3],
            [102, 1 + (t % 3)],
          ],
          2,
        ),
      );
      expect(a.addFrom(ofi)).toBe(b.add(t, ofi.last, ofi.lastDepth));
      expect(Array.from(a.completed)).toEqual(Array.from(b.completed));
      expect(a.completedDepth).toBe(b.completedDepth);
    }
  });

  it('rejects bad input', () => {
    expect(() => new OfiWindow({ levels: 1 })).toThrow(ValidationError);
    expect(() => new OfiWindow({ levels: 1, events: 2, ms: 3 })).toThrow(ValidationError);
    const w = new OfiWindow({ levels: 1, ms: 5 });
    w.add(10, [1], 1);
    expect(() => w.add(9, [1], 1)).toThrow(/ts/);
    expect(() => w.add(11, [Number.NaN], 1)).toThrow(ValidationError);
    expect(() => w.add(11, [], 1)).toThrow(ValidationError);
  });
});
