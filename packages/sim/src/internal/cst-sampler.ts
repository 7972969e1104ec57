/**
 * The event draw of the Cont–Stoikov–Talreja (2010) model, shared by `OrderFlowGenerator` (on
 * its own book) and `BackgroundFlow` (on a live engine): Gillespie's algorithm over the rates of
 * the current queue sizes. The waiting time is exponential with the total rate
 * R = 2Σλ(i) + 2μ + extra + Σθ(i)·(orders at distance i) + θ_beyond·(orders farther than K),
 * and the event is drawn with probability proportional to its rate.
 */
import type { Rng, Side } from '@x/core';
import type { CompiledRates } from './rates.js';

/** Book sides as indices. */
export const BUY = 0;
export const SELL = 1;

/** What was drawn ({@link CstSampler.kind}). */
export const EV_LIMIT_BUY = 0;
export const EV_LIMIT_SELL = 1;
export const EV_MARKET_BUY = 2;
export const EV_MARKET_SELL = 3;
/** The caller's extra event (the generator's informed trader). */
export const EV_EXTRA = 4;
/** The cancellation of the `index`-th order at distance `level` + 1 on `side`. */
export const EV_CANCEL = 5;
/** The cancellation of the `index`-th order farther than K ticks on `side` (worst level first for the generator). */
export const EV_CANCEL_DEEP = 6;
/** A cancellation drawn while no order rests anywhere: nothing happens. */
const EV_NONE = 7;

/**
 * The queue sizes the draw needs, read from whichever book the caller keeps (a `TickBook` is
 * one: the generator passes its book itself, with no adapter in between).
 */
export interface QueueCounts {
  /** Orders resting at a price on a side (the ones the model may cancel). */
  levelOrders(side: Side, priceTicks: number): number;
  /** Orders resting on a side in total. */
  sideOrders(side: Side): number;
}

/** One draw's result, overwritten by the next (no allocation per event). */
export class CstSampler {
  /** The event kind (`EV_*`). */
  kind = EV_NONE;
  /** Side of a cancellation (BUY or SELL). */
  side = BUY;
  /** 0-based distance level i − 1 of a limit order or a cancellation within K. */
  level = 0;
  /** Queue index of the order to cancel. */
  index = 0;
  /** Waiting time before the event, in model seconds. */
  dt = 0;
  private readonly xb: Float64Array;
  private readonly xa: Float64Array;

  /**
   * @param rates - λ, θ and μ
   * @param thetaBeyond - cancellation rate of each order farther than K ticks
   * @param extraRate - the rate of {@link EV_EXTRA} (0 for none)
   */
  constructor(
    private readonly rates: CompiledRates,
    private readonly thetaBeyond: number,
    private readonly extraRate: number,
  ) {
    this.xb = new Float64Array(rates.K);
    this.xa = new Float64Array(rates.K);
  }

  /**
   * Draws the next event: distances are counted from `refAsk` for bids and `refBid` for asks.
   * @returns the kind (also in {@link CstSampler.kind})
   */
  draw(rng: Rng, counts: QueueCounts, refBid: number, refAsk: number): number {
    const { K, theta, lambdaTotal: L, mu } = this.rates;
    const xb = this.xb;
    const xa = this.xa;
    let cancelRate = 0;
    let nearB = 0;
    let nearA = 0;
    for (let i = 0; i < K; i++) {
      const nb = counts.levelOrders('buy', refAsk - i - 1);
      const na = counts.levelOrders('sell', refBid + i + 1);
      xb[i] = nb;
      xa[i] = na;
      nearB += nb;
      nearA += na;
      cancelRate += theta[i]! * (nb + na);
    }
    const deepB = counts.sideOrders('buy') - nearB;
    const deepA = counts.sideOrders('sell') - nearA;
    const deepRate = this.thetaBeyond * (deepB + deepA);
    const total = 2 * L + 2 * mu + this.extraRate + cancelRate + deepRate;
    this.dt = rng.exponential(total);
    let u = rng.float() * total;
    if (u < 2 * L) {
      const buy = u < L;
      if (!buy) u -= L;
      this.level = this.pickLevel(u);
      return this.set(buy ? EV_LIMIT_BUY : EV_LIMIT_SELL);
    }
    u -= 2 * L;
    if (u < 2 * mu) return this.set(u < mu ? EV_MARKET_BUY : EV_MARKET_SELL);
    u -= 2 * mu;
    if (u < this.extraRate) return this.set(EV_EXTRA);
    u -= this.extraRate;
    // cancellation: level i with probability θ(i)·x(i)/Σ, then an order uniformly within it
    for (let i = 0; i < K; i++) {
      const th = theta[i]!;
      const wb = th * xb[i]!;
      if (u < wb) return this.cancel(BUY, i, Math.min(xb[i]! - 1, Math.floor(u / th)));
      u -= wb;
      const wa = th * xa[i]!;
      if (u < wa) return this.cancel(SELL, i, Math.min(xa[i]! - 1, Math.floor(u / th)));
      u -= wa;
    }
    // beyond K: a uniformly random deep order
    const deep = deepB + deepA;
    if (deep <= 0) return this.set(EV_NONE);
    const k = Math.min(deep - 1, Math.floor((u / deepRate) * deep));
    this.side = k < deepB ? BUY : SELL;
    this.index = k < deepB ? k : k - deepB;
    return this.set(EV_CANCEL_DEEP);
  }

  private pickLevel(u: number): number {
    const c = this.rates.lambdaCum;
    const K = this.rates.K;
    for (let i = 0; i < K - 1; i++) if (u < c[i]!) return i;
    return K - 1;
  }

  private cancel(side: number, level: number, index: number): number {
    this.side = side;
    this.level = level;
    this.index = index;
    return this.set(EV_CANCEL);
  }

  private set(kind: number): number {
    this.kind = kind;
    return kind;
  }
}
