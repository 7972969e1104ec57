import { it } from 'vitest';
import { bracket } from '../src/index.js';
import { Harness } from './helpers/harness.js';
import { INST } from './helpers/model.js';

it('probe2', () => {
  const h = new Harness(INST);
  for (const id of ['g0', 'g1'])
    h.apply({
      type: 'create',
      spec: bracket({
        id,
        symbol: 'XYZ',
        side: 'buy',
        qty: '1',
        entryPrice: '100',
        stop: { price: '95' },
        target: { price: '110' },
      }),
    });
  h.apply({ type: 'amend-entry', groupId: 'g1', legId: 'entry', qty: '2' });
  h.venue.processOne();
  h.venue.processOne();
  h.venue.fill(h.venue.orders.get('g1:entry:1')!, 1);
  h.deliver(0);
  h.settle();
  for (const id of ['g0', 'g1']) {
    h.apply({ type: 'cancel-group', groupId: id });
    h.settle();
  }
  for (const id of ['g0', 'g1']) {
    for (const o of h.venue.liveOrders(id)) if (o.role === 'stop') h.venue.fill(o, 100);
    h.settle();
  }
  for (const id of ['g0', 'g1']) {
    h.apply({ type: 'cancel-group', groupId: id, scope: 'all' });
    h.settle();
  }
  console.log(
    JSON.stringify(h.log.slice(2)),
    JSON.stringify(
      h.commands
        .slice(2)
        .map((c) => [c.type, c.orderId, c.type === 'cancel' ? '' : c.qty.toString()]),
    ),
  );
  console.log(JSON.stringify(h.om.inspectGroup('g1')));
});
