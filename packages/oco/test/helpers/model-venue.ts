/**
 * A small, obviously-correct venue model for tests: it executes the manager's commands, keeps its
 * own view of every order, and queues the events it would send back so a test can deliver them in
 * order, out of order or twice. It implements the native behaviours of the venue profiles:
 * spot OCO (a limit fill cancels the stop, a stop trigger cancels the limit), OCA cancel and OCA
 * reduce as Interactive Brokers' ocaType documents them (1: cancel all remaining orders with block;
 * 2: remaining orders proportionately reduced in size with block; 3: proportionately reduced
 * without block), and reduce-only exits capped at the venue-side position.
 *
 * Block (overfill protection) is modelled as: the cancel or reduction of the other orders of the
 * group is applied atomically with the execution, so no other order of the group can execute in
 * between. Without block the reduction is propagated later (when the venue next processes
 * anything), and other orders of the group can execute at their old size meanwhile.
 */
import type { Instrument } from '@x/core';
import type { OcoCommand, OcoEvent, SubmitCommand, VenueProfile } from '../../src/index.js';

export interface VenueOrder {
  readonly id: string;
  readonly groupId: string;
  readonly role: SubmitCommand['role'];
  readonly side: 'buy' | 'sell';
  readonly type: SubmitCommand['orderType'];
  qty: number; // lots, total
  filled: number;
  status: 'live' | 'done';
  price: number | null;
  stop: number | null;
  triggered: boolean;
  readonly reduceOnly: boolean;
  readonly listId: string | null;
  readonly listKind: string | null;
  /** Overfill protection of the list (OCA block). */
  readonly listBlock: boolean;
}

export class ModelVenue {
  readonly orders = new Map<string, VenueOrder>();
  /** Events waiting to be delivered to the manager. */
  readonly outbox: OcoEvent[] = [];
  /** Commands sent by the manager, waiting to reach the venue. */
  readonly inbox: OcoCommand[] = [];
  /** Every fill event ever produced (for duplicate delivery). */
  readonly fills: OcoEvent[] = [];
  /** Venue-side position per group (entry fills - exit fills), lots. */
  readonly position = new Map<string, number>();
  private trade = 0;
  /** Reductions of OCA groups without block, waiting to be propagated. */
  readonly pendingOca: { from: VenueOrder; fraction: [number, number] }[] = [];
  /** Groups with an exit fill from an order outside a native list. */
  readonly outsideList = new Set<string>();
  /** Groups with an exit fill. */
  readonly exitFilled = new Set<string>();
  /** Venue-side position entered per group (base + entry fills), lots. */
  readonly entered = new Map<string, number>();

  constructor(
    readonly inst: Instrument,
    readonly profile: VenueProfile,
    /** Groups' pre-existing positions, lots. */
    basePositions: ReadonlyMap<string, number> = new Map(),
  ) {
    for (const [g, q] of basePositions) {
      this.position.set(g, q);
      this.entered.set(g, q);
    }
  }

  send(commands: readonly OcoCommand[]): void {
    for (const c of commands) this.inbox.push(c);
  }

  /** Processes the oldest pending command (venue latency is the time it waits in the inbox). */
  processOne(): boolean {
    this.propagateOca();
    const c = this.inbox.shift();
    if (c === undefined) return false;
    this.process(c);
    // a native list is placed atomically: its other orders arrive with it
    const list = c.type === 'submit' ? c.contingency?.listId : undefined;
    while (list !== undefined) {
      const next = this.inbox[0];
      if (next?.type !== 'submit' || next.contingency?.listId !== list) break;
      this.inbox.shift();
      this.process(next);
    }
    return true;
  }

  processAll(): void {
    while (this.processOne()) {}
  }

  /** Applies the pending reductions of groups without block (the broker's later propagation). */
  propagateOca(): void {
    for (const p of this.pendingOca.splice(0)) this.reduceSiblings(p.from, p.fraction);
  }

  /**
   * OCA reduce: every other live order of the list keeps the fraction `left / before` of its open
   * quantity, rounded down to the lot (an order reduced to nothing is cancelled).
   */
  private reduceSiblings(o: VenueOrder, [left, before]: [number, number]): void {
    for (const s of this.orders.values()) {
      if (s === o || s.listId !== o.listId || s.status !== 'live') continue;
      const open = s.qty - s.filled;
      s.qty = s.filled + Math.floor((open * left) / before);
      if (s.qty <= s.filled) this.end(s, 'canceled');
    }
  }

  private process(c: OcoCommand): void {
    if (c.type === 'submit') {
      if (this.orders.has(c.orderId)) throw new Error(`duplicate submit ${c.orderId}`);
      const o: VenueOrder = {
        id: c.orderId,
        groupId: c.groupId,
        role: c.role,
        side: c.side,
        type: c.orderType,
        qty: this.inst.qtyToLots(c.qty),
        filled: 0,
        status: 'live',
        price: c.price === undefined ? null : this.inst.priceToTicks(c.price),
        stop: c.stopPrice === undefined ? null : this.inst.priceToTicks(c.stopPrice),
        triggered: false,
        reduceOnly: c.reduceOnly,
        listId: c.contingency?.listId ?? null,
        listKind: c.contingency?.kind ?? null,
        listBlock: c.contingency?.block ?? false,
      };
      this.orders.set(o.id, o);
      this.outbox.push({ type: 'accepted', orderId: o.id });
      return;
    }
    const o = this.orders.get(c.orderId);
    if (o === undefined) throw new Error(`command for unknown order ${c.orderId}`);
    if (c.type === 'cancel') {
      if (o.status === 'live') this.end(o, 'canceled');
      else this.outbox.push({ type: 'cancel-rejected', orderId: o.id, reason: 'order not live' });
      return;
    }
    // modify
    if (o.status !== 'live') {
      this.outbox.push({ type: 'modify-rejected', orderId: o.id, reason: 'order not live' });
      return;
    }
    // an open-quantity venue: the adapter sends the venue's current open + qtyDelta (race-free)
    const total =
      this.profile.amendQty === 'open'
        ? o.filled + (o.qty - o.filled + this.inst.qtyToLots(c.qtyDelta))
        : this.inst.qtyToLots(c.qty);
    if (c.price !== undefined) o.price = this.inst.priceToTicks(c.price);
    if (c.stopPrice !== undefined) o.stop = this.inst.priceToTicks(c.stopPrice);
    if (total <= o.filled) {
      o.qty = o.filled;
      this.outbox.push({ type: 'modified', orderId: o.id, qty: this.inst.lotsToQty(o.qty) });
      this.end(o, 'canceled');
      return;
    }
    o.qty = total;
    this.outbox.push({ type: 'modified', orderId: o.id, qty: this.inst.lotsToQty(o.qty) });
  }

  private end(o: VenueOrder, how: 'canceled' | 'expired'): void {
    o.status = 'done';
    this.outbox.push(
      how === 'canceled' ? { type: 'canceled', orderId: o.id } : { type: 'expired', orderId: o.id },
    );
  }

  /** Answers the oldest pending command with a reject when it is a submit. Returns whether it did. */
  rejectNext(): boolean {
    const c = this.inbox[0];
    if (c === undefined || c.type !== 'submit') return false;
    this.inbox.shift();
    this.process(c);
    const o = this.orders.get(c.orderId)!;
    o.status = 'done';
    this.outbox.pop(); // the 'accepted' just queued
    this.outbox.push({ type: 'rejected', orderId: o.id, reason: 'test reject' });
    return true;
  }

  /** Cancels a live order on the venue's own initiative (self-trade prevention, market remainder...). */
  cancelUnsolicited(o: VenueOrder): void {
    if (o.status === 'live') this.end(o, 'canceled');
  }

  /** Expires a live order. */
  expire(o: VenueOrder): void {
    if (o.status === 'live') this.end(o, 'expired');
  }

  liveOrders(groupId?: string): VenueOrder[] {
    const out: VenueOrder[] = [];
    for (const o of this.orders.values()) {
      if (o.status === 'live' && (groupId === undefined || o.groupId === groupId)) out.push(o);
    }
    return out;
  }

  isExit(o: VenueOrder): boolean {
    return o.role === 'stop' || o.role === 'target' || o.role === 'close';
  }

  /** Triggers a live stop (and applies the spot OCO rule). Returns whether it triggered. */
  trigger(o: VenueOrder): boolean {
    if (o.status !== 'live' || o.triggered || (o.type !== 'stop' && o.type !== 'stop-limit'))
      return false;
    o.triggered = true;
    this.outbox.push({ type: 'triggered', orderId: o.id });
    if (o.listId !== null && o.listKind === 'oco') this.cancelSiblings(o);
    return true;
  }

  private cancelSiblings(o: VenueOrder): void {
    for (const s of this.orders.values()) {
      if (s !== o && s.listId === o.listId && s.status === 'live') this.end(s, 'canceled');
    }
  }

  /**
   * Executes up to `lots` of a live order at `priceTicks` (its limit or stop price by default).
   * Reduce-only exits are capped at the venue-side position. Returns the lots executed.
   */
  fill(o: VenueOrder, lots: number, priceTicks?: number): number {
    if (o.status !== 'live') return 0;
    if ((o.type === 'stop' || o.type === 'stop-limit') && !o.triggered) this.trigger(o);
    if (o.status !== 'live') return 0;
    let q = Math.min(lots, o.qty - o.filled);
    const pos = this.position.get(o.groupId) ?? 0;
    if (o.reduceOnly) q = Math.min(q, pos);
    if (q <= 0) {
      if (o.reduceOnly && pos <= 0) this.end(o, 'canceled'); // venues cancel reduce-only orders on a flat position
      return 0;
    }
    const px = priceTicks ?? o.price ?? o.stop ?? 1;
    const openBefore = o.qty - o.filled;
    o.filled += q;
    this.trade++;
    const ev: OcoEvent = {
      type: 'fill',
      orderId: o.id,
      tradeId: `T${this.trade}`,
      price: this.inst.ticksToPrice(px),
      qty: this.inst.lotsToQty(q),
    };
    this.outbox.push(ev);
    this.fills.push(ev);
    this.position.set(o.groupId, pos + (this.isExit(o) ? -q : q));
    if (o.filled >= o.qty) o.status = 'done';
    if (o.listId !== null && this.isExit(o)) {
      if (o.listKind === 'oco' && o.role === 'target') this.cancelSiblings(o);
      else if (o.listKind === 'oca-cancel') this.cancelSiblings(o);
      else if (o.listKind === 'oca-reduce') {
        // "proportionately reduced": the others keep (1 - q / openBefore) of their open quantity
        const fraction: [number, number] = [openBefore - q, openBefore];
        if (o.listBlock) this.reduceSiblings(o, fraction);
        else this.pendingOca.push({ from: o, fraction });
      }
    }
    if (this.isExit(o)) {
      this.exitFilled.add(o.groupId);
      if (o.listId === null) this.outsideList.add(o.groupId);
    } else if (o.role === 'entry') {
      this.entered.set(o.groupId, (this.entered.get(o.groupId) ?? 0) + q);
    }
    if (o.reduceOnly && pos - q <= 0) {
      // position flat: the venue cancels the other reduce-only orders of the group
      for (const s of this.orders.values()) {
        if (s !== o && s.groupId === o.groupId && s.reduceOnly && s.status === 'live')
          this.end(s, 'canceled');
      }
    }
    return q;
  }
}
