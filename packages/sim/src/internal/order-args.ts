/**
 * The argument rule of a tick-level order, written once: {@link TickBook.submit} and
 * `ReplayOrders.submit` both refuse with it.
 */
import type { Side } from '@x/core';
import type { BookStatus, BookTimeInForce } from '../book-types.js';

/**
 * Checks a tick-level order's arguments: a side of buy/sell, a known time in force, a safe
 * integer price (`NaN` for a market order) and a safe integer quantity > 0.
 * @returns `'ok'` or the reason to refuse
 */
export function checkTickOrder(
  side: Side,
  tif: BookTimeInForce,
  priceTicks: number,
  lots: number,
): BookStatus {
  if (side !== 'buy' && side !== 'sell') return 'invalid-order';
  if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') return 'invalid-order';
  if (!Number.isNaN(priceTicks) && !Number.isSafeInteger(priceTicks)) return 'invalid-price';
  if (!Number.isSafeInteger(lots) || lots <= 0) return 'invalid-qty';
  return 'ok';
}
