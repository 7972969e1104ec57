/**
 * Multi-level OFI over a batch of books on flat typed arrays: the same kernel, book rule and
 * skip policy as the streaming `MultiLevelOfi`, so the same numbers row for row.
 *
 * @module
 */
import { type L2Rows, ValidationError } from '@x/core';
import { ofiRowsWasm } from './internal/batch-wasm.js';
import { R_OFFGRID, R_TS, rowReason, throwBookError } from './internal/book.js';
import { depthKernel, gridSide, resolveOfiOptions, tickKernel } from './internal/ofi-kernels.js';
import type { MultiLevelOfi, MultiLevelOfiOptions } from './ofi.js';

/** Result of {@link multiLevelOfiBatch}. */
export interface MultiLevelOfiBatch {
  /** rows × M: e_n per level; 0 for the first accepted row and for skipped rows. */
  readonly ofi: Float64Array;
  /** rows: mean size over the first M levels of both sides, 0 for skipped rows. */
  readonly depth: Float64Array;
  /** rows: 1 when the row was accepted, 0 when skipped. */
  readonly accepted: Uint8Array;
  /** Number of skipped rows. */
  readonly skipped: number;
}

/**
 * Checks the shape of an {@link L2Rows} (internal to the package: not exported by the index).
 */
export function checkRows(rows: L2Rows): void {
  const { rows: r, levels: n } = rows;
  if (!Number.isInteger(r) || r < 0) {
    throw new ValidationError('rows must be an integer >= 0', { field: 'rows', value: r });
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new ValidationError('levels must be an integer >= 1', { field: 'levels', value: n });
  }
  for (const f of ['bidPrice', 'bidSize', 'askPrice', 'askSize'] as const) {
    if (rows[f].length !== r * n) {
      throw new ValidationError(`${f} must have rows × levels = ${r * n} elements`, {
        field: f,
        value: rows[f].length,
      });
    }
  }
  if (rows.ts !== undefined && rows.ts.length !== r) {
    throw new ValidationError(`ts must have ${r} elements`, { field: 'ts', value: rows.ts.length });
  }
}

/**
 * Multi-level OFI over a batch of books: the same numbers as feeding every row to a
 * {@link MultiLevelOfi} with the same options (same kernel, same skip policy). In depth mode it
 * runs on a WebAssembly SIMD kernel where the runtime has one (bit for bit the same numbers and
 * the same errors as the JavaScript kernel, which runs otherwise).
 *
 * @param rows - the books
 * @param options - levels, level convention, tick size, invalid-row policy
 * @returns per-row, per-level e_n, per-row depth and the accepted mask
 * @throws `ValidationError` on bad options, a bad shape, or (policy `'throw'`) the first
 *   invalid row, whose index is in `details.row`
 */
export function multiLevelOfiBatch(
  rows: L2Rows,
  options: MultiLevelOfiOptions = {},
): MultiLevelOfiBatch {
  const o = resolveOfiOptions(options);
  checkRows(rows);
  const { rows: r, levels: n, bidPrice: bp, bidSize: bs, askPrice: ap, askSize: as } = rows;
  const m = o.m;
  if (!o.tick && n < m) {
    throw new ValidationError(`depth mode needs at least ${m} levels per row`, {
      field: 'levels',
      value: n,
    });
  }
  const out = new Float64Array(r * m);
  const depth = new Float64Array(r);
  const acc = new Uint8Array(r);
  if (!o.tick) {
    // depth mode: the WebAssembly SIMD kernel when it runs here (bit-identical results)
    const res = ofiRowsWasm(rows, m, o.allowLocked, o.policy === 'throw', out, depth, acc);
    if (res !== null) {
      if (res < 0) throwFirstInvalid(rows, -res - 1, o.allowLocked);
      return { ofi: out, depth, accepted: acc, skipped: res };
    }
  }
  let skipped = 0;
  let prev = -1;
  let lastTs = Number.NEGATIVE_INFINITY;
  const ts = rows.ts;
  let gb0 = new Float64Array(o.tick ? m : 0);
  let ga0 = new Float64Array(o.tick ? m : 0);
  let gb1 = new Float64Array(o.tick ? m : 0);
  let ga1 = new Float64Array(o.tick ? m : 0);
  let b0 = Number.NEGATIVE_INFINITY;
  let a0 = Number.POSITIVE_INFINITY;
  for (let i = 0; i < r; i++) {
    const off = i * n;
    const t = ts === undefined ? (lastTs === Number.NEGATIVE_INFINITY ? 0 : lastTs) : ts[i]!;
    // core's book rule on the row, then the kernel
    let reason =
      !(t >= lastTs) || t === Number.POSITIVE_INFINITY ? R_TS : rowReason(rows, i, o.allowLocked);
    if (reason === null && !o.tick && prev >= 0) {
      depthKernel(bp, bs, ap, as, prev * n, off, m, out, i * m, depth, i);
      acc[i] = 1;
      prev = i;
      lastTs = t;
      continue;
    }
    if (reason === null && o.tick) {
      if (
        !gridSide(bp, bs, off, n, true, o.tickSize, m, gb1, 0) ||
        !gridSide(ap, as, off, n, false, o.tickSize, m, ga1, 0)
      ) {
        reason = R_OFFGRID;
      }
    }
    if (reason !== null) {
      if (o.policy === 'throw') throwRowError(reason, rows, i, t, lastTs, o.allowLocked);
      skipped++;
      continue;
    }
    acc[i] = 1;
    if (o.tick) {
      const b1 = bs[off]! > 0 ? bp[off]! : Number.NEGATIVE_INFINITY;
      const a1 = as[off]! > 0 ? ap[off]! : Number.POSITIVE_INFINITY;
      if (prev < 0) {
        let d = 0;
        for (let k = 0; k < m; k++) d += gb1[k]! + ga1[k]!;
        depth[i] = d / (2 * m);
      } else {
        depth[i] = tickKernel(b0, a0, gb0, ga0, b1, a1, gb1, ga1, m, out, i * m);
      }
      b0 = b1;
      a0 = a1;
      const tb = gb0;
      gb0 = gb1;
      gb1 = tb;
      const ta = ga0;
      ga0 = ga1;
      ga1 = ta;
    } else if (prev < 0) {
      let d = 0;
      for (let k = 0; k < m; k++) d += bs[off + k]! + as[off + k]!;
      depth[i] = d / (2 * m);
    }
    prev = i;
    lastTs = t;
  }
  return { ofi: out, depth, accepted: acc, skipped };
}

/**
 * Throws the error of row `i`, the first invalid row of a batch under the `'throw'` policy (every
 * row before it was accepted, so the previous timestamp is row i − 1's).
 */
function throwFirstInvalid(rows: L2Rows, i: number, allowLocked: boolean): never {
  const ts = rows.ts;
  const lastTs = i === 0 ? Number.NEGATIVE_INFINITY : ts === undefined ? 0 : ts[i - 1]!;
  const t = ts === undefined ? (i === 0 ? 0 : lastTs) : ts[i]!;
  const reason =
    !(t >= lastTs) || t === Number.POSITIVE_INFINITY
      ? R_TS
      : (rowReason(rows, i, allowLocked) ?? R_TS);
  throwRowError(reason, rows, i, t, lastTs, allowLocked);
}

/** Throws the `ValidationError` of row `i` (rejected for `reason`), with `details.row`. */
function throwRowError(
  reason: string,
  rows: L2Rows,
  i: number,
  t: number,
  lastTs: number,
  allowLocked: boolean,
): never {
  const n = rows.levels;
  const off = i * n;
  const snap = {
    ts: t,
    bidPrice: rows.bidPrice.subarray(off, off + n),
    bidSize: rows.bidSize.subarray(off, off + n),
    askPrice: rows.askPrice.subarray(off, off + n),
    askSize: rows.askSize.subarray(off, off + n),
  };
  try {
    if (reason === R_OFFGRID) throw new ValidationError(reason, { field: 'price' });
    throwBookError(reason, snap, n, lastTs, allowLocked);
  } catch (e) {
    if (e instanceof ValidationError) {
      throw new ValidationError(`row ${i}: ${e.message}`, {
        field: e.field ?? 'book',
        value: e.value,
        details: { ...e.details, row: i },
        cause: e,
      });
    }
    throw e;
  }
}
