/**
 * Type tests of the public API (checked by `tsc` over the test files; the runtime part is trivial):
 * units in the generator's types, core's time in force, optional fields that take `undefined`
 * under `exactOptionalPropertyTypes`, the read-only book views.
 */
import { Instrument, ManualClock, type TimeInForce, type Trade } from '@x/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type EngineTimeInForce,
  type FlowEvent,
  type Lots,
  MatchingEngine,
  OrderFlowGenerator,
  type OrderRequest,
  type Ticks,
  type TradeEvent,
} from '../src/index.js';

const inst = Instrument.create({ symbol: 'X', tickSize: '0.01', lotSize: '1' });

describe('public types', () => {
  it('the generator says in its types whether prices are ticks or prices', () => {
    const ticks = new OrderFlowGenerator({ seed: 1 });
    const priced = new OrderFlowGenerator({ seed: 1, instrument: inst });
    for (const e of ticks.events({ count: 1 })) {
      expectTypeOf(e.price).toEqualTypeOf<Ticks>();
      expectTypeOf(e.qty).toEqualTypeOf<Lots>();
      // still numbers for arithmetic and for core's number-based analytics
      expectTypeOf(e).toExtend<FlowEvent>();
      expectTypeOf(e.price).toExtend<number>();
    }
    for (const e of priced.events({ count: 1 })) expectTypeOf(e.price).toEqualTypeOf<number>();
    for (const t of ticks.trades({ count: 1 })) expectTypeOf(t.price).toEqualTypeOf<Ticks>();
    // a plain number is not a tick count
    expectTypeOf<number>().not.toExtend<Ticks>();
  });

  it('the engine takes core\u2019s TimeInForce and fields that are explicitly undefined', () => {
    expectTypeOf<EngineTimeInForce>().toEqualTypeOf<TimeInForce>();
    expectTypeOf<NonNullable<OrderRequest['timeInForce']>>().toEqualTypeOf<TimeInForce>();
    // what an OMS such as @x/oco emits passes straight in, without conditional spreads
    const cmd = {
      orderId: 'a',
      side: 'buy' as const,
      type: 'stop' as const,
      qty: '1',
      price: undefined,
      stopPrice: '10',
      timeInForce: 'GTC' as TimeInForce,
      postOnly: false,
    };
    const v = new MatchingEngine(inst, { clock: new ManualClock(0) });
    v.submit(cmd);
    v.amend('a', { qty: '2', price: undefined, stopPrice: undefined });
    expectTypeOf<TradeEvent>().toExtend<Trade>();
  });

  it('the books behind the engine and the generator are read-only views', () => {
    const v = new MatchingEngine(inst, { clock: new ManualClock(0) });
    // @ts-expect-error: submitting to the engine's book behind its back does not compile
    v.book.submit;
    // @ts-expect-error: nor to the generator's
    new OrderFlowGenerator({ seed: 1 }).book.cancel;
    expectTypeOf(v.book.bestBid).toBeFunction();
  });
});
