/**
 * Validation of {@link TradeColumns}, written once for every function that takes them.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import type { TradeColumns } from '../trade-columns.js';

/**
 * Checks the columns: equal lengths, at least one trade, timestamps finite and non-decreasing,
 * prices finite and > 0, quantities (when given) finite and > 0, signs (when given) ±1. Errors
 * name the column as `trades.<column>` and the row.
 * @param required - columns the caller needs (a missing one is a `ValidationError`)
 * @throws `ValidationError` on the first violation
 */
export function checkTradeColumns(
  trades: TradeColumns,
  required: { readonly qty?: boolean; readonly sign?: boolean } = {},
): void {
  const { ts, price, qty, sign } = trades;
  const n = ts.length;
  for (const [name, a, need] of [
    ['price', price, true],
    ['qty', qty, required.qty === true],
    ['sign', sign, required.sign === true],
  ] as const) {
    if (a === undefined) {
      if (need)
        throw new ValidationError(`trades.${name} is required`, { field: `trades.${name}` });
    } else if (a.length !== n) {
      throw new ValidationError(
        `trade columns must have equal lengths: trades.${name} has ${a.length} entries, trades.ts has ${n}`,
        { field: `trades.${name}`, details: { ts: n, [name]: a.length } },
      );
    }
  }
  if (n === 0) throw new ValidationError('no trades', { field: 'trades' });
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    if (!Number.isFinite(t) || (i > 0 && t < ts[i - 1]!)) {
      throw new ValidationError(
        `trade ${i}: trades.ts ${t} is not finite or is before the previous trade`,
        { field: 'trades.ts', value: t, details: { index: i } },
      );
    }
    const p = price[i]!;
    if (!(Number.isFinite(p) && p > 0)) {
      throw new ValidationError(`trade ${i}: trades.price must be finite and > 0`, {
        field: 'trades.price',
        value: p,
        details: { index: i },
      });
    }
    if (qty !== undefined && !(Number.isFinite(qty[i]) && qty[i]! > 0)) {
      throw new ValidationError(`trade ${i}: trades.qty must be finite and > 0`, {
        field: 'trades.qty',
        value: qty[i],
        details: { index: i },
      });
    }
    if (sign !== undefined && sign[i] !== 1 && sign[i] !== -1) {
      throw new ValidationError(
        `trade ${i}: trades.sign must be +1 (buyer-initiated) or -1 (seller-initiated)`,
        { field: 'trades.sign', value: sign[i], details: { index: i } },
      );
    }
  }
}
