/** Snapshot format version 3 and the migration from version 2 (src/internal/snapshot.ts). */
import { readFileSync } from 'node:fs';
import { Instrument, ValidationError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { type OcoEvent, OrderManager } from '../src/index.js';

const XYZ = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/snapshot-v2.json', import.meta.url), 'utf8'),
) as { head: OcoEvent[]; snapshot: { version: 2 }; tail: OcoEvent[] };

describe('snapshots', () => {
  it('a version-2 snapshot (written before the records were renamed) restores and continues exactly', () => {
    expect(fixture.snapshot.version).toBe(2);
    const restored = OrderManager.restore(fixture.snapshot as never, { instruments: [XYZ] });
    const fresh = new OrderManager({ instruments: [XYZ] });
    for (const e of fixture.head) fresh.apply(e);
    for (const id of ['b', 'm']) expect(restored.ledger(id)).toEqual(fresh.ledger(id));
    // the tail (with a duplicate of a fill taken before the snapshot) gives the same commands,
    // notices and ledgers
    for (const e of fixture.tail) {
      expect(JSON.stringify(restored.apply(e))).toBe(JSON.stringify(fresh.apply(e)));
    }
    for (const id of ['b', 'm']) expect(restored.ledger(id)).toEqual(fresh.ledger(id));
    expect(restored.ledger('b').entryFilled.toString()).toBe('10');
    // and it writes version 3 from then on
    expect(restored.snapshot().version).toBe(3);
  });

  it('version 3 round-trips through JSON, exact amounts included', () => {
    const om = new OrderManager({ instruments: [XYZ] });
    for (const e of fixture.head) om.apply(e);
    om.apply({ type: 'fill', orderId: 'b:entry:1', tradeId: 'mid', price: '99.995', qty: '1' });
    const json = JSON.stringify(om.snapshot());
    const back = OrderManager.restore(JSON.parse(json), { instruments: [XYZ] });
    expect(JSON.stringify(back.snapshot())).toBe(json);
    expect(back.ledger('b')).toEqual(om.ledger('b'));
  });

  it('an unknown version or a malformed body is a ValidationError', () => {
    expect(() => OrderManager.restore({ version: 1 } as never, { instruments: [XYZ] })).toThrow(
      ValidationError,
    );
    expect(() =>
      OrderManager.restore(
        { version: 2, groups: [{}], orders: [], market: [] },
        { instruments: [XYZ] },
      ),
    ).toThrow(ValidationError);
  });
});
