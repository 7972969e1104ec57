/**
 * Native-pair emulation: which exits a venue profile can hold as one native list, the price
 * relationship the venue enforces on it, the contingency a submit carries, and the manager's
 * mirror of the venue's proportional reduction. See `NativeOcoSupport` in `venues.ts` for why each
 * kind takes the shapes it does.
 */
import type { NativeContingency } from '../types.js';
import type { VenueProfile } from '../venues.js';
import type { GroupRec, OrderRec } from './records.js';

/**
 * Indices of the exits the venue can handle as one native list, or null to emulate: a pair of
 * one stop and one target for `spot-oco` and `oca-reduce` (the latter only once no entry order can
 * fill any more), any two or more stops and targets for `oca-cancel`.
 */
export function nativeList(
  venue: VenueProfile,
  g: GroupRec,
  orders: ReadonlyMap<string, OrderRec>,
): number[] | null {
  const mode = venue.nativeOco;
  if (mode === 'none') return null;
  const policy = g.policies.exitSiblingOnFill;
  if (mode === 'oca-cancel' && policy !== 'cancel') return null;
  if (mode === 'oca-reduce' && (policy !== 'reduce' || entriesMayFill(g, orders))) return null;
  const out: number[] = [];
  let stops = 0;
  for (let i = 0; i < g.legs.length; i++) {
    const x = g.legs[i]!;
    if (x.role === 'close') return null;
    if (x.role !== 'stop' && x.role !== 'target') continue;
    if (x.role === 'stop') stops++;
    out.push(i);
  }
  if (mode === 'oca-cancel') return out.length >= 2 ? out : null;
  return out.length === 2 && stops === 1 ? out : null;
}

/** Whether an entry order may still fill: an entry leg not done, or one whose order has not ended. */
function entriesMayFill(g: GroupRec, orders: ReadonlyMap<string, OrderRec>): boolean {
  for (const l of g.legs) {
    if (l.role !== 'entry') continue;
    if (l.phase !== 'done') return true;
    if (l.orderId !== null && orders.get(l.orderId)!.phase !== 'done') return true;
  }
  return false;
}

/**
 * The venue's OCO price relationship (sell OCO: take-profit above last above stop; mirrored for a
 * buy OCO). When it does not hold, the pair is emulated instead.
 */
export function ocoPricesOk(
  venue: VenueProfile,
  g: GroupRec,
  list: readonly number[],
  lastTicks: number | null,
): boolean {
  if (venue.ocoPriceRule === 'none' || lastTicks === null) return true;
  let tp: number | null = null;
  let sp: number | null = null;
  for (const k of list) {
    const l = g.legs[k]!;
    if (l.role === 'stop') sp = l.stopTicks;
    else tp = l.priceTicks;
  }
  if (tp === null || sp === null) return false;
  return g.side === 'buy' ? tp > lastTicks && lastTicks > sp : tp < lastTicks && lastTicks < sp;
}

/** The native contingency an exit of an intact native list carries. */
export function nativeContingency(venue: VenueProfile, g: GroupRec): NativeContingency | undefined {
  if (g.nativeList !== 'intact') return undefined;
  const mode = venue.nativeOco;
  if (mode === 'none') return undefined;
  return { listId: g.id, kind: mode === 'spot-oco' ? 'oco' : mode, block: venue.ocaBlock };
}

/**
 * The venue's proportional reduction of a sibling when the filler executed `q` of its open
 * quantity (oca-reduce): both legs carry the same open R here, where this is open − q.
 * @returns the sibling's new total quantity, lots
 */
export function mirroredReduction(filler: OrderRec, q: number, sibling: OrderRec): number {
  const fillerOpen = filler.qty - (filler.filled - q);
  const open = sibling.qty - sibling.filled;
  const left = fillerOpen <= q ? 0 : Math.floor((open * (fillerOpen - q)) / fillerOpen);
  return sibling.filled + Math.max(0, left);
}
