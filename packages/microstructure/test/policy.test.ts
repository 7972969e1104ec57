/**
 * The package's one invalid-input policy, option validation at construction, and explicit
 * warm-up states, across calculators.
 */
import { ValidationError } from '@x/core';
import { describe, expect, it } from 'vitest';
import {
  BookFeatures,
  CancelBurstDetector,
  DepletionRate,
  L3QueueTracker,
  MicroPriceTracker,
  MultiLevelOfi,
  RollingTwap,
  RollingVwap,
  StoikovMicroPrice,
} from '../src/index.js';
import { book } from './books.js';

const locked = book(0, [[100, 1]], [[100, 2]], 1);
const crossed = book(1, [[101, 1]], [[100, 2]], 1);

describe('one onInvalid / allowLocked policy', () => {
  it('CancelBurstDetector.onBook and onCancel skip or throw; allowLocked accepts a locked book', () => {
    expect(() => new CancelBurstDetector({ levels: 1 }).onBook(locked)).toThrow(ValidationError);
    const d = new CancelBurstDetector({ levels: 1, onInvalid: 'skip' });
    expect(d.onBook(locked)).toBe(0);
    expect(d.onCancel(Number.NaN, 'buy', 0, 1)).toBe(false);
    expect(d.skipped).toBe(2);
    expect(new CancelBurstDetector({ levels: 1, allowLocked: true }).onBook(locked)).toBe(0);
  });

  it('RollingTwap.updateMid and update, RollingVwap.addTrade follow the policy', () => {
    expect(() => new RollingTwap({ windowMs: 10 }).updateMid(crossed)).toThrow(ValidationError);
    const t = new RollingTwap({ windowMs: 10, onInvalid: 'skip' });
    expect(t.updateMid(crossed)).toBe(false);
    expect(t.update(0, Number.NaN)).toBe(false);
    expect(t.skipped).toBe(2);
    expect(t.twap()).toBeUndefined();
    const tl = new RollingTwap({ windowMs: 10, allowLocked: true });
    expect(tl.updateMid(locked)).toBe(true);
    expect(tl.twap()).toBe(100);
    const v = new RollingVwap({ windowMs: 10, onInvalid: 'skip' });
    expect(v.addTrade(0, -1, 1)).toBe(false);
    expect(v.skipped).toBe(1);
  });

  it('MicroPriceTracker takes allowLocked and records the skip reason', () => {
    expect(() => new MicroPriceTracker().update(locked)).toThrow(ValidationError);
    expect(new MicroPriceTracker({ allowLocked: true }).update(locked)).toBe(true);
    const s = new MicroPriceTracker({ onInvalid: 'skip' });
    expect(s.update(book(0, [], [[100, 1]], 1))).toBe(false);
    expect(s.lastSkipReason).toMatch(/empty/);
  });
});

describe('options are validated at construction', () => {
  it('resyncEvery, windows, policies and bursts', () => {
    for (const resyncEvery of [0, -1, Number.NaN, 2.5]) {
      expect(() => new RollingTwap({ windowMs: 10, resyncEvery })).toThrow(/resyncEvery/);
      expect(() => new RollingVwap({ windowMs: 10, resyncEvery })).toThrow(/resyncEvery/);
    }
    expect(() => new RollingTwap({ windowMs: 10, onInvalid: 'ignore' as 'skip' })).toThrow();
    expect(() => new MultiLevelOfi({ allowLocked: 'yes' as unknown as boolean })).toThrow(
      /allowLocked/,
    );
    expect(() => new CancelBurstDetector({ keepBursts: 2.5 })).toThrow(/keepBursts/);
    expect(() => new CancelBurstDetector({ minCancels: Number.NaN })).toThrow(/minCancels/);
    expect(() => new BookFeatures({ tickSize: 1, bandTicks: Number.NaN })).toThrow(/bandTicks/);
    expect(() => new L3QueueTracker({ lotSize: Number.NaN })).toThrow(/lotSize/);
    expect(() => new MicroPriceTracker({ ewmaAlpha: Number.NaN })).toThrow(/ewmaAlpha/);
  });

  it('a micro-price state with unsorted or out-of-range bucket edges is refused', () => {
    const state = {
      tickSize: 0.01,
      imbalanceEdges: [0.6, 0.4],
      spreadStates: 1,
      adjustments: [0, 0, 0],
      firstOrder: [0, 0, 0],
      converged: true,
      iterations: 1,
      unobservedStates: 0,
      samples: 10,
    };
    expect(() => new StoikovMicroPrice(state)).toThrow(/inconsistent/);
    expect(() => new StoikovMicroPrice({ ...state, imbalanceEdges: [0.4, 1.5] })).toThrow();
    expect(() => new StoikovMicroPrice({ ...state, tickSize: Number.NaN })).toThrow();
    expect(new StoikovMicroPrice({ ...state, imbalanceEdges: [0.4, 0.6] }).imbalanceBuckets).toBe(
      3,
    );
  });
});

describe('warm-up is explicit', () => {
  it('ready flags say when a value is a measurement', () => {
    const ofi = new MultiLevelOfi({ levels: 1 });
    expect(ofi.ready).toBe(false);
    ofi.update(book(0, [[100, 1]], [[101, 1]], 1));
    expect(ofi.ready).toBe(false); // the first update's zeros are a convention
    ofi.update(book(1, [[100, 2]], [[101, 1]], 1));
    expect(ofi.ready).toBe(true);

    const mp = new MicroPriceTracker({ horizons: [2], horizonsMs: [5] });
    expect(mp.ready).toBe(false);
    mp.update(book(0, [[100, 1]], [[101, 1]], 1));
    mp.update(book(1, [[100, 1]], [[101, 1]], 1));
    expect(mp.ready).toBe(true);
    expect(Array.from(mp.momentumReady)).toEqual([0]);
    expect(Array.from(mp.momentumMsReady)).toEqual([0]);
    mp.update(book(6, [[100, 1]], [[101, 1]], 1));
    expect(Array.from(mp.momentumReady)).toEqual([1]);
    expect(Array.from(mp.momentumMsReady)).toEqual([1]);

    const f = new BookFeatures({ tickSize: 1 });
    expect(f.ready).toBe(false);
    f.update(book(0, [[100, 1]], [[101, 1]], 1));
    expect(f.ready).toBe(true);

    const d = new DepletionRate({ tauMs: 100 });
    expect(d.ready).toBe(false);
    d.start(0);
    d.observe(10, 1);
    expect(d.ready).toBe(true);

    const c = new CancelBurstDetector({ levels: 1, window: 3 });
    for (let i = 0; i < 3; i++) {
      expect(c.ready('buy', 0)).toBe(false);
      c.onCancel(i * 100, 'buy', 0, 1);
    }
    expect(c.ready('buy', 0)).toBe(true);
  });
});
