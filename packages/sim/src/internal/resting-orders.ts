/**
 * Our resting orders in a replayed market and what the historical flow does to them: the queue
 * ahead of each (exact, by the book's time priority, or a queue model's estimate) and the fills
 * when a historical trade or a crossing submission reaches it. `ReplayOrders` owns the orders,
 * the latencies and the reports; this is its fill rule, written once.
 */
import {
  type OrderId,
  oppositeSide,
  type QueueEstimate,
  type Side,
  ValidationError,
} from '@x/core';
import type { TickBook } from '../book.js';
import type { BookTimeInForce } from '../book-types.js';
import type { HistoricalMessage, ReplayTrade } from '../replay.js';
import type { ReplayOrderView } from '../replay-orders-types.js';

export interface UserOrder {
  readonly id: OrderId;
  readonly side: Side;
  priceTicks: number;
  lots: number;
  readonly tif: BookTimeInForce;
  readonly postOnly: boolean;
  filled: number;
  status: ReplayOrderView['status'];
  /**
   * Exact mode: lots ahead; the book's last time-priority stamp when we joined (orders at our
   * level with a stamp up to it are ahead of us); the message that last reduced one of them.
   */
  ahead: number;
  joinStamp: number;
  aheadHitSeq: number;
  /** Model mode: the estimate and what of it has been reported as filled. */
  est: QueueEstimate | undefined;
  estFilled: number;
}

export interface Arrival {
  readonly at: number;
  readonly order: UserOrder;
  /** 0 submit, 1 cancel, 2 amend to `priceTicks` and `lots`. */
  readonly kind: 0 | 1 | 2;
  readonly priceTicks: number;
  readonly lots: number;
}

/** A latency option: finite and >= 0, 0 by default. */
export function latency(v: number | undefined, field: string): number {
  const x = v ?? 0;
  if (!(Number.isFinite(x) && x >= 0)) {
    throw new ValidationError(`${field} must be finite and >= 0`, { field, value: v });
  }
  return x;
}

/** Fills one of our orders (the owner reports it and updates its counts). */
export type FillSink = (
  o: UserOrder,
  px: number,
  lots: number,
  liq: 'maker' | 'taker',
  ts: number,
) => void;

/** The resting orders and the rule by which the historical flow fills them. */
export class RestingOrders {
  /** Resting orders in arrival order; finished ones stay until {@link RestingOrders.compact}. */
  list: UserOrder[] = [];
  /** Orders finished since the last compaction. */
  finished = 0;
  /** The number of the message being applied (a reduction and its trade share it). */
  seq = 0;
  /** Lots a crossing historical submission can still give our orders. */
  addBudget = 0;
  /** True while an L2 trade print is applied: the feed's depth update for it comes separately. */
  l2Trade = false;

  /**
   * @param book - the replayed book
   * @param exact - true for exact L3 queues, false for a queue model
   * @param fill - fills an order
   */
  constructor(
    private readonly book: TickBook,
    private readonly exact: boolean,
    private readonly fill: FillSink,
  ) {}

  /** Drops the finished orders from the list (in place, order kept). */
  compact(): void {
    const act = this.list;
    let k = 0;
    for (let i = 0; i < act.length; i++) if (act[i]!.status === 'resting') act[k++] = act[i]!;
    act.length = k;
    this.finished = 0;
  }

  /** Exact mode: an order ahead of ours lost lots. */
  reduce(id: OrderId, side: Side, px: number, lots: number): void {
    const act = this.list;
    if (act.length === 0) return;
    // called before the book changes: the reduced order still has its time priority
    const stamp = this.book.timePriority(id);
    for (let i = 0; i < act.length; i++) {
      const o = act[i]!;
      if (o.status !== 'resting' || o.side !== side || o.priceTicks !== px) continue;
      if (!(stamp <= o.joinStamp)) continue; // behind us (or L2 mode: joinStamp is NaN)
      o.ahead = Math.max(o.ahead - lots, 0);
      o.aheadHitSeq = this.seq;
    }
  }

  /** A historical trade: it fills orders it reaches (exact) or moves their estimates (model). */
  trade(t: ReplayTrade): void {
    if (t.kind === 'cross' || this.list.length === 0) return;
    const makerSide = oppositeSide(t.aggressor);
    let budget = t.lots;
    const act = this.list;
    for (let i = 0; i < act.length; i++) {
      const o = act[i]!;
      if (o.side !== makerSide || o.status !== 'resting') continue;
      const at = t.priceTicks === o.priceTicks;
      const through = o.side === 'buy' ? t.priceTicks < o.priceTicks : t.priceTicks > o.priceTicks;
      if (!at && !through) continue;
      if (o.est !== undefined) {
        o.est.onTrade(t.priceTicks, t.lots, t.aggressor);
        continue; // the fill is read after the message's depth update
      }
      if (through || (o.aheadHitSeq !== this.seq && o.ahead === 0)) {
        const q = Math.min(budget, o.lots - o.filled);
        budget -= q;
        this.fill(o, o.priceTicks, q, 'maker', t.ts);
      }
    }
  }

  /** A historical order crossing ours trades with it; model estimates see the new depth. */
  afterMessage(m: HistoricalMessage): void {
    // exact mode: only a submission can cross us here (trades were handled as they came)
    if (m.type !== 1 && (this.exact || m.type > 5)) return;
    const book = this.book;
    const act = this.list;
    for (let i = 0; i < act.length; i++) {
      const o = act[i]!;
      if (o.status !== 'resting') continue;
      if (m.type === 1 && m.side !== o.side) {
        const crossed =
          o.side === 'buy' ? m.priceTicks <= o.priceTicks : m.priceTicks >= o.priceTicks;
        if (crossed) {
          const q = Math.min(this.addBudget, o.lots - o.filled);
          this.addBudget -= q;
          this.fill(o, o.priceTicks, q, 'maker', m.ts);
          if (o.est !== undefined) o.estFilled += q;
          continue;
        }
      }
      const est = o.est;
      if (est === undefined) continue;
      const atLevel = m.side === o.side && m.priceTicks === o.priceTicks;
      if (atLevel && !this.l2Trade) est.onDepth(book.levelLots(o.side, o.priceTicks));
      else if (m.type < 4 || m.side !== o.side) continue; // no trade could have reached it
      // the estimate in whole lots, rounded down (a model may estimate fractions of a lot)
      const now = Math.min(Math.floor(est.filledQty), o.lots - o.filled + o.estFilled);
      if (now > o.estFilled) {
        const q = now - o.estFilled;
        o.estFilled = now;
        this.fill(o, o.priceTicks, q, 'maker', m.ts);
      }
    }
  }
}
