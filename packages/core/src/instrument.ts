/**
 * Instrument rules: tick size, lot size, minimum quantity and minimum notional, with rounding in
 * an explicit direction and exact conversion between decimal prices and integer ticks.
 *
 * @module
 */
import {
  DECIMAL_ZERO,
  type Decimal,
  type DecimalLike,
  decimalRejectError,
  parseDecimalDigits,
  type RoundingDirection,
  roundToStep,
  toDecimal,
} from './decimal.js';
import { ValidationError } from './errors.js';
import { Grid } from './grid.js';

/** Every digit of a value (grid checks are exact on all of them), or a typed error. */
function exactDigits(value: DecimalLike, field: string): Decimal {
  const d = parseDecimalDigits(value);
  if (typeof d === 'string') throw decimalRejectError(d, value, field);
  return d;
}

/** What an {@link Instrument} is made from; decimal fields accept numbers or strings. */
export interface InstrumentSpec {
  /** Trading symbol, such as `'BTC-USD'`. */
  readonly symbol: string;
  /** Smallest price increment, > 0. */
  readonly tickSize: DecimalLike;
  /** Smallest quantity increment, > 0. */
  readonly lotSize: DecimalLike;
  /** Smallest order quantity, >= 0 (0 by default: one lot is then the minimum). */
  readonly minQty?: DecimalLike;
  /** Smallest order notional (price × quantity), >= 0 (0 by default). */
  readonly minNotional?: DecimalLike;
}

/** Why an order's price or size breaks the instrument's rules. */
export type OrderRuleViolation =
  | 'off-tick'
  | 'off-lot'
  | 'non-positive-qty'
  | 'non-positive-price'
  | 'below-min-qty'
  | 'below-min-notional';

/**
 * An instrument's trading rules, immutable.
 *
 * @example
 * ```ts
 * const btc = Instrument.create({ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.0001', minNotional: 10 });
 * btc.roundPrice('100.037', 'floor').toString(); // '100.03'
 * btc.priceToTicks('100.03');                    // 10003
 * btc.checkOrder('100.03', '0.05');              // 'below-min-notional'
 * ```
 */
export class Instrument {
  /** Trading symbol. */
  readonly symbol: string;
  /** Smallest price increment. */
  readonly tickSize: Decimal;
  /** Smallest quantity increment. */
  readonly lotSize: Decimal;
  /** Smallest order quantity. */
  readonly minQty: Decimal;
  /** Smallest order notional. */
  readonly minNotional: Decimal;
  /** {@link Instrument.tickSize} as a double, for the analytics domain. */
  readonly tickSizeNumber: number;
  /** {@link Instrument.lotSize} as a double, for the analytics domain. */
  readonly lotSizeNumber: number;
  /** The price grid: exact conversion between prices and integer ticks. */
  readonly priceGrid: Grid;
  /** The quantity grid: exact conversion between quantities and integer lots. */
  readonly qtyGrid: Grid;
  /** `ceil(minQty / lotSize)`: the smallest order in lots. */
  readonly minLots: number;
  /** `ceil(minNotional / (tickSize × lotSize))`: the smallest `priceTicks × lots` of an order. */
  readonly minNotionalUnits: bigint;
  readonly #minNotionalSafe: number | undefined;

  private constructor(spec: InstrumentSpec) {
    if (typeof spec.symbol !== 'string' || spec.symbol.length === 0) {
      throw new ValidationError('symbol must be a non-empty string', {
        field: 'symbol',
        value: spec.symbol,
      });
    }
    this.symbol = spec.symbol;
    this.tickSize = toDecimal(spec.tickSize, 'tickSize');
    this.lotSize = toDecimal(spec.lotSize, 'lotSize');
    this.minQty = spec.minQty === undefined ? DECIMAL_ZERO : toDecimal(spec.minQty, 'minQty');
    this.minNotional =
      spec.minNotional === undefined ? DECIMAL_ZERO : toDecimal(spec.minNotional, 'minNotional');
    if (!this.tickSize.gt(0))
      throw new ValidationError('tickSize must be > 0', {
        field: 'tickSize',
        value: this.tickSize.toString(),
      });
    if (!this.lotSize.gt(0))
      throw new ValidationError('lotSize must be > 0', {
        field: 'lotSize',
        value: this.lotSize.toString(),
      });
    if (this.minQty.lt(0))
      throw new ValidationError('minQty must be >= 0', {
        field: 'minQty',
        value: this.minQty.toString(),
      });
    if (this.minNotional.lt(0))
      throw new ValidationError('minNotional must be >= 0', {
        field: 'minNotional',
        value: this.minNotional.toString(),
      });
    this.tickSizeNumber = this.tickSize.toNumber();
    this.lotSizeNumber = this.lotSize.toNumber();
    this.priceGrid = new Grid(this.tickSize, 'price');
    this.qtyGrid = new Grid(this.lotSize, 'qty');
    this.minLots = Math.max(1, this.minQty.div(this.lotSize).ceil().toNumber());
    this.minNotionalUnits = BigInt(
      this.minNotional.div(this.tickSize.times(this.lotSize)).ceil().toFixed(0),
    );
    const safe = Number(this.minNotionalUnits);
    this.#minNotionalSafe = Number.isSafeInteger(safe) ? safe : undefined;
    Object.freeze(this);
  }

  /**
   * Validates a spec and builds the instrument.
   * @param spec - symbol, tick, lot and minimums
   * @returns the instrument
   * @throws {@link ValidationError} when a field is missing, non-finite or out of range
   */
  static create(spec: InstrumentSpec): Instrument {
    return new Instrument(spec);
  }

  /**
   * Rounds a price onto the tick grid.
   * @param price - the price
   * @param direction - which way; for protective orders pick the side that keeps the order safe
   * @returns a multiple of the tick size
   */
  roundPrice(price: DecimalLike, direction: RoundingDirection): Decimal {
    return roundToStep(price, this.tickSize, direction);
  }

  /**
   * Rounds a quantity onto the lot grid.
   * @param qty - the quantity
   * @param direction - which way; `'floor'` never over-sizes an order
   * @returns a multiple of the lot size
   */
  roundQty(qty: DecimalLike, direction: RoundingDirection): Decimal {
    return roundToStep(qty, this.lotSize, direction);
  }

  /** True when `price` is an exact multiple of the tick size. @param price - the price */
  isOnTick(price: DecimalLike): boolean {
    return this.priceGrid.isOnGrid(price);
  }

  /** True when `qty` is an exact multiple of the lot size. @param qty - the quantity */
  isOnLot(qty: DecimalLike): boolean {
    return this.qtyGrid.isOnGrid(qty);
  }

  /**
   * The price as an integer number of ticks.
   * @param price - a price on the tick grid
   * @returns `price / tickSize`
   * @throws {@link ValidationError} when the price is off the grid or the tick count is not a safe integer
   */
  priceToTicks(price: DecimalLike): number {
    return this.priceGrid.toUnits(price, 'price');
  }

  /**
   * The price of an integer number of ticks, exactly.
   * @param ticks - a safe integer
   * @returns `ticks × tickSize`
   */
  ticksToPrice(ticks: number): Decimal {
    if (!Number.isSafeInteger(ticks))
      throw new ValidationError('ticks must be a safe integer', { field: 'ticks', value: ticks });
    return this.priceGrid.fromUnits(ticks);
  }

  /**
   * The quantity as an integer number of lots.
   * @param qty - a quantity on the lot grid
   * @returns `qty / lotSize`
   * @throws {@link ValidationError} when the quantity is off the grid or the lot count is not a safe integer
   */
  qtyToLots(qty: DecimalLike): number {
    return this.qtyGrid.toUnits(qty, 'qty');
  }

  /**
   * The quantity of an integer number of lots, exactly.
   * @param lots - a safe integer
   * @returns `lots × lotSize`
   */
  lotsToQty(lots: number): Decimal {
    if (!Number.isSafeInteger(lots))
      throw new ValidationError('lots must be a safe integer', { field: 'lots', value: lots });
    return this.qtyGrid.fromUnits(lots);
  }

  /**
   * Checks an order's price and quantity against the rules and returns the first violation.
   * The same rule as {@link Instrument.checkOrderUnits}, on the grids' exact units of any size.
   * @param price - the limit price, or `undefined` for a market order (notional then unchecked)
   * @param qty - the order quantity
   * @returns the violation, or `null` when the order is valid
   * @throws {@link ValidationError} when a value is not a decimal, or is on the grid with more
   *   significant digits than the toolkit computes with (an off-grid value of any length is
   *   reported as off the grid)
   */
  checkOrder(price: DecimalLike | undefined, qty: DecimalLike): OrderRuleViolation | null {
    const q = exactDigits(qty, 'qty');
    if (!q.gt(0)) return 'non-positive-qty';
    if (!this.qtyGrid.isOnGrid(q)) return 'off-lot';
    const lots = this.qtyGrid.toBigUnits(q, 'qty');
    if (lots < BigInt(this.minLots)) return 'below-min-qty';
    if (price === undefined) return null;
    const p = exactDigits(price, 'price');
    if (!p.gt(0)) return 'non-positive-price';
    if (!this.priceGrid.isOnGrid(p)) return 'off-tick';
    const ticks = this.priceGrid.toBigUnits(p, 'price');
    return ticks * lots < this.minNotionalUnits ? 'below-min-notional' : null;
  }

  /**
   * The minimum-quantity and minimum-notional rules on integer units, exactly (a product beyond
   * 2^53 is compared as a bigint): `lots >= minLots` and `priceTicks × lots >= minNotionalUnits`.
   * @param priceTicks - the limit price in ticks (> 0), or `NaN` for a market order
   * @param lots - the quantity in lots, > 0
   * @returns `'below-min-qty'`, `'below-min-notional'`, or `null`
   */
  checkOrderUnits(priceTicks: number, lots: number): 'below-min-qty' | 'below-min-notional' | null {
    if (lots < this.minLots) return 'below-min-qty';
    if (!Number.isNaN(priceTicks) && this.minNotionalUnits > 0n) {
      const units = priceTicks * lots;
      const below =
        Number.isSafeInteger(units) && this.#minNotionalSafe !== undefined
          ? units < this.#minNotionalSafe
          : BigInt(priceTicks) * BigInt(lots) < this.minNotionalUnits;
      if (below) return 'below-min-notional';
    }
    return null;
  }
}
