/**
 * Raw access to a manager's stored records, for the package's own invariant checks and tooling.
 * Not part of the public API (`./internal/*` is blocked in `exports`).
 */
import { managerCore as coreOf, type OrderManager } from '../manager.js';
import type { GroupRec, OrderRec } from './records.js';

/** A group's record (lots and ticks), or undefined. */
export function inspectGroup(om: OrderManager, groupId: string): Readonly<GroupRec> | undefined {
  return coreOf(om).groups.get(groupId);
}

/** An order's record (lots and ticks), or undefined. */
export function inspectOrder(om: OrderManager, orderId: string): Readonly<OrderRec> | undefined {
  return coreOf(om).orders.get(orderId);
}
