/**
 * Kernels of the multi-level OFI shared by the streaming calculator and the batch function: the
 * depth-mode kernel (on books core's rule accepted), the tick-grid mapping and the tick-mode
 * kernel, and the resolution of the options. Pure functions over typed arrays; no allocation.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import type { MultiLevelOfi, MultiLevelOfiOptions } from '../ofi.js';
import { checkAllowLocked, checkPolicy, type InvalidPolicy } from './book.js';

/**
 * Depth-mode kernel on rows of flat arrays that core's book rule has accepted: writes e_n for
 * levels [0, M) of the update from the book at offset `po` to the book at offset `co` into
 * `out[oo..]`, and the mean size over the 2M current levels into `depthOut[di]` (a typed slot
 * rather than a returned double, which V8 would box when the call is not inlined).
 */
export function depthKernel(
  bp: Float64Array,
  bs: Float64Array,
  ap: Float64Array,
  as: Float64Array,
  po: number,
  co: number,
  m: number,
  out: Float64Array,
  oo: number,
  depthOut: Float64Array,
  di: number,
): void {
  const INF = Number.POSITIVE_INFINITY;
  let depth = 0;
  for (let k = 0; k < m; k++) {
    const qb1 = bs[co + k]!;
    const qa1 = as[co + k]!;
    const qb0 = bs[po + k]!;
    const qa0 = as[po + k]!;
    // empty levels: bid price -inf, ask price +inf
    const xb1 = qb1 > 0 ? bp[co + k]! : -INF;
    const xa1 = qa1 > 0 ? ap[co + k]! : INF;
    const xb0 = qb0 > 0 ? bp[po + k]! : -INF;
    const xa0 = qa0 > 0 ? ap[po + k]! : INF;
    // indicator arithmetic rather than branches: price moves are data-dependent and
    // mispredict (sizes are finite here, so 0·q is 0)
    out[oo + k] =
      +(xb1 >= xb0) * qb1 - +(xb1 <= xb0) * qb0 - +(xa1 <= xa0) * qa1 + +(xa1 >= xa0) * qa0;
    depth += qb1 + qa1;
  }
  depthOut[di] = depth / (2 * m);
}

/**
 * Maps one side of a book onto the tick grid: grid[k] = size at best ∓ k·tick for k < M.
 * Returns false when a price is off the grid.
 */
export function gridSide(
  prices: Float64Array,
  sizes: Float64Array,
  off: number,
  n: number,
  isBid: boolean,
  tick: number,
  m: number,
  grid: Float64Array,
  go: number,
): boolean {
  for (let k = 0; k < m; k++) grid[go + k] = 0;
  if (!(sizes[off]! > 0)) return true;
  const best = prices[off]!;
  for (let j = 0; j < n; j++) {
    const s = sizes[off + j]!;
    if (!(s > 0)) break;
    const d = (isBid ? best - prices[off + j]! : prices[off + j]! - best) / tick;
    const k = Math.round(d);
    if (Math.abs(d - k) > 1e-6) return false;
    if (k >= m) break;
    grid[go + k] = s;
  }
  return true;
}

/**
 * Tick-mode kernel on gridded sizes: the comparison of level-m prices equals the comparison of
 * the best quotes. Returns the mean gridded size over the 2M current levels.
 */
export function tickKernel(
  b0: number,
  a0: number,
  gb0: Float64Array,
  ga0: Float64Array,
  b1: number,
  a1: number,
  gb1: Float64Array,
  ga1: Float64Array,
  m: number,
  out: Float64Array,
  oo: number,
): number {
  const bUp = b1 >= b0;
  const bDown = b1 <= b0;
  const aDown = a1 <= a0;
  const aUp = a1 >= a0;
  let depth = 0;
  for (let k = 0; k < m; k++) {
    const qb1 = gb1[k]!;
    const qa1 = ga1[k]!;
    let e = 0;
    if (bUp) e += qb1;
    if (bDown) e -= gb0[k]!;
    if (aDown) e -= qa1;
    if (aUp) e += ga0[k]!;
    out[oo + k] = e;
    depth += qb1 + qa1;
  }
  return depth / (2 * m);
}

/** Resolved options of the multi-level OFI. */
export interface Resolved {
  m: number;
  tick: boolean;
  tickSize: number;
  policy: InvalidPolicy;
  allowLocked: boolean;
}

/** Validates and resolves {@link MultiLevelOfiOptions} (a `ValidationError` on a bad option). */
export function resolveOfiOptions(o: MultiLevelOfiOptions): Resolved {
  const m = o.levels ?? 10;
  if (!Number.isInteger(m) || m < 1 || m > 1000) {
    throw new ValidationError('levels must be an integer in [1, 1000]', {
      field: 'levels',
      value: m,
    });
  }
  const mode = o.levelMode ?? 'depth';
  if (mode !== 'depth' && mode !== 'tick') {
    throw new ValidationError("levelMode must be 'depth' or 'tick'", {
      field: 'levelMode',
      value: mode,
    });
  }
  const tick = mode === 'tick';
  const tickSize = o.tickSize ?? Number.NaN;
  if (tick && !(Number.isFinite(tickSize) && tickSize > 0)) {
    throw new ValidationError('tick mode needs a finite tickSize > 0', {
      field: 'tickSize',
      value: o.tickSize,
    });
  }
  return {
    m,
    tick,
    tickSize,
    policy: checkPolicy(o.onInvalid),
    allowLocked: checkAllowLocked(o.allowLocked),
  };
}

/**
 * The serial number of a calculator's last accepted update (0 before any; never reset), read by
 * `OfiWindow.addFrom` to add each accepted update once. Set by `MultiLevelOfi`'s static block.
 */
export const ofiSerial = { of: (_ofi: MultiLevelOfi): number => 0 };
