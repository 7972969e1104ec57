/**
 * Type tests of the public API (checked by `tsc` over the test files): events and commands are
 * discriminated unions that narrow on `type`, commands are plain JSON data, fills need a trade id,
 * and what the manager hands back is read-only.
 */
import { type Decimal, Instrument } from '@x/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  bracket,
  type FillEvent,
  type GroupLedger,
  type OcoCommand,
  type OcoEvent,
  OrderManager,
  type OrderManagerSnapshot,
  type Step,
  type SubmitCommand,
} from '../src/index.js';

const inst = Instrument.create({ symbol: 'X', tickSize: '0.01', lotSize: '1' });

describe('public types of @x/oco', () => {
  it('commands narrow on type and are plain data with decimal strings', () => {
    const om = new OrderManager({ instruments: [inst] });
    const step = om.apply({
      type: 'create',
      spec: bracket({
        id: 'g',
        symbol: 'X',
        side: 'buy',
        qty: '2',
        entryPrice: '100',
        stop: { price: '99' },
        target: { price: '102' },
      }),
    });
    expectTypeOf(step).toEqualTypeOf<Step>();
    expectTypeOf(step.commands).toEqualTypeOf<readonly OcoCommand[]>();
    const first = step.commands[0]!;
    if (first.type === 'submit') {
      expectTypeOf(first).toEqualTypeOf<SubmitCommand>();
      expectTypeOf(first.qty).toEqualTypeOf<string>();
      expectTypeOf(first.price).toEqualTypeOf<string | undefined>();
      // a command survives JSON unchanged, value and type
      const back: SubmitCommand = JSON.parse(JSON.stringify(first));
      expect(back).toEqual(first);
    }
    expect(first.type).toBe('submit');
    // never called: the returned commands cannot be edited in place
    // @ts-expect-error: a readonly array has no push
    const edit = () => step.commands.push(first);
    expectTypeOf(edit).toBeFunction();
  });

  it('events narrow on type, and a fill without a trade id does not compile', () => {
    const e = { type: 'fill', orderId: 'o', tradeId: 't', price: '100', qty: 1 } as OcoEvent;
    if (e.type === 'fill') expectTypeOf(e).toEqualTypeOf<FillEvent>();
    if (e.type === 'market') expectTypeOf(e).not.toEqualTypeOf<FillEvent>();
    // @ts-expect-error: the trade id is what makes a fill idempotent
    const noId: FillEvent = { type: 'fill', orderId: 'o', price: '100', qty: 1 };
    void noId;
  });

  it('ledgers are read-only decimal views; snapshots are versioned', () => {
    expectTypeOf<GroupLedger['openQty']>().toEqualTypeOf<Decimal>();
    expectTypeOf<GroupLedger['avgEntryPrice']>().toEqualTypeOf<Decimal | undefined>();
    expectTypeOf<GroupLedger['status']>().toEqualTypeOf<'working' | 'done'>();
    expectTypeOf<OrderManagerSnapshot['version']>().toEqualTypeOf<3>();
    const ledger = {} as GroupLedger;
    // @ts-expect-error: a ledger is a view, not the manager's state
    ledger.openQty = ledger.exitFilled;
  });
});
