/**
 * One seeded, splittable pseudo-random number generator for every place randomness appears
 * (weight initialisation, dropout, shuffles, simulators).
 *
 * The bit generator is xoroshiro128+ from `pure-rand`; this module only seeds it, derives
 * independent streams with its jump function, and draws the distributions the toolkit needs.
 * All arithmetic is 32-bit integer or IEEE double, so a seed gives the same numbers on every
 * platform and engine.
 *
 * @module
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { ValidationError } from './errors.js';

/** An indexable, writable sequence: an array or a typed array. */
export interface MutableIndexed<T> {
  /** Number of elements. */
  readonly length: number;
  /** Element access. */
  [index: number]: T;
}

/** The serialisable state of an {@link Rng}: four 32-bit words. */
export type RngState = readonly [number, number, number, number];

/** splitmix32 finaliser: spreads a 32-bit seed over the whole state so nearby seeds decorrelate. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

function seedWords(seed: number): RngState {
  const a = mix32(seed);
  const b = mix32(a ^ 0x6a09e667);
  const c = mix32(b ^ 0xbb67ae85);
  const d = mix32(c ^ 0x3c6ef372);
  // xoroshiro128+ must not start from the all-zero state.
  return a === 0 && b === 0 && c === 0 && d === 0 ? [1, 0, 0, 0] : [a, b, c, d];
}

/**
 * A seeded, splittable random number generator.
 *
 * `split()` returns a new generator whose stream does not overlap the parent's for 2^64 draws
 * (it uses xoroshiro128+'s jump polynomial), so components can each own a stream and stay
 * reproducible no matter in which order they draw.
 *
 * @example
 * ```ts
 * const rng = Rng.fromSeed(42);
 * const u = rng.float();        // uniform in [0, 1)
 * const z = rng.normal();       // standard normal
 * const child = rng.split();    // independent stream, e.g. for dropout
 * ```
 */
export class Rng {
  private readonly gen: JumpableRandomGenerator;
  private spareNormal = 0;
  private hasSpare = false;

  private constructor(gen: JumpableRandomGenerator) {
    this.gen = gen;
  }

  /**
   * A generator from an integer seed. Seeds are reduced to 32 bits, then mixed.
   * @param seed - any safe integer
   * @returns a new generator
   * @throws {@link ValidationError} when `seed` is not a safe integer
   */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) {
      throw new ValidationError('seed must be a safe integer', { field: 'seed', value: seed });
    }
    // fold the high bits in so seeds above 2^32 still differ
    const folded = (seed | 0) ^ mix32(Math.floor(seed / 4294967296) | 0);
    return new Rng(xoroshiro128plusFromState(seedWords(folded)));
  }

  /**
   * A generator restored from {@link Rng.state}.
   * @param state - four 32-bit words
   * @returns a generator that continues exactly where the saved one was
   * @throws {@link ValidationError} when the state is malformed or all zero
   */
  static fromState(state: RngState): Rng {
    if (
      state.length !== 4 ||
      !state.every((w) => Number.isInteger(w) && w >= -2147483648 && w <= 4294967295) ||
      state.every((w) => w === 0)
    ) {
      throw new ValidationError('rng state must be four non-all-zero 32-bit words', {
        field: 'state',
        value: state,
      });
    }
    return new Rng(xoroshiro128plusFromState(state.map((w) => w | 0)));
  }

  /** The current state, to save and later {@link Rng.fromState | restore}. */
  state(): RngState {
    const s = this.gen.getState?.() ?? [];
    return [s[0]! | 0, s[1]! | 0, s[2]! | 0, s[3]! | 0];
  }

  /** An independent copy that will produce the same numbers as this generator from now on. */
  clone(): Rng {
    const r = new Rng(this.gen.clone());
    r.spareNormal = this.spareNormal;
    r.hasSpare = this.hasSpare;
    return r;
  }

  /**
   * A new generator whose stream starts 2^64 draws ahead of this one's, so the two never overlap
   * in practice. This generator also advances (jumps) so that successive splits are independent.
   * @returns the child generator
   */
  split(): Rng {
    const child = new Rng(this.gen.clone());
    this.gen.jump();
    return child;
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    return this.gen.next() >>> 0;
  }

  /** A uniform double in [0, 1), a multiple of 2^-53. */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /**
   * A uniform double in [lo, hi).
   * @param lo - inclusive lower bound
   * @param hi - exclusive upper bound
   */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * uniformFloat64(this.gen);
  }

  /**
   * A uniform integer in [lo, hi], both inclusive, without modulo bias.
   * @param lo - inclusive lower bound (safe integer)
   * @param hi - inclusive upper bound (safe integer, >= lo)
   * @throws {@link ValidationError} when the bounds are not integers or `hi < lo`
   */
  int(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new ValidationError('int(lo, hi) needs safe integers with lo <= hi', {
        details: { lo, hi },
      });
    }
    return uniformInt(this.gen, lo, hi);
  }

  /**
   * A standard normal draw (Marsaglia's polar method; the second value of each pair is cached).
   * @param mean - mean, 0 by default
   * @param sd - standard deviation, 1 by default
   */
  normal(mean = 0, sd = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + sd * this.spareNormal;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * uniformFloat64(this.gen) - 1;
      v = 2 * uniformFloat64(this.gen) - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    this.hasSpare = true;
    return mean + sd * u * m;
  }

  /**
   * An exponential draw with the given rate (mean 1/rate), by inversion.
   * @param rate - events per unit time, > 0
   */
  exponential(rate: number): number {
    // 1 - U is in (0, 1], so the log is finite
    return -Math.log(1 - uniformFloat64(this.gen)) / rate;
  }

  /**
   * True with probability `p`.
   * @param p - probability in [0, 1]
   */
  bernoulli(p: number): boolean {
    return uniformFloat64(this.gen) < p;
  }

  /**
   * An index drawn with probability proportional to `weights[i]` (non-negative, not all zero).
   * O(n); for repeated draws over fixed weights build a cumulative table instead.
   * @param weights - non-negative weights
   * @throws {@link ValidationError} when the weights are negative, non-finite or sum to zero
   */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new ValidationError('weights must be finite and non-negative', {
          field: `weights[${i}]`,
          value: w,
        });
      }
      total += w;
    }
    if (total <= 0) throw new ValidationError('weights must not all be zero', { field: 'weights' });
    let target = uniformFloat64(this.gen) * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i]!;
      if (target < 0) return i;
    }
    // floating-point leftovers: the last positive weight
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    return weights.length - 1;
  }

  /**
   * A Poisson draw (inversion for small means, transformed rejection PTRS of Hörmann 1993 otherwise).
   * @param mean - the mean, >= 0
   */
  poisson(mean: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean)) {
      throw new ValidationError('poisson mean must be finite and >= 0', {
        field: 'mean',
        value: mean,
      });
    }
    if (mean === 0) return 0;
    if (mean < 10) {
      const l = Math.exp(-mean);
      let k = 0;
      let p = uniformFloat64(this.gen);
      while (p > l) {
        k++;
        p *= uniformFloat64(this.gen);
      }
      return k;
    }
    const slam = Math.sqrt(mean);
    const loglam = Math.log(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = uniformFloat64(this.gen) - 0.5;
      const v = uniformFloat64(this.gen);
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -mean + k * loglam - logFactorial(k)
      ) {
        return k;
      }
    }
  }

  /**
   * Shuffles `array` in place (Fisher-Yates) and returns it.
   * @param array - the array to shuffle
   */
  shuffle<T, A extends MutableIndexed<T>>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = uniformInt(this.gen, 0, i);
      const t = array[i]!;
      array[i] = array[j]!;
      array[j] = t;
    }
    return array;
  }

  /**
   * Fills `out` with uniform doubles in [0, 1) and returns it.
   * @param out - the array to fill
   */
  fillFloat<A extends Float64Array | Float32Array>(out: A): A {
    for (let i = 0; i < out.length; i++) out[i] = uniformFloat64(this.gen);
    return out;
  }

  /**
   * Fills `out` with normal draws and returns it.
   * @param out - the array to fill
   * @param mean - mean, 0 by default
   * @param sd - standard deviation, 1 by default
   */
  fillNormal<A extends Float64Array | Float32Array>(out: A, mean = 0, sd = 1): A {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, sd);
    return out;
  }
}

function logFactorial(k: number): number {
  if (k < 2) return 0;
  // Stirling series, accurate to ~1e-10 for k >= 10 (PTRS only calls it with k around the mean)
  if (k < 10) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  const k1 = k + 1;
  return (
    (k1 - 0.5) * Math.log(k1) -
    k1 +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * k1) -
    1 / (360 * k1 * k1 * k1)
  );
}
