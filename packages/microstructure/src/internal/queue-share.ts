/**
 * The split of a depth decrease between the front and the back of the queue in the probabilistic
 * L2 queue models (hftbacktest's `ProbQueueModel`): p = f(back) / (f(back) + f(front)).
 *
 * @module
 */

/**
 * p = bⁿ / (bⁿ + fⁿ), the share of a depth decrease taken from the back, in a stable form:
 * 1 / (1 + (f/b)ⁿ) = logistic(−n·(ln f − ln b)), so neither overflow (n = 40 with a deep book:
 * ∞/∞) nor underflow (small sizes: 0/0) can occur. p = 0 when nothing is behind us, 1 when
 * nothing is ahead (or neither).
 */
export function powerShare(back: number, front: number, n: number): number {
  if (!(front > 0)) return 1;
  if (!(back > 0)) return 0;
  const r = n * (Math.log(front) - Math.log(back));
  if (r > 0) {
    const e = Math.exp(-r);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(r));
}

/** p = log(1 + b) / (log(1 + b) + log(1 + f)); 1 when both sides are empty. */
export function logShare(back: number, front: number): number {
  const fb = Math.log1p(back);
  const ff = Math.log1p(front);
  return fb + ff > 0 ? fb / (fb + ff) : 1;
}
