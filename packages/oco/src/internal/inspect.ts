/**
 * Raw access to a manager's stored records, for the package's own invariant checks and tooling.
 * Not part of the public API (`./internal/*` is blocked in `exports`).
 */
import type { OrderManager } from '../manager.js';
import type { ManagerCore } from './core.js';
import type { GroupRec, OrderRec } from './records.js';

function coreOf(om: OrderManager): ManagerCore {
  // the manager's one private field; element access is TypeScript's sanctioned escape hatch
  return (om as unknown as { core: ManagerCore }).core;
}

/** A group's record (lots and ticks), or undefined. */
export function inspectGroup(om: OrderManager, groupId: string): Readonly<GroupRec> | undefined {
  return coreOf(om).groups.get(groupId);
}

/** An order's record (lots and ticks), or undefined. */
export function inspectOrder(om: OrderManager, orderId: string): Readonly<OrderRec> | undefined {
  return coreOf(om).orders.get(orderId);
}
