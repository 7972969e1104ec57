import { Dec, Instrument } from '@x/core';
import { describe, expect, it } from 'vitest';
import {
  bracket,
  maxNotional,
  maxPosition,
  minOrderSize,
  priceBand,
  type RiskRequest,
  reduceOnlyConsistency,
  SPOT_OCO_VENUE,
} from '../src/index.js';
import { Harness, longBracket } from './helpers/harness.js';

const XYZ = Instrument.create({
  symbol: 'XYZ',
  tickSize: '0.01',
  lotSize: '1',
  minQty: '2',
  minNotional: '150',
});

function req(over: Partial<RiskRequest> = {}): RiskRequest {
  return {
    kind: 'submit',
    groupId: 'g',
    legId: 'entry',
    role: 'entry',
    instrument: XYZ,
    side: 'buy',
    openQty: Dec(5),
    price: Dec(100),
    stopPrice: undefined,
    position: Dec(0),
    projectedPosition: Dec(5),
    symbolProjectedPosition: Dec(5),
    accountProjectedNotional: Dec(500),
    reference: Dec(100),
    ...over,
  };
}

describe('risk checks', () => {
  it('maxPosition looks at the projected position of entries only', () => {
    const c = maxPosition('5');
    expect(c(req())).toBeNull();
    expect(c(req({ projectedPosition: Dec(6) }))).toMatch(/projected position 6 above 5/);
    expect(c(req({ role: 'stop', projectedPosition: Dec(60) }))).toBeNull();
  });

  it('maxNotional uses the limit, the stop or the reference price', () => {
    const c = maxNotional('500');
    expect(c(req())).toBeNull();
    expect(c(req({ openQty: Dec(6) }))).toMatch(/notional 600 above 500/);
    expect(c(req({ price: undefined, stopPrice: Dec(101), openQty: Dec(5) }))).toMatch(
      /notional 505/,
    );
    expect(c(req({ price: undefined, reference: undefined }))).toBeNull();
  });

  it('priceBand bounds limit and stop prices around the reference', () => {
    const c = priceBand(100);
    expect(c(req({ price: Dec(101) }))).toBeNull();
    expect(c(req({ price: Dec('101.01') }))).toMatch(/outside 100 bps/);
    expect(c(req({ price: undefined, stopPrice: Dec('98.99') }))).toMatch(/outside/);
    expect(c(req({ reference: undefined, price: Dec(1) }))).toBeNull();
  });

  it('minOrderSize applies the instrument minimums', () => {
    const c = minOrderSize();
    expect(c(req())).toBeNull();
    expect(c(req({ openQty: Dec(1) }))).toBe('below-min-qty');
    expect(c(req({ openQty: Dec(2), price: Dec(70) }))).toBe('below-min-notional');
  });

  it('reduceOnlyConsistency denies exits above the position', () => {
    const c = reduceOnlyConsistency();
    expect(c(req({ role: 'stop', position: Dec(5) }))).toBeNull();
    expect(c(req({ role: 'target', position: Dec(4) }))).toMatch(/exit 5 above position 4/);
    expect(c(req({ role: 'entry', position: Dec(0) }))).toBeNull();
  });

  it('a size reduction of an exit is never blocked, even by a check that denies everything', () => {
    const h = new Harness(XYZ, undefined, {
      risk: [(r) => (r.legId === 'entry' ? null : r.kind === 'modify' ? 'no' : null)],
    });
    longBracket(h);
    h.venue.fill(h.order('b', 'entry')!, 10);
    h.settle();
    h.venue.fill(h.order('b', 'target')!, 4);
    h.settle();
    const stop = h.order('b', 'stop')!;
    expect(stop.qty - stop.filled).toBe(6);
    expect(h.noticesOf('risk-denied')).toEqual([]);
  });
});

describe('a throwing risk check', () => {
  it('denies instead of leaving the group half-updated', () => {
    const h = new Harness(XYZ, undefined, {
      risk: [
        () => {
          throw new Error('feed down');
        },
      ],
    });
    h.apply({
      type: 'create',
      spec: bracket({
        id: 'b',
        symbol: 'XYZ',
        side: 'buy',
        qty: '10',
        entryPrice: '100',
        stop: { price: '95' },
        target: { price: '110' },
      }),
    });
    expect(h.noticesOf('risk-denied')[0]?.reason).toBe('risk check failed: feed down');
    expect(h.om.ledger('b').status).toBe('done');
  });
});

describe('venue OCO price relationship', () => {
  it('a pair that breaks take-profit > last > stop is emulated instead of sent as a native list', () => {
    const inst = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });
    for (const [last, native] of [
      ['100', true],
      ['111', false],
    ] as const) {
      const h = new Harness(inst, SPOT_OCO_VENUE);
      h.apply({ type: 'market', symbol: 'XYZ', last });
      longBracket(h);
      h.venue.fill(h.order('b', 'entry')!, 10);
      h.settle();
      const lists = h.commands.filter((c) => c.type === 'submit' && c.contingency !== undefined);
      expect(lists.length).toBe(native ? 2 : 0);
      expect(h.order('b', 'stop')!.qty).toBe(10);
    }
  });
});
