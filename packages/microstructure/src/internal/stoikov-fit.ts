/**
 * The estimation steps of the Stoikov (2018) micro-price (Sec. 3 of the paper), as small pure
 * functions over typed arrays: states, transitions, bucket edges, transition counts, the linear
 * solves for G¹ and B, and the series G* = Σ Bⁱ G¹. `fitStoikovMicroPrice` validates the options
 * and chains them.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import type { QuoteSeries } from '../microprice.js';
import { solve } from './linalg.js';

type Quotes = QuoteSeries;

/** Per row: spread state (1..ns ticks, 0 = not a state) and imbalance. */
export interface RowStates {
  readonly spread: Int32Array;
  readonly imb: Float64Array;
}

/** The states of every row (rows with an empty side or a non-finite value are not states). */
export function rowStates(q: Quotes, tick: number, ns: number): RowStates {
  const n = q.bidPrice.length;
  const spread = new Int32Array(n);
  const imb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = q.bidPrice[i]!;
    const a = q.askPrice[i]!;
    const qb = q.bidSize[i]!;
    const qa = q.askSize[i]!;
    if (
      !(Number.isFinite(b) && Number.isFinite(a) && Number.isFinite(qb + qa) && qb > 0 && qa > 0)
    ) {
      continue;
    }
    const s = Math.round((a - b) / tick);
    if (s >= 1 && s <= ns) {
      spread[i] = s;
      imb[i] = qb / (qb + qa);
    }
  }
  return { spread, imb };
}

/** Mid move from row i to row j in half ticks. */
function halfTickMove(q: Quotes, i: number, j: number, tick: number): number {
  return Math.round(
    (q.bidPrice[j]! + q.askPrice[j]! - q.bidPrice[i]! - q.askPrice[i]!) / 2 / (tick / 2),
  );
}

/** First rows of the usable transitions (both ends states, |dM| ≤ maxHalf half ticks). */
export function transitions(
  q: Quotes,
  st: RowStates,
  lag: number,
  tick: number,
  maxHalf: number,
): Int32Array {
  const n = st.spread.length;
  const from = new Int32Array(n);
  let used = 0;
  for (let i = 0; i + lag < n; i++) {
    const j = i + lag;
    if (st.spread[i] === 0 || st.spread[j] === 0) continue;
    if (Math.abs(halfTickMove(q, i, j, tick)) > maxHalf) continue;
    from[used++] = i;
  }
  return from.subarray(0, used);
}

/**
 * Inner bucket edges: uniform k/nb, or quantiles (linear interpolation, numpy's default) of the
 * transitions' first imbalances, pooled with their mirrors 1 − I when symmetrising.
 */
export function bucketEdges(
  imb: Float64Array,
  from: Int32Array,
  nb: number,
  sym: boolean,
  uniform: boolean,
): Float64Array {
  const edges = new Float64Array(nb - 1);
  if (uniform) {
    for (let k = 1; k < nb; k++) edges[k - 1] = k / nb;
    return edges;
  }
  const used = from.length;
  const pool = new Float64Array(sym ? 2 * used : used);
  for (let u = 0; u < used; u++) {
    pool[u] = imb[from[u]!]!;
    if (sym) pool[used + u] = 1 - imb[from[u]!]!;
  }
  pool.sort();
  for (let k = 1; k < nb; k++) {
    const h = (pool.length - 1) * (k / nb);
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, pool.length - 1);
    edges[k - 1] = pool[lo]! + (h - lo) * (pool[hi]! - pool[lo]!);
  }
  return edges;
}

/** Bucket b of I is (e_{b−1}, e_b]: the number of edges strictly below I. */
export function bucketOf(edges: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Transition counts per state x: no move to y (qc), move k (r1c), move to y (r2c), total. */
export interface Counts {
  readonly S: number;
  readonly nMoves: number;
  readonly maxHalf: number;
  readonly qc: Float64Array;
  readonly r1c: Float64Array;
  readonly r2c: Float64Array;
  readonly tot: Float64Array;
}

/**
 * Counts the transitions; with `sym` each one is also counted mirrored (I → 1 − I, dM → −dM),
 * the mirrored sample bucketed by its own, mirrored imbalance (on a bucket edge, such as I = 1/2
 * with integer lots, bucket(1 − I) is not nb − 1 − bucket(I)).
 */
export function countTransitions(
  q: Quotes,
  st: RowStates,
  from: Int32Array,
  edges: Float64Array,
  lag: number,
  tick: number,
  maxHalf: number,
  sym: boolean,
  ns: number,
): Counts {
  const nb = edges.length + 1;
  const S = nb * ns;
  const nMoves = 2 * maxHalf; // half-tick moves -maxHalf..-1, 1..maxHalf
  const c: Counts = {
    S,
    nMoves,
    maxHalf,
    qc: new Float64Array(S * S),
    r1c: new Float64Array(S * nMoves),
    r2c: new Float64Array(S * S),
    tot: new Float64Array(S),
  };
  const add = (x: number, y: number, dm: number): void => {
    c.tot[x]!++;
    if (dm === 0) c.qc[x * S + y]!++;
    else {
      c.r1c[x * nMoves + (dm < 0 ? dm + maxHalf : dm + maxHalf - 1)]!++;
      c.r2c[x * S + y]!++;
    }
  };
  const { spread, imb } = st;
  for (let u = 0; u < from.length; u++) {
    const i = from[u]!;
    const j = i + lag;
    const dm = halfTickMove(q, i, j, tick);
    const si = (spread[i]! - 1) * nb;
    const sj = (spread[j]! - 1) * nb;
    add(si + bucketOf(edges, imb[i]!), sj + bucketOf(edges, imb[j]!), dm);
    if (sym) add(si + bucketOf(edges, 1 - imb[i]!), sj + bucketOf(edges, 1 - imb[j]!), -dm);
  }
  return c;
}

/** G¹ = (I − Q)⁻¹ R1 K (eq. 3.5) and B = (I − Q)⁻¹ R2 (eq. 3.6), S states. */
export interface FirstOrder {
  readonly g1: Float64Array;
  readonly B: Float64Array;
  readonly unobserved: number;
}

/**
 * Solves for G¹ and B from the counts (a state never observed has zero rows); `null` when I − Q
 * is singular.
 */
export function firstOrder(c: Counts, tick: number): FirstOrder | null {
  const { qc, r1c, r2c, tot, nMoves, maxHalf } = c;
  const S = c.S;
  const half = tick / 2;
  const rhs = new Float64Array(S * (S + 1));
  const imq = new Float64Array(S * S);
  let unobserved = 0;
  for (let x = 0; x < S; x++) {
    imq[x * S + x] = 1;
    const t = tot[x]!;
    if (t === 0) {
      unobserved++;
      continue;
    }
    for (let y = 0; y < S; y++) {
      imq[x * S + y]! -= qc[x * S + y]! / t;
      rhs[x * (S + 1) + 1 + y] = r2c[x * S + y]! / t;
    }
    let s = 0;
    for (let k = 0; k < nMoves; k++) {
      const halfTicks = k < maxHalf ? k - maxHalf : k - maxHalf + 1;
      s += (r1c[x * nMoves + k]! / t) * halfTicks * half;
    }
    rhs[x * (S + 1)] = s;
  }
  const sol = solve(imq, rhs, S, S + 1);
  if (sol === null) return null;
  const g1 = new Float64Array(S);
  const B = new Float64Array(S * S);
  for (let x = 0; x < S; x++) {
    g1[x] = sol[x * (S + 1)]!;
    for (let y = 0; y < S; y++) B[x * S + y] = sol[x * (S + 1) + 1 + y]!;
  }
  return { g1, B, unobserved };
}

/** The result of {@link sumSeries}. */
export interface Series {
  readonly g: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** max |B∞ G¹|: the fitted chain's stationary mid drift per move, in price units. */
  readonly drift: number;
}

/** t ← B t into `out`; returns max |out|. */
function step(B: Float64Array, t: Float64Array, out: Float64Array): number {
  const S = t.length;
  let mx = 0;
  for (let x = 0; x < S; x++) {
    let s = 0;
    for (let y = 0; y < S; y++) s += B[x * S + y]! * t[y]!;
    out[x] = s;
    if (Math.abs(s) > mx) mx = Math.abs(s);
  }
  return mx;
}

/**
 * G* = Σ_{i≥0} Bⁱ (G¹ − B∞G¹) (Theorem 3.1). The terms Bⁱ G¹ converge to B∞G¹, the stationary
 * drift per mid move of the fitted chain; the paper's series needs it to be 0. Symmetrised data
 * make it 0 exactly when the buckets are mirror images of each other, and of the order of 1/N of
 * a move (N transitions) when imbalances sit on bucket edges; a drift up to `maxDrift` is that
 * sampling residue and is removed, a larger one means the series diverges (`converged` false).
 * Each phase stops when its term's max-norm is below `stop`, within `maxIt` terms.
 */
export function sumSeries(
  B: Float64Array,
  g1: Float64Array,
  stop: number,
  maxIt: number,
  maxDrift: number,
): Series {
  const S = g1.length;
  // phase 1: the limit of the terms
  let term = Float64Array.from(g1);
  let next = new Float64Array(S);
  let settled = false;
  let it = 0;
  while (it < maxIt && !settled) {
    const mx = step(B, term, next);
    it++;
    if (!Number.isFinite(mx)) break;
    let d = 0;
    for (let x = 0; x < S; x++) d = Math.max(d, Math.abs(next[x]! - term[x]!));
    const t = term;
    term = next;
    next = t;
    settled = d < stop;
  }
  const limit = term;
  let drift = 0;
  for (let x = 0; x < S; x++) drift = Math.max(drift, Math.abs(limit[x]!));
  if (!settled || !(drift <= maxDrift)) {
    return { g: new Float64Array(S), iterations: it, converged: false, drift };
  }
  // phase 2: Σ (Bⁱ G¹ − B∞G¹)
  const g = new Float64Array(S);
  term = Float64Array.from(g1);
  next = new Float64Array(S);
  let n = 0;
  let converged = false;
  while (n < maxIt) {
    let mx = 0;
    for (let x = 0; x < S; x++) {
      const v = term[x]! - limit[x]!;
      g[x]! += v;
      mx = Math.max(mx, Math.abs(v));
    }
    if (mx < stop) {
      converged = g.every(Number.isFinite);
      break;
    }
    step(B, term, next);
    n++;
    const t = term;
    term = next;
    next = t;
  }
  return { g, iterations: n, converged, drift };
}

/**
 * Why no row is a usable state, when the units look wrong: prices that are integers whose spread
 * is many "ticks" (integer ticks passed with a price tick size), or spreads below one tick (a tick
 * size too large for the prices). `null` when nothing stands out.
 */
function unitsHint(q: Quotes, tick: number, ns: number): string | null {
  const n = q.bidPrice.length;
  let twoSided = 0;
  let integer = 0;
  let wide = 0;
  let narrow = 0;
  for (let i = 0; i < n; i++) {
    const b = q.bidPrice[i]!;
    const a = q.askPrice[i]!;
    if (
      !(Number.isFinite(b) && Number.isFinite(a) && a > b && q.bidSize[i]! > 0 && q.askSize[i]! > 0)
    ) {
      continue;
    }
    twoSided++;
    const s = Math.round((a - b) / tick);
    if (Number.isInteger(b) && Number.isInteger(a)) integer++;
    if (s > ns) wide++;
    else if (s < 1) narrow++;
  }
  if (twoSided === 0) return null;
  if (tick < 1 && integer === twoSided && wide === twoSided) {
    return `prices look like integer ticks (every spread is an integer of at least ${ns + 1} × tickSize ${tick}); pass tickSize 1 or prices in price units`;
  }
  if (narrow === twoSided) {
    return `every spread is below one tick of ${tick}: the tick size looks too large for these prices`;
  }
  if (wide === twoSided) {
    return `every spread is wider than spreadStates = ${ns} ticks of ${tick}: check tickSize or raise spreadStates`;
  }
  return null;
}

/** A `ValidationError` for a fit without enough usable transitions, naming the units if they look wrong. */
export function tooFewTransitions(
  q: Quotes,
  tick: number,
  ns: number,
  used: number,
): ValidationError {
  const hint = unitsHint(q, tick, ns);
  return new ValidationError(hint ?? 'too few usable transitions to fit the micro-price', {
    field: hint === null ? 'quotes' : 'tickSize',
    value: hint === null ? used : tick,
    details: { transitions: used },
  });
}
