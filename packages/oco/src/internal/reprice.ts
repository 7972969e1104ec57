/**
 * Repricing as pure functions of integer ticks: anchoring an exit to the weighted average entry,
 * trailing a stop behind the best price, and the break-even move. No state, no I/O: the manager
 * stores what they return (table tests in `test/reprice.test.ts`).
 *
 * Rounding never moves an exit to the wrong side: a long's stop rounds down and its target up, a
 * short's stop up and its target down.
 */
import { ceilDiv, type Exact, floorDiv, ratio, toXDec, XDec } from './exact.js';
import type { OffsetRec } from './records.js';

/**
 * An offset in ticks at an anchor (ticks), or null when an ATR offset has no volatility input.
 * @param o - the offset
 * @param anchorTicks - the price it is measured from (bps offsets are relative to it)
 * @param atrTicks - the last volatility input in ticks, or null
 */
export function offsetTicks(
  o: OffsetRec,
  anchorTicks: number,
  atrTicks: number | null,
): number | null {
  if (o.kind === 'ticks') return Number(o.amount);
  if (o.kind === 'bps') return (anchorTicks * Number(o.amount)) / 10_000;
  return atrTicks === null ? null : atrTicks * Number(o.amount);
}

/**
 * The exit price anchored at the weighted average entry `notional / filled` (ticks), exact,
 * rounded to the safe side.
 * @param o - the offset
 * @param notional - Σ price × qty of the position, tick·lots (exact)
 * @param filled - the position, lots (> 0)
 * @param atrTicks - volatility input for ATR offsets, or null
 * @param long - position side
 * @param stop - a stop (else a target)
 * @returns the price in ticks, or null when an ATR input is missing
 */
export function anchoredPrice(
  o: OffsetRec,
  notional: Exact,
  filled: number,
  atrTicks: number | null,
  long: boolean,
  stop: boolean,
): number | null {
  const below = long === stop; // a long stop and a short target sit below the anchor
  // exact integer fast path: floor/ceil of an integer quotient a / b is exact in doubles while
  // |a| < 2^53 (a non-integer quotient is at least 1/b away from the next integer)
  if (o.kind !== 'atr' && typeof notional === 'number') {
    const v = Number(o.amount);
    if (Number.isSafeInteger(v)) {
      if (o.kind === 'ticks') {
        const a = below ? notional - v * filled : notional + v * filled;
        if (Number.isSafeInteger(a)) return below ? Math.floor(a / filled) : Math.ceil(a / filled);
      } else {
        const a = notional * (below ? 10_000 - v : 10_000 + v);
        const b = filled * 10_000;
        if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
          return below ? Math.floor(a / b) : Math.ceil(a / b);
        }
      }
    }
  }
  const avg = toXDec(notional).div(filled);
  let off: InstanceType<typeof XDec>;
  if (o.kind === 'ticks') off = new XDec(o.amount);
  else if (o.kind === 'bps') off = avg.times(o.amount).div(10_000);
  else {
    if (atrTicks === null) return null;
    off = new XDec(atrTicks).times(o.amount);
  }
  const px = below ? avg.minus(off).floor() : avg.plus(off).ceil();
  return px.toNumber();
}

/** A trailing stop's state. */
export interface TrailState {
  /** Trailing has started. */
  readonly active: boolean;
  /** Best price since activation, ticks. */
  readonly bestTicks: number | null;
  /** The stop price, ticks. */
  readonly stopTicks: number | null;
}

/**
 * One market observation applied to a trailing stop: activation at `activationTicks` (or at once),
 * then the best price ratchets in the favourable direction and the stop follows at `distance`,
 * only ever tightening.
 * @returns the new state (the same object when nothing changed)
 */
export function trail(
  s: TrailState,
  long: boolean,
  activationTicks: number | null,
  distance: OffsetRec,
  lastTicks: number,
  atrTicks: number | null,
): TrailState {
  let active = s.active;
  let best = s.bestTicks;
  if (
    !active &&
    (activationTicks === null ||
      (long ? lastTicks >= activationTicks : lastTicks <= activationTicks))
  ) {
    active = true;
    best = lastTicks;
  }
  if (!active) return s;
  best = long ? Math.max(best!, lastTicks) : Math.min(best!, lastTicks);
  let stop = s.stopTicks;
  const dist = offsetTicks(distance, best, atrTicks);
  if (dist !== null) {
    const px = long ? Math.floor(best - dist) : Math.ceil(best + dist);
    if (px > 0 && (stop === null || (long ? px > stop : px < stop))) stop = px;
  }
  if (active === s.active && best === s.bestTicks && stop === s.stopTicks) return s;
  return { active, bestTicks: best, stopTicks: stop };
}

/**
 * The break-even stop once the market is `after` in profit from the average entry, or null when
 * it is not armed yet (or the ATR input is missing).
 * @param notional - position notional, tick·lots
 * @param pos - position, lots (> 0)
 * @returns the stop price (average entry plus `plusTicks`, rounded to the safe side), or null
 */
export function breakEvenStop(
  long: boolean,
  after: OffsetRec,
  plusTicks: number,
  notional: Exact,
  pos: number,
  lastTicks: number,
  atrTicks: number | null,
): number | null {
  const avg = ratio(notional, pos);
  const dist = offsetTicks(after, avg, atrTicks);
  if (dist === null || !(long ? lastTicks >= avg + dist : lastTicks <= avg - dist)) return null;
  return long ? ceilDiv(notional, pos) + plusTicks : floorDiv(notional, pos) - plusTicks;
}

/** Whether `next` tightens `current` (a long's stop rises, a short's falls); null is loosest. */
export function tightens(long: boolean, current: number | null, next: number): boolean {
  return current === null || (long ? next > current : next < current);
}
