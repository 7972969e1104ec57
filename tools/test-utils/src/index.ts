/**
 * Test helpers shared by every package: tolerant array comparison that names the worst element,
 * and fast-check parameters with a fixed, printed seed and an opt-in heavy mode.
 */
import type { Parameters } from 'fast-check';

/** Absolute and relative tolerance: |a - e| <= atol + rtol * |e|. */
export interface Tolerance {
  readonly atol?: number;
  readonly rtol?: number;
}

/**
 * Asserts that two arrays have the same length and are close element-wise
 * (|a - e| <= atol + rtol·|e|, NaN equal only to NaN). On failure the error names the worst
 * element, its index, both values and the number of elements out of tolerance.
 */
export function expectArraysClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { atol = 1e-12, rtol = 0 }: Tolerance = {},
  label = 'array',
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${label}: length ${actual.length} != expected ${expected.length}`);
  }
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(a) || Number.isNaN(e)) {
      if (Number.isNaN(a) !== Number.isNaN(e)) {
        bad++;
        if (worst < 0 || worstExcess !== Number.POSITIVE_INFINITY) {
          worst = i;
          worstExcess = Number.POSITIVE_INFINITY;
        }
      }
      continue;
    }
    if (a === e) continue;
    const diff = Math.abs(a - e);
    const excess = diff - (atol + rtol * Math.abs(e));
    if (excess > 0 || Number.isNaN(diff)) {
      bad++;
      if (excess > worstExcess || worst < 0) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (bad > 0) {
    const a = actual[worst]!;
    const e = expected[worst]!;
    throw new Error(
      `${label}: ${bad}/${actual.length} elements out of tolerance (atol ${atol}, rtol ${rtol}); ` +
        `worst at [${worst}]: actual ${a}, expected ${e}, |diff| ${Math.abs(a - e)}`,
    );
  }
}

/** Scalar version of {@link expectArraysClose}. */
export function expectClose(
  actual: number,
  expected: number,
  tol: Tolerance = {},
  label = 'value',
): void {
  expectArraysClose([actual], [expected], tol, label);
}

/** True when `X_HEAVY=1`: properties run many more cases. */
export const HEAVY = process.env.X_HEAVY === '1';

/** The seed every property uses unless `FC_SEED` overrides it; printed on failure by fast-check. */
export const FC_SEED = process.env.FC_SEED === undefined ? 20261124 : Number(process.env.FC_SEED);

/**
 * fast-check parameters with the fixed seed, `numRuns` scaled up 100x in heavy mode, and the
 * seed, path and shrunk counterexample in the failure message.
 */
export function fcParams<T>(overrides: Parameters<T> = {}): Parameters<T> {
  const numRuns = overrides.numRuns ?? 100;
  return {
    seed: FC_SEED,
    verbose: 1,
    ...overrides,
    numRuns: HEAVY ? numRuns * 100 : numRuns,
  };
}
