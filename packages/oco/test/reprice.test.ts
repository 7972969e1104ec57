/** Table tests of the pure repricing and sizing functions (src/internal/reprice.ts, sizing.ts). */
import { describe, expect, it } from 'vitest';
import { XDec } from '../src/internal/exact.js';
import type { OffsetRec } from '../src/internal/records.js';
import { anchoredPrice, breakEvenStop, offsetTicks, trail } from '../src/internal/reprice.js';
import { exitRelease, plannedShare } from '../src/internal/sizing.js';

const ticks = (n: number): OffsetRec => ({ kind: 'ticks', amount: String(n) });
const bps = (n: number): OffsetRec => ({ kind: 'bps', amount: String(n) });
const atr = (n: number): OffsetRec => ({ kind: 'atr', amount: String(n) });

describe('anchoredPrice: exits anchored on the average entry, rounded to the safe side', () => {
  // [offset, notional, filled, atr, long, stop, expected]
  const rows: [
    OffsetRec,
    number | string,
    number,
    number | null,
    boolean,
    boolean,
    number | null,
  ][] = [
    [ticks(10), 1_000_000, 100, null, true, true, 9_990], // long stop: avg 10000 - 10
    [ticks(10), 1_000_000, 100, null, true, false, 10_010], // long target
    [ticks(10), 1_000_000, 100, null, false, true, 10_010], // short stop above
    [ticks(10), 1_000_000, 100, null, false, false, 9_990], // short target below
    [ticks(0), 1_000_001, 100, null, true, true, 10_000], // avg 10000.01: long stop rounds down
    [ticks(0), 1_000_001, 100, null, true, false, 10_001], // long target rounds up
    [ticks(0), 1_000_001, 100, null, false, true, 10_001], // short stop rounds up
    [ticks(0), 1_000_001, 100, null, false, false, 10_000], // short target rounds down
    [bps(100), 1_000_000, 100, null, true, true, 9_900],
    [bps(100), 1_000_000, 100, null, true, false, 10_100],
    [bps(2.5), 1_000_000, 100, null, true, false, 10_003], // 10002.5 rounds up
    [atr(2), 1_000_000, 100, 7.5, true, true, 9_985],
    [atr(2), 1_000_000, 100, null, true, true, null], // no volatility input yet
    [ticks(1), '121932628529919243', 12_345_678_901, null, true, false, 9_876_544], // past 2^53
    [ticks(1), '1219326285299192430.5', 123_456_789_010, null, true, true, 9_876_542], // off grid
  ];
  it.each(rows)(
    '%o on %s / %d (atr %s, long %s, stop %s) -> %s',
    (o, n, f, a, long, stop, want) => {
      const notional = typeof n === 'number' ? n : new XDec(n);
      expect(anchoredPrice(o, notional, f, a, long, stop)).toBe(want);
    },
  );
});

describe('trail: activation, ratchet in the favourable direction only', () => {
  const start = { active: false, bestTicks: null, stopTicks: null };
  it.each([
    // [long, activation, last prices, expected stops after each]
    [true, null, [100, 105, 103, 110], [90, 95, 95, 100]],
    [true, 104, [100, 103, 104, 102, 108], [null, null, 94, 94, 98]],
    [false, null, [100, 95, 97, 90], [110, 105, 105, 100]],
    [false, 96, [100, 97, 96, 99], [null, null, 106, 106]],
  ] as const)('long %s, activation %s: %o -> %o', (long, act, lasts, stops) => {
    let s: ReturnType<typeof trail> = start;
    lasts.forEach((last, i) => {
      s = trail(s, long, act, ticks(10), last, null);
      expect(s.stopTicks).toBe(stops[i]);
    });
  });
  it('an unchanged state is the same object (the manager sees no move)', () => {
    const s = trail(start, true, null, ticks(10), 100, null);
    expect(trail(s, true, null, ticks(10), 99, null)).toBe(s);
  });
});

describe('breakEvenStop: armed once the market is far enough in profit', () => {
  it.each([
    // [long, after, plus, notional, pos, last, expected]
    [true, ticks(50), 0, 1_000_000, 100, 10_049, null],
    [true, ticks(50), 0, 1_000_000, 100, 10_050, 10_000],
    [true, ticks(50), 2, 1_000_001, 100, 10_060, 10_003], // ceil(10000.01) + 2
    [false, ticks(50), 1, 1_000_001, 100, 9_950, 9_999], // floor(10000.01) - 1
    [true, bps(100), 0, 1_000_000, 100, 10_100, 10_000],
    [true, atr(1), 0, 1_000_000, 100, 10_100, null],
  ] as const)(
    'long %s after %o plus %d at %d/%d, last %d -> %s',
    (long, after, plus, n, pos, last, want) => {
      expect(breakEvenStop(long, after, plus, n, pos, last, null)).toBe(want);
    },
  );
  it('offsetTicks reads each unit', () => {
    expect([
      offsetTicks(ticks(3), 10_000, null),
      offsetTicks(bps(10), 10_000, null),
      offsetTicks(atr(2), 0, 4),
    ]).toEqual([3, 10, 8]);
  });
});

describe('exit sizing', () => {
  it('plannedShare splits the position by weight and the shares sum exactly', () => {
    const weights = [1, 2, 3];
    for (const pos of [0, 1, 5, 7, 100, 2 ** 53 - 1]) {
      let cum = 0;
      let sum = 0;
      for (const w of weights) {
        sum += plannedShare(cum, w, 6, pos);
        cum += w;
      }
      expect(sum).toBe(pos);
    }
    expect([plannedShare(0, 1, 3, 10), plannedShare(1, 2, 3, 10)]).toEqual([3, 7]);
  });

  // the OTO release decision table, row by row
  const partial = { otoTrigger: 'partial', parentCancel: 'keep-filled' } as const;
  const full = { otoTrigger: 'full', parentCancel: 'keep-filled' } as const;
  const cancelAll = { otoTrigger: 'partial', parentCancel: 'cancel-all' } as const;
  const x = (
    cancelledAll: boolean,
    entriesOver: boolean,
    fullyFilled: boolean,
    anyFilled: boolean,
  ) => ({
    cancelledAll,
    entriesOver,
    fullyFilled,
    anyFilled,
  });
  it.each([
    [x(true, false, false, true), partial, 'drop', 'group-cancelled'],
    [x(false, true, false, true), cancelAll, 'drop', 'parent-cancel-all'],
    [x(false, true, true, true), cancelAll, 'release', null],
    [x(false, false, false, true), partial, 'release', null],
    [x(false, false, false, false), partial, 'wait', null],
    [x(false, false, false, true), full, 'wait', null],
    [x(false, false, true, true), full, 'release', null],
    [x(false, true, false, true), full, 'release', null],
    [x(false, true, false, false), full, 'drop', 'entry-ended-unfilled'],
  ] as const)('%o under %o -> %s (%s)', (inputs, pol, decision, cause) => {
    expect(exitRelease(inputs, pol)).toEqual({ decision, cause });
  });
});
