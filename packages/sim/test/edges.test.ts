/**
 * The engine at the edges where money is lost (issue 14, @x/sim): self-trade prevention and the
 * background flow, FIX time-in-force rules with rejects that name their field, amends that
 * restate unchanged fields, and order entry that agrees exactly with core's instrument rules.
 */
import { Dec, Instrument, ManualClock } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BackgroundFlow,
  cst2010Rates,
  type EngineEvent,
  MatchingEngine,
  type OrderRejected,
  type OrderRequest,
  type RejectField,
  type SelfTradePrevention,
} from '../src/index.js';

const inst = Instrument.create({
  symbol: 'TEST',
  tickSize: '0.01',
  lotSize: '0.001',
  minQty: '0.001',
  minNotional: '1',
});

const rejects = (events: readonly EngineEvent[]) =>
  events.filter((e): e is OrderRejected => e.type === 'rejected');

describe('BackgroundFlow is never subject to the user\u2019s self-trade prevention', () => {
  const unit = Instrument.create({ symbol: 'U', tickSize: '1', lotSize: '1' });
  /** The market (every event) after `ms` of flow, with your resting orders of owner 'me'. */
  const market = (seed: number, stp: SelfTradePrevention, ms: number) => {
    const clock = new ManualClock(0);
    const engine = new MatchingEngine(unit, { clock, selfTradePrevention: stp });
    const events: EngineEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const flow = new BackgroundFlow(engine, { seed, clock, rates: cst2010Rates(5) });
    const bid = flow.bestBidTicks();
    engine.submit({
      orderId: 'me1',
      owner: 'me',
      side: 'buy',
      type: 'limit',
      price: bid - 3,
      qty: 2,
    });
    engine.submit({
      orderId: 'me2',
      owner: 'me',
      side: 'sell',
      type: 'limit',
      price: bid + 4,
      qty: 2,
    });
    flow.runFor(ms);
    return { events, stats: flow.stats() };
  };

  it('the market trades the same with self-trade prevention on and off', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom<SelfTradePrevention>('cancel-taker', 'cancel-maker', 'cancel-both'),
        (seed, stp) => {
          const off = market(seed, 'none', 120_000);
          const on = market(seed, stp, 120_000);
          expect(on.stats.marketOrders).toBeGreaterThan(20);
          expect(on.events).toEqual(off.events);
          const stpCancels = on.events.filter(
            (e) => e.type === 'canceled' && e.reason === 'self-trade-prevention',
          );
          expect(stpCancels).toEqual([]);
        },
      ),
      fcParams({ numRuns: 6 }),
    );
  });

  it('your own orders still get self-trade prevention among themselves', () => {
    const clock = new ManualClock(0);
    const engine = new MatchingEngine(unit, { clock, selfTradePrevention: 'cancel-taker' });
    const flow = new BackgroundFlow(engine, { seed: 3, clock });
    const far = flow.bestAskTicks() + 20; // behind every flow ask
    engine.submit({
      orderId: 'mine',
      owner: 'me',
      side: 'sell',
      type: 'limit',
      price: far,
      qty: 1,
    });
    const r = engine.submit({ owner: 'me', side: 'buy', type: 'limit', price: far, qty: 1000 });
    expect(r.events.some((e) => e.type === 'fill')).toBe(true); // it swept the flow's asks
    expect(r.events.at(-1)).toMatchObject({ type: 'canceled', reason: 'self-trade-prevention' });
    expect(engine.getOrder('mine')?.status).toBe('new');
  });
});

// ---------------------------------------------------------------------------------------------
// Time in force: FIX rules (an independent table), every reject names its field
// ---------------------------------------------------------------------------------------------
type Tif = 'GTC' | 'IOC' | 'FOK' | 'GTD' | 'DAY';
const TYPES = ['limit', 'market', 'stop', 'stop-limit'] as const;
/** FIX: which (type, time in force) pairs a venue takes. Only a market order cannot be GTD. */
const fixAllows = (type: (typeof TYPES)[number], tif: Tif | undefined, hasDay: boolean) =>
  !(type === 'market' && tif === 'GTD') && !(tif === 'DAY' && !hasDay);

/** A liquid book around 100 with the last trade at 100. */
function liquidVenue(hasDay: boolean, clock = new ManualClock(1000)) {
  const v = new MatchingEngine(inst, {
    clock,
    ...(hasDay
      ? { dayEndMs: (now: number) => (Math.floor(now / 86_400_000) + 1) * 86_400_000 }
      : {}),
  });
  for (let i = 0; i < 5; i++) {
    v.submit({ side: 'sell', type: 'limit', price: (100 + i).toFixed(2), qty: '10' });
    v.submit({ side: 'buy', type: 'limit', price: (99 - i).toFixed(2), qty: '10' });
  }
  v.submit({ side: 'buy', type: 'limit', price: '100', qty: '0.01' }); // last = 100
  return v;
}

function orderOf(type: (typeof TYPES)[number], tif: Tif | undefined, side: 'buy' | 'sell') {
  const req: Record<string, unknown> = { side, type, qty: '0.5' };
  // marketable limit prices, so that IOC and FOK orders fill
  if (type === 'limit' || type === 'stop-limit') req.price = side === 'buy' ? '101' : '99';
  if (type === 'stop' || type === 'stop-limit') req.stopPrice = side === 'buy' ? '110' : '90';
  if (tif !== undefined) req.timeInForce = tif;
  if (tif === 'GTD') req.expireAtMs = 60_000;
  return req as unknown as OrderRequest;
}

const FIELDS: readonly RejectField[] = [
  'request',
  'orderId',
  'side',
  'type',
  'qty',
  'price',
  'stopPrice',
  'timeInForce',
  'expireAtMs',
  'postOnly',
  'owner',
  'selfTradeExempt',
  'amend',
];

/** Every reject names a known field, and its message mentions it. */
function expectNamedField(r: OrderRejected) {
  expect(FIELDS).toContain(r.field);
  expect(r.message, `${r.reason}: ${r.message}`).toContain(r.field);
}

describe('time in force follows FIX', () => {
  it('accepts exactly the (type, time in force) pairs FIX allows; rejects name timeInForce', () => {
    for (const hasDay of [false, true]) {
      for (const type of TYPES) {
        for (const tif of [undefined, 'GTC', 'IOC', 'FOK', 'GTD', 'DAY'] as const) {
          for (const side of ['buy', 'sell'] as const) {
            const v = liquidVenue(hasDay);
            const r = v.submit(orderOf(type, tif, side));
            const label = `${type} ${tif} ${side} day=${hasDay}: ${r.events.map((e) => (e.type === 'rejected' ? e.message : e.type)).join(', ')}`;
            expect(r.ok, label).toBe(fixAllows(type, tif, hasDay));
            if (!r.ok) {
              const [rej] = rejects(r.events);
              expect(rej!.field, label).toBe('timeInForce');
              expectNamedField(rej!);
            }
          }
        }
      }
    }
  });

  it('a GTC stop waits for its trigger, then trades like a market order', () => {
    const v = liquidVenue(false);
    const st = v.submit({
      orderId: 'st',
      side: 'buy',
      type: 'stop',
      stopPrice: '102',
      qty: '12',
      timeInForce: 'GTC',
    });
    expect(st.ok).toBe(true);
    expect(st.order).toMatchObject({ status: 'new', triggered: false, timeInForce: 'GTC' });
    expect(
      v.submit({ side: 'buy', type: 'market', qty: '10' }).events.map((e) => e.type),
    ).not.toContain('triggered'); // last = 101
    const r = v.submit({ side: 'buy', type: 'market', qty: '10' }); // last = 102: triggers
    expect(r.events.map((e) => e.type)).toContain('triggered');
    const o = v.getOrder('st')!;
    expect(o.cumQty.toString()).toBe('12');
    expect(o.status).toBe('filled');
  });

  it('a GTC market order trades at once and cancels what it cannot fill (nothing rests)', () => {
    const v = liquidVenue(false);
    const r = v.submit({ side: 'buy', type: 'market', qty: '60', timeInForce: 'GTC' });
    expect(r.ok).toBe(true);
    expect(r.order?.cumQty.toString()).toBe('49.99');
    expect(r.events.find((e) => e.type === 'canceled')).toMatchObject({
      reason: 'market-remainder',
    });
    expect(v.bestAsk()).toBeUndefined();
  });

  it('a GTD stop expires while it waits; a DAY order expires at the session end', () => {
    const clock = new ManualClock(1000);
    const v = liquidVenue(true, clock);
    v.submit({
      orderId: 'g',
      side: 'sell',
      type: 'stop',
      stopPrice: '90',
      qty: '1',
      timeInForce: 'GTD',
      expireAtMs: 5000,
    });
    v.submit({
      orderId: 'd',
      side: 'buy',
      type: 'limit',
      price: '95',
      qty: '1',
      timeInForce: 'DAY',
    });
    expect(v.getOrder('d')?.expireAtMs).toBe(86_400_000);
    clock.set(5000);
    expect(v.expireOrders().map((e) => e.type === 'canceled' && e.orderId)).toEqual(['g']);
    clock.set(86_400_000);
    const ex = v.expireOrders();
    expect(ex.map((e) => e.type)).toEqual(['cancel', 'canceled']);
    expect(v.getOrder('d')?.status).toBe('expired');
  });

  it('every reject says which field and why (random malformed requests)', () => {
    const anyField = fc.oneof(
      fc.anything(),
      fc.constantFrom('1', '0', '-1', '0x10', '1e400', 'GTC', 'buy'),
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            orderId: anyField,
            side: fc.oneof(fc.constantFrom('buy', 'sell'), anyField),
            type: fc.oneof(fc.constantFrom(...TYPES), anyField),
            qty: fc.oneof(fc.constantFrom('1', '0.0005', '5'), anyField),
            price: fc.oneof(fc.constantFrom('100', '100.001'), anyField),
            stopPrice: fc.oneof(fc.constantFrom('101', '99'), anyField),
            timeInForce: fc.oneof(fc.constantFrom('GTC', 'IOC', 'FOK', 'GTD', 'DAY'), anyField),
            expireAtMs: fc.oneof(fc.constant(5000), anyField),
            postOnly: fc.oneof(fc.boolean(), anyField),
            owner: fc.oneof(fc.constant('A'), anyField),
          },
          { requiredKeys: [] },
        ),
        fc.record({ price: anyField, qty: anyField, stopPrice: anyField }, { requiredKeys: [] }),
        (req, amend) => {
          const v = liquidVenue(false);
          v.submit({
            orderId: 'sl',
            side: 'buy',
            type: 'stop-limit',
            stopPrice: '105',
            price: '105',
            qty: '1',
          });
          const events = [
            ...v.submit(req as unknown as OrderRequest).events,
            ...v.amend('sl', amend as never).events,
            ...v.amend(String(req.orderId), amend as never).events,
            ...v.cancel(req.orderId as string).events,
          ];
          for (const r of rejects(events)) expectNamedField(r);
        },
      ),
      fcParams({ numRuns: 400 }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Amend: unchanged fields are not changes
// ---------------------------------------------------------------------------------------------
describe('amend: a field restating the current value is no change', () => {
  it('a triggered stop-limit accepts its unchanged stop price alongside a real change', () => {
    const v = liquidVenue(false);
    v.submit({
      orderId: 'sl',
      side: 'buy',
      type: 'stop-limit',
      stopPrice: '100',
      price: '99.90',
      qty: '2',
    });
    expect(v.getOrder('sl')?.triggered).toBe(true); // last = 100 already meets it: resting now
    const r = v.amend('sl', { stopPrice: '100.00', qty: '3' });
    expect(r.ok, JSON.stringify(r.events)).toBe(true);
    expect(v.getOrder('sl')?.qty.toString()).toBe('3');
    const moved = v.amend('sl', { stopPrice: '101', qty: '4' });
    expect(moved.reason).toBe('unexpected-price');
    expect(rejects(moved.events)[0]!.field).toBe('stopPrice');
    expect(v.amend('sl', { stopPrice: '100', price: '99.9', qty: '3' }).reason).toBe('no-change');
  });

  it('restating every current field plus a new quantity is the same as the new quantity alone', () => {
    const kinds = fc.constantFrom(
      'limit',
      'stop-waiting',
      'stop-limit-waiting',
      'stop-limit-triggered',
    );
    fc.assert(
      fc.property(
        kinds,
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        (kind, lots, spellDifferently) => {
          const make = () => {
            const v = liquidVenue(false);
            const base = { orderId: 'x', side: 'buy' as const, qty: '2' };
            if (kind === 'limit') v.submit({ ...base, type: 'limit', price: '98' });
            else if (kind === 'stop-waiting') v.submit({ ...base, type: 'stop', stopPrice: '103' });
            else if (kind === 'stop-limit-waiting')
              v.submit({ ...base, type: 'stop-limit', stopPrice: '103', price: '98' });
            else v.submit({ ...base, type: 'stop-limit', stopPrice: '100', price: '98' });
            return v;
          };
          const qty = Dec(lots).div(10).toString();
          const a = make();
          const b = make();
          const o = b.getOrder('x')!;
          const restate = (d: ReturnType<typeof Dec> | undefined) =>
            d === undefined ? undefined : spellDifferently ? d.toFixed(4) : d.toString();
          const plain = a.amend('x', { qty });
          const full = b.amend('x', {
            qty,
            price: restate(o.price),
            stopPrice: restate(o.stopPrice),
          });
          expect(full.ok).toBe(plain.ok);
          expect(full.reason).toBe(plain.reason);
          expect(full.events).toEqual(plain.events);
          expect(b.getOrder('x')).toEqual(a.getOrder('x'));
        },
      ),
      fcParams({ numRuns: 200 }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Order entry agrees exactly with Instrument.checkOrder
// ---------------------------------------------------------------------------------------------
describe('order entry agrees exactly with core\u2019s instrument rules', () => {
  it('off the grid by 1e-53 (or any tiny amount) is off the grid, as checkOrder says', () => {
    const v = liquidVenue(false);
    const tiny = `99.${'0'.repeat(52)}1`;
    expect(inst.checkOrder(tiny, '1')).toBe('off-tick');
    const r = v.submit({ side: 'buy', type: 'limit', price: tiny, qty: '1' });
    expect(r.reason).toBe('off-tick');
    expect(rejects(r.events)[0]).toMatchObject({ field: 'price' });
    const q = v.submit({ side: 'buy', type: 'limit', price: '99', qty: `1.${'0'.repeat(55)}1` });
    expect(q.reason).toBe('off-lot');
    expect(v.amend('x', {}).reason).toBe('unknown-order');
  });

  it('property: prices and quantities a hair off the grid get the same verdict as checkOrder', () => {
    // v + 10^-k spelled out digit by digit: decimal arithmetic would round it back to v at 50 digits
    const hair = (v: ReturnType<typeof Dec>, k: number) =>
      k === 0 ? v.toString() : `${v.toFixed(k - 1)}1`;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 70 })),
        fc.oneof(fc.constant(0), fc.integer({ min: 4, max: 70 })),
        (ticks, lots, pk, qk) => {
          const price = hair(Dec('0.01').times(ticks), pk);
          const qty = hair(Dec('0.001').times(lots), qk);
          const v = new MatchingEngine(inst, { clock: new ManualClock(0) });
          const r = v.submit({ side: 'buy', type: 'limit', price, qty });
          const expected = inst.checkOrder(price, qty);
          if (pk > 0) expect(expected).toBe(qk > 0 ? 'off-lot' : 'off-tick');
          if (expected === null) expect(r.ok, `${price} × ${qty}`).toBe(true);
          else expect(r.reason, `${price} × ${qty}`).toBe(expected);
        },
      ),
      fcParams({ numRuns: 500 }),
    );
  });

  it('hexadecimal, binary and octal strings are not decimal numbers', () => {
    const v = liquidVenue(false);
    for (const bad of ['0x10', '0b11', '0o7', ' 0X1F ', 'Infinity', '1_000']) {
      const r = v.submit({ side: 'buy', type: 'limit', price: '99', qty: bad });
      expect(r.reason, bad).toBe('invalid-order');
      const rej = rejects(r.events)[0]!;
      expect(rej.field).toBe('qty');
      expect(rej.message).toContain('not a decimal number');
      const p = v.submit({ side: 'buy', type: 'limit', price: bad, qty: '1' });
      expect(rejects(p.events)[0]).toMatchObject({ reason: 'invalid-order', field: 'price' });
    }
  });

  it('a number beyond the exact range is out of range, not malformed', () => {
    const v = liquidVenue(false);
    for (const [price, qty, field] of [
      ['1e400', '1', 'price'],
      ['99', '1e400', 'qty'],
      ['99', '9007199254740.992', 'qty'], // 2^53 lots of 0.001
      ['90071992547409.92', '1', 'price'], // 2^53 ticks of 0.01
    ] as const) {
      const r = v.submit({ side: 'buy', type: 'limit', price, qty });
      expect(r.reason, `${price} ${qty}`).toBe('out-of-range');
      const rej = rejects(r.events)[0]!;
      expect(rej.field).toBe(field);
      expect(rej.message).toContain('exact range');
    }
    // one step below 2^53 is fine for the book
    const ok = v.submit({ side: 'sell', type: 'limit', price: '99', qty: '9007199254740.991' });
    expect(ok.ok).toBe(true);
  });
});
