/**
 * Issue 14 (@x/oco): the edges where money is lost. One describe per item; each test failed
 * before its fix.
 */
import { inspect } from 'node:util';
import { Dec, Instrument, InvalidStateError, ValidationError } from '@x/core';
import { describe, expect, it } from 'vitest';
import {
  bracket,
  maxNotional,
  maxPosition,
  type OcoCommand,
  type OcoEvent,
  type OcoNotice,
  OrderManager,
  type OrderManagerOptions,
  ocoExit,
  ocoOrders,
  type Step,
  type SubmitCommand,
} from '../src/index.js';
import { Harness, longBracket } from './helpers/harness.js';

const XYZ = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });
const BTC = Instrument.create({ symbol: 'BTC', tickSize: '0.01', lotSize: '0.00000001' });

/** A manager with its event log; `apply` records what did not throw. */
function driver(options: OrderManagerOptions) {
  const om = new OrderManager(options);
  const log: OcoEvent[] = [];
  const commands: OcoCommand[] = [];
  const notices: OcoNotice[] = [];
  return {
    om,
    log,
    commands,
    notices,
    apply(e: OcoEvent): Step {
      const s = om.apply(e);
      log.push(e);
      commands.push(...s.commands);
      notices.push(...s.notices);
      return s;
    },
    submits(leg: string): SubmitCommand[] {
      return commands.filter((c): c is SubmitCommand => c.type === 'submit' && c.legId === leg);
    },
  };
}

const longSpec = (extra: Partial<Parameters<typeof bracket>[0]> = {}) =>
  bracket({
    id: 'b',
    symbol: 'XYZ',
    side: 'buy',
    qty: '10',
    entryPrice: '100',
    stop: { price: '95' },
    target: { price: '110' },
    ...extra,
  });

describe('item 1: exact arithmetic beyond 2^53', () => {
  it('a second 5-unit fill at 100,000 on a 0.01 / 1e-8 grid is exact and keeps R protected', () => {
    const d = driver({ instruments: [BTC] });
    d.apply({
      type: 'create',
      spec: bracket({
        id: 'b',
        symbol: 'BTC',
        side: 'buy',
        qty: '10',
        entryPrice: '100000',
        stop: { offset: { kind: 'ticks', value: 100 } },
        target: { offset: { kind: 'bps', value: 100 } },
      }),
    });
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't1', price: '100000', qty: '5' });
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't2', price: '99999.99', qty: '5' });
    const l = d.om.ledger('b');
    expect(l.openQty.toString()).toBe('10');
    expect(l.avgEntryPrice?.toString()).toBe('99999.995');
    const stop = l.legs.find((x) => x.id === 'stop')!;
    const target = l.legs.find((x) => x.id === 'target')!;
    expect(stop.orderQty?.toString()).toBe('10');
    expect(stop.stopPrice?.toString()).toBe('99998.99'); // floor(99999.995 - 1.00)
    expect(target.price?.toString()).toBe('101000'); // ceil(99999.995 × 1.01 = 100999.99495)
    expect(d.notices.filter((n) => n.type === 'unprotected')).toEqual([]);
  });

  it('an OCO exit of 123.45678901 at 98765.43 anchors its target on the exact average', () => {
    const d = driver({ instruments: [BTC] });
    d.apply({
      type: 'create',
      spec: ocoExit({
        id: 'x',
        symbol: 'BTC',
        side: 'buy',
        position: '123.45678901',
        positionPrice: '98765.43',
        stop: { offset: { kind: 'ticks', value: 1 } },
        target: { offset: { kind: 'ticks', value: 1 } },
      }),
    });
    const l = d.om.ledger('x');
    expect(l.avgEntryPrice?.toString()).toBe('98765.43');
    expect(l.legs.find((x) => x.id === 'target')!.price?.toString()).toBe('98765.44');
    expect(l.legs.find((x) => x.id === 'stop')!.stopPrice?.toString()).toBe('98765.42');
  });
});

describe('item 2: a stop refused at fill time is placed once valid', () => {
  it('policy wait: reported unprotected, re-evaluated on every market event, sent when valid', () => {
    const d = driver({ instruments: [XYZ] });
    d.apply({ type: 'create', spec: longSpec() });
    d.apply({ type: 'market', symbol: 'XYZ', last: '94' }); // through the stop at 95
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't1', price: '100', qty: '10' });
    expect(d.submits('stop')).toEqual([]);
    expect(d.notices.filter((n) => n.type === 'unprotected').map((n) => n.qty.toString())).toEqual([
      '10',
    ]);
    d.apply({ type: 'market', symbol: 'XYZ', last: '94.5' });
    expect(d.submits('stop')).toEqual([]);
    d.apply({ type: 'market', symbol: 'XYZ', last: '96' });
    expect(d.submits('stop').map((c) => `${c.qty}@${c.stopPrice}`)).toEqual(['10@95']);
    expect(d.om.ledger('b').unprotectedQty.toString()).toBe('0');
  });

  it('policy send: the stop goes to the venue at once and lets it trigger', () => {
    const d = driver({ instruments: [XYZ] });
    d.apply({ type: 'create', spec: longSpec({ policies: { stopThroughMarket: 'send' } }) });
    d.apply({ type: 'market', symbol: 'XYZ', last: '94' });
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't1', price: '100', qty: '10' });
    expect(d.submits('stop').map((c) => `${c.qty}@${c.stopPrice}`)).toEqual(['10@95']);
  });
});

describe('item 3: a refused modify reverts the price', () => {
  it('the stop price reverts to the acknowledged one and the move is retried by cancel-replace', () => {
    const d = driver({ instruments: [XYZ] });
    d.apply({
      type: 'create',
      spec: longSpec({
        stop: { price: '95', trailing: { distance: { kind: 'ticks', value: 200 } } },
      }),
    });
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't1', price: '100', qty: '10' });
    d.apply({ type: 'accepted', orderId: 'b:stop:1' });
    const s = d.apply({ type: 'market', symbol: 'XYZ', last: '100' });
    expect(s.commands.map((c) => `${c.type} ${c.type === 'modify' ? c.stopPrice : ''}`)).toEqual([
      'modify 98',
    ]);
    expect(d.om.ledger('b').legs[1]!.stopPrice?.toString()).toBe('98');
    const r = d.apply({ type: 'modify-rejected', orderId: 'b:stop:1', reason: 'too late' });
    // the manager no longer believes 98: it retries the move as a safe cancel-replace
    expect(r.commands.map((c) => `${c.type} ${c.orderId}`)).toEqual(['cancel b:stop:1']);
    expect(d.om.ledger('b').legs[1]!.stopPrice?.toString()).toBe('95');
    const n = d.apply({ type: 'canceled', orderId: 'b:stop:1' });
    expect(
      n.commands.map((c) => (c.type === 'submit' ? `${c.orderId}@${c.stopPrice}` : c.type)),
    ).toEqual(['b:stop:2@98']);
  });
});

describe('item 4: trade ids, busts and corrections', () => {
  const filled = () => {
    const d = driver({ instruments: [XYZ] });
    d.apply({ type: 'create', spec: longSpec() });
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't1', price: '100', qty: '4' });
    return d;
  };
  it('a fill without a usable trade id is a ValidationError and changes nothing', () => {
    const d = filled();
    const before = JSON.stringify(d.om.snapshot());
    for (const tradeId of [undefined, '', null, 7]) {
      expect(() =>
        d.om.apply({
          type: 'fill',
          orderId: 'b:entry:1',
          tradeId,
          price: '100',
          qty: '1',
        } as never),
      ).toThrow(ValidationError);
    }
    expect(JSON.stringify(d.om.snapshot())).toBe(before);
  });
  it('a reused trade id with a different quantity or price is reported and ignored', () => {
    const d = filled();
    const s1 = d.apply({
      type: 'fill',
      orderId: 'b:entry:1',
      tradeId: 't1',
      price: '100',
      qty: '5',
    });
    const s2 = d.apply({
      type: 'fill',
      orderId: 'b:entry:1',
      tradeId: 't1',
      price: '99',
      qty: '4',
    });
    const s3 = d.apply({
      type: 'fill',
      orderId: 'b:entry:1',
      tradeId: 't1',
      price: '100',
      qty: '4',
    });
    expect(s1.notices.map((n) => n.type)).toEqual(['trade-conflict']);
    expect(s2.notices.map((n) => n.type)).toEqual(['trade-conflict']);
    expect(s3.notices).toEqual([]); // an exact duplicate is silently one fill
    expect(d.om.ledger('b').entryFilled.toString()).toBe('4');
  });
  it('a bust (ExecType H) removes the fill and the exits shrink; a correction (G) replaces it', () => {
    const d = filled();
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't2', price: '98', qty: '2' });
    d.apply({ type: 'accepted', orderId: 'b:stop:1' });
    d.apply({ type: 'accepted', orderId: 'b:target:1' });
    expect(d.om.ledger('b').openQty.toString()).toBe('6');
    const bust = d.apply({ type: 'trade-bust', orderId: 'b:entry:1', tradeId: 't2' });
    expect(d.om.ledger('b').openQty.toString()).toBe('4');
    expect(d.om.ledger('b').avgEntryPrice?.toString()).toBe('100');
    expect(
      bust.commands.map((c) => (c.type === 'modify' ? `${c.orderId} ${c.qty}` : c.type)),
    ).toEqual(['b:stop:1 4', 'b:target:1 4']);
    d.apply({ type: 'trade-correct', orderId: 'b:entry:1', tradeId: 't1', price: '99', qty: '3' });
    expect(d.om.ledger('b').openQty.toString()).toBe('3');
    expect(d.om.ledger('b').avgEntryPrice?.toString()).toBe('99');
    const again = d.apply({ type: 'trade-bust', orderId: 'b:entry:1', tradeId: 't2' });
    expect(again.notices.map((n) => n.type)).toEqual(['trade-conflict']);
    // replay of the log gives the same state
    const replay = new OrderManager({ instruments: [XYZ] });
    for (const e of d.log) replay.apply(e);
    expect(JSON.stringify(replay.snapshot())).toBe(JSON.stringify(d.om.snapshot()));
  });
});

describe('item 5: a bracket with exits on the wrong side of the entry is rejected', () => {
  it('long stop above / target below the entry, and the short mirror, throw at creation', () => {
    const om = new OrderManager({ instruments: [XYZ] });
    const bad = (spec: ReturnType<typeof longSpec>) => () => om.apply({ type: 'create', spec });
    expect(bad(longSpec({ stop: { price: '110' }, target: { price: '90' } }))).toThrow(
      ValidationError,
    );
    expect(bad(longSpec({ stop: { price: '100' } }))).toThrow(/wrong side/);
    expect(bad(longSpec({ side: 'sell', stop: { price: '95' }, target: { price: '90' } }))).toThrow(
      ValidationError,
    );
    expect(
      bad(longSpec({ side: 'sell', stop: { price: '105' }, target: { price: '110' } })),
    ).toThrow(ValidationError);
    expect(om.groupIds()).toEqual([]);
    om.apply({
      type: 'create',
      spec: longSpec({ side: 'sell', stop: { price: '105' }, target: { price: '90' } }),
    });
    expect(om.groupIds()).toEqual(['b']);
  });
});

describe('item 6: every event is all-or-nothing', () => {
  it('a market event with a bad volatility input stores nothing, so replay equals the live state', () => {
    const d = driver({ instruments: [XYZ] });
    d.apply({ type: 'create', spec: longSpec() });
    const before = JSON.stringify(d.om.snapshot());
    expect(() => d.om.apply({ type: 'market', symbol: 'XYZ', last: '101', atr: 'x' })).toThrow(
      ValidationError,
    );
    expect(() => d.om.apply({ type: 'market', symbol: 'XYZ', last: '101', atr: '-1' })).toThrow(
      ValidationError,
    );
    expect(JSON.stringify(d.om.snapshot())).toBe(before);
  });
});

describe('item 7: off-grid fill prices are recorded exactly', () => {
  it('a midpoint fill at 100.005 on a 0.01 grid is booked and the exits re-anchor on it', () => {
    const d = driver({ instruments: [XYZ] });
    d.apply({
      type: 'create',
      spec: longSpec({
        stop: { offset: { kind: 'ticks', value: 100 } },
        target: { offset: { kind: 'ticks', value: 100 } },
      }),
    });
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't1', price: '100.005', qty: '3' });
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't2', price: '100', qty: '1' });
    const l = d.om.ledger('b');
    expect(l.entryFilled.toString()).toBe('4');
    expect(l.avgEntryPrice?.toString()).toBe('100.00375');
    expect(l.legs[1]!.stopPrice?.toString()).toBe('99'); // floor(100.00375 - 1)
    expect(l.legs[2]!.price?.toString()).toBe('101.01'); // ceil(100.00375 + 1)
    const restored = OrderManager.restore(JSON.parse(JSON.stringify(d.om.snapshot())), {
      instruments: [XYZ],
    });
    expect(restored.ledger('b').avgEntryPrice?.toString()).toBe('100.00375');
  });
});

describe('item 8: risk limits per symbol and per account', () => {
  it('maxPosition with scope symbol stops two groups from exceeding the limit together', () => {
    const d = driver({ instruments: [XYZ], risk: [maxPosition('15', { scope: 'symbol' })] });
    d.apply({ type: 'create', spec: longSpec() });
    d.apply({ type: 'create', spec: longSpec({ id: 'c' }) });
    expect(d.submits('entry').map((c) => c.groupId)).toEqual(['b']);
    expect(d.notices.find((n) => n.type === 'risk-denied')).toMatchObject({
      groupId: 'c',
      reason: 'projected symbol position 20 above 15',
    });
    // a short group nets against the long one
    d.apply({
      type: 'create',
      spec: longSpec({ id: 's', side: 'sell', stop: { price: '105' }, target: { price: '90' } }),
    });
    expect(d.submits('entry').map((c) => c.groupId)).toEqual(['b', 's']);
  });
  it('maxNotional with scope account sums every symbol', () => {
    const ABC = Instrument.create({ symbol: 'ABC', tickSize: '0.01', lotSize: '1' });
    const d = driver({
      instruments: [XYZ, ABC],
      risk: [maxNotional('1400', { scope: 'account' })],
    });
    d.apply({ type: 'market', symbol: 'ABC', last: '50' });
    d.apply({ type: 'create', spec: longSpec() }); // 10 × 100 = 1000
    d.apply({
      type: 'create',
      spec: longSpec({
        id: 'a',
        symbol: 'ABC',
        entryPrice: '50',
        stop: { price: '45' },
        target: { price: '55' },
      }),
    });
    expect(d.submits('entry').map((c) => c.groupId)).toEqual(['b']); // 1000 + 500 > 1400
  });
});

describe('item 9: every open position without a working stop is reported', () => {
  it('a partial target fill under exitSiblingOnFill cancel leaves R on the target: reported', () => {
    const h = new Harness(XYZ);
    longBracket(h, { policies: { exitSiblingOnFill: 'cancel' } });
    h.venue.fill(h.order('b', 'entry')!, 10);
    h.settle();
    h.venue.fill(h.order('b', 'target')!, 4);
    h.settle();
    expect(h.noticesOf('unprotected').map((n) => n.qty.toString())).toEqual(['6']);
  });
  it('an OCO race in which both legs fill: the remainder on the target alone is reported', () => {
    const d = driver({ instruments: [XYZ] });
    d.apply({ type: 'create', spec: longSpec({ policies: { exitSiblingOnFill: 'cancel' } }) });
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't1', price: '100', qty: '10' });
    d.apply({ type: 'fill', orderId: 'b:target:1', tradeId: 'x1', price: '110', qty: '3' });
    // the stop executes before our cancel reaches the venue (no trigger report), then is cancelled
    d.apply({ type: 'fill', orderId: 'b:stop:1', tradeId: 's1', price: '95', qty: '2' });
    d.apply({ type: 'canceled', orderId: 'b:stop:1' });
    expect(d.om.ledger('b').openQty.toString()).toBe('5');
    const last = d.notices.filter((n) => n.type === 'unprotected').at(-1);
    expect(last?.type === 'unprotected' && last.qty.toString()).toBe('5');
  });
  it('a dust close the venue refuses (below its minimum) is reported', () => {
    const MIN = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1', minQty: '3' });
    const d = driver({ instruments: [MIN], policies: { dust: 'close' } });
    d.apply({ type: 'create', spec: longSpec() });
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't1', price: '100', qty: '10' });
    d.apply({ type: 'fill', orderId: 'b:target:1', tradeId: 'x1', price: '110', qty: '8' });
    d.apply({ type: 'canceled', orderId: 'b:stop:1' });
    d.apply({ type: 'canceled', orderId: 'b:target:1' });
    const close = d.submits('__close');
    expect(close.map((c) => c.qty.toString())).toEqual(['2']);
    d.apply({ type: 'rejected', orderId: close[0]!.orderId, reason: 'below min qty' });
    expect(d.notices.filter((n) => n.type === 'unprotected').at(-1)).toMatchObject({ qty: Dec(2) });
    expect(d.om.ledger('b').unprotectedQty.toString()).toBe('2');
  });
  it('exits held by otoTrigger full while the entry is partly filled are reported', () => {
    const d = driver({ instruments: [XYZ] });
    d.apply({ type: 'create', spec: longSpec({ policies: { otoTrigger: 'full' } }) });
    d.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't1', price: '100', qty: '3' });
    expect(d.notices.filter((n) => n.type === 'unprotected')).toMatchObject([
      { qty: Dec(3), reason: 'exits held until the entry is filled (otoTrigger full)' },
    ]);
  });
});

describe('item 10: bad input gets the right typed error', () => {
  const om = () => {
    const m = new OrderManager({ instruments: [XYZ] });
    m.apply({ type: 'create', spec: longSpec() });
    return m;
  };
  it('non-events and unknown event types', () => {
    const m = om();
    expect(() => m.apply(null as never)).toThrow(ValidationError);
    expect(() => m.apply(undefined as never)).toThrow(ValidationError);
    expect(() => m.apply({ type: 'fil', orderId: 'b:entry:1' } as never)).toThrow(ValidationError);
  });
  it('a one-order OCO, and amends to zero or negative quantities', () => {
    expect(() =>
      ocoOrders({
        id: 'o',
        symbol: 'XYZ',
        orders: [{ id: 'a', side: 'buy', type: 'limit', qty: '1', price: '1' }],
      }),
    ).toThrow(ValidationError);
    const m = om();
    for (const qty of ['0', '-1', -3]) {
      expect(() => m.apply({ type: 'amend-entry', groupId: 'b', legId: 'entry', qty })).toThrow(
        ValidationError,
      );
    }
  });
  it('offsets: fractional ticks are refused; an offset through zero says so', () => {
    const m = new OrderManager({ instruments: [XYZ] });
    expect(() =>
      m.apply({
        type: 'create',
        spec: longSpec({ stop: { offset: { kind: 'ticks', value: 1.5 } } }),
      }),
    ).toThrow(ValidationError);
    const s = m.apply({
      type: 'create',
      spec: longSpec({ id: 'z', stop: { offset: { kind: 'ticks', value: 20_000 } } }),
    });
    expect(s.commands.length).toBe(1);
    const f = m.apply({ type: 'fill', orderId: 'z:entry:1', tradeId: 't', price: '100', qty: '1' });
    const denied = f.notices.find((n) => n.type === 'risk-denied');
    expect(denied).toMatchObject({
      reason: 'no price yet: the offset puts the price at or below zero',
    });
  });
  it("prices like '1e400', more than 50 significant digits, hexadecimal strings", () => {
    const m = om();
    const before = JSON.stringify(m.snapshot());
    for (const last of [
      '1e400',
      '100.000000000000000000000000000000000000000000000001',
      '0x10',
      'Infinity',
      ' ',
    ]) {
      expect(() => m.apply({ type: 'market', symbol: 'XYZ', last })).toThrow(ValidationError);
    }
    expect(() => m.apply({ type: 'market', symbol: 'XYZ', last: '1e400' })).toThrow(/out of range/);
    expect(() => m.apply({ type: 'market', symbol: 'XYZ', last: '0x10' })).toThrow(
      /plain notation/,
    );
    expect(() =>
      m.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't', price: '0x64', qty: '1' }),
    ).toThrow(ValidationError);
    expect(() =>
      m.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 't', price: '100', qty: '0x1' }),
    ).toThrow(ValidationError);
    expect(JSON.stringify(m.snapshot())).toBe(before);
  });
  it('a cancel reason names only a policy the user set', () => {
    const h = new Harness(XYZ);
    longBracket(h);
    h.venue.fill(h.order('b', 'entry')!, 3);
    h.settle();
    h.apply({ type: 'cancel-group', groupId: 'b', scope: 'all' });
    h.settle();
    const reasons = h.noticesOf('unprotected').map((n) => n.reason);
    expect(reasons).toEqual(['group cancelled (scope all)']);
    expect(() =>
      h.om.apply({ type: 'cancel-group', groupId: 'b', scope: 'some' as never }),
    ).toThrow(ValidationError);
    expect(() =>
      h.om.apply({ type: 'amend-entry', groupId: 'b', legId: 'entry', qty: '1' }),
    ).toThrow(InvalidStateError);
  });
});

describe('item 11: commands are plain, cloneable data', () => {
  it('spread, Object.assign, structuredClone, JSON and console.log see the documented fields', () => {
    const om = new OrderManager({ instruments: [XYZ] });
    const [c] = om.apply({ type: 'create', spec: longSpec() }).commands;
    const fields = [
      'type',
      'orderId',
      'groupId',
      'legId',
      'role',
      'symbol',
      'side',
      'orderType',
      'qty',
      'timeInForce',
      'reduceOnly',
      'postOnly',
      'price',
    ];
    expect(Object.keys({ ...c }).sort()).toEqual([...fields].sort());
    expect(Object.keys(Object.assign({}, c)).sort()).toEqual([...fields].sort());
    const clone = structuredClone(c) as unknown as Record<string, unknown>;
    expect(Object.keys(clone).sort()).toEqual([...fields].sort());
    expect(JSON.parse(JSON.stringify(c))).toMatchObject({
      qty: '10',
      price: '100',
      orderType: 'limit',
    });
    expect(inspect(c)).toContain("orderId: 'b:entry:1'");
    expect(inspect(c)).not.toContain('Getter');
  });
});

describe('item 12: finished groups can be forgotten', () => {
  it('forgetting bounds the state and the snapshot; late events for them are unknown orders', () => {
    const d = driver({ instruments: [XYZ] });
    for (let i = 0; i < 2_000; i++) {
      const id = `g${i}`;
      d.apply({ type: 'create', spec: longSpec({ id }) });
      d.apply({ type: 'fill', orderId: `${id}:entry:1`, tradeId: 't', price: '100', qty: '10' });
      d.apply({ type: 'fill', orderId: `${id}:target:1`, tradeId: 'x', price: '110', qty: '10' });
      d.apply({ type: 'canceled', orderId: `${id}:stop:1` });
      expect(d.om.ledger(id).status).toBe('done');
      d.apply({ type: 'forget', groupId: id });
    }
    const snap = d.om.snapshot();
    expect([snap.groups.length, snap.orders.length]).toEqual([0, 0]);
    expect(JSON.stringify(snap).length).toBeLessThan(200);
    const late = d.apply({
      type: 'fill',
      orderId: 'g0:entry:1',
      tradeId: 'late',
      price: '100',
      qty: '1',
    });
    expect(late.notices.map((n) => n.type)).toEqual(['unknown-order']);
    d.apply({ type: 'create', spec: longSpec({ id: 'w' }) });
    expect(() => d.om.apply({ type: 'forget', groupId: 'w' })).toThrow(InvalidStateError);
    const replay = new OrderManager({ instruments: [XYZ] });
    for (const e of d.log) replay.apply(e);
    expect(JSON.stringify(replay.snapshot())).toBe(JSON.stringify(d.om.snapshot()));
  });
});
