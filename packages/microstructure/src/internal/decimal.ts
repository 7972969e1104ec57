/**
 * Exact decimal grids on doubles: a step such as 0.1 is the decimal `units / scale` with integer
 * `units` and `scale = 10^d`, so grid points k·step are computed as (k·units) / scale in exact
 * integer arithmetic with one correctly rounded division, giving the double nearest the decimal
 * k·step (0.3 for k = 3, where 3 × 0.1 is 0.30000000000000004).
 *
 * @module
 */

/** Digits after the decimal point in the shortest decimal form of a finite number. */
function decimals(x: number): number {
  const s = String(Math.abs(x));
  const e = s.indexOf('e');
  const mant = e < 0 ? s : s.slice(0, e);
  const exp = e < 0 ? 0 : Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  return Math.max(0, (dot < 0 ? 0 : mant.length - dot - 1) - exp);
}

/** A value as `units / scale` (integers), or `null` when its decimal form does not fit. */
export interface DecimalForm {
  readonly units: number;
  readonly scale: number;
}

/**
 * The decimal form of finite values sharing one scale (the largest number of decimals among
 * them, at most 15), or `null` when a value has more decimals or its units are not safe integers.
 */
export function decimalForms(...xs: number[]): DecimalForm[] | null {
  let d = 0;
  for (const x of xs) d = Math.max(d, decimals(x));
  if (d > 15) return null;
  const scale = 10 ** d;
  const out: DecimalForm[] = [];
  for (const x of xs) {
    const units = Math.round(x * scale);
    if (!Number.isSafeInteger(units) || units / scale !== x) return null;
    out.push({ units, scale });
  }
  return out;
}
