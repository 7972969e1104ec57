/**
 * Scaling of integer units by a step as one correctly rounded operation where possible.
 */

/** 1/step when it is an integer (so ticks / k is the correctly rounded price), else 0. */
export function scaleOf(step: number): number {
  if (step === 1) return 1;
  const inv = 1 / step;
  const r = Math.round(inv);
  return r >= 1 && Math.abs(inv - r) <= 1e-13 * r ? r : 0;
}

export function scale(units: number, step: number, inv: number): number {
  return inv !== 0 ? units / inv : units * step;
}
