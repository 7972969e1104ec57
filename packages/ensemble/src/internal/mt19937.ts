/**
 * numpy's legacy `RandomState` generator (MT19937, Matsumoto and Nishimura 1998) restricted to
 * what scikit-learn's splitters draw: integer seeding (`mt19937_seed`, the reference
 * `init_genrand`), 32-bit outputs (`genrand_int32`), bounded integers by masked rejection
 * (`random_interval`) and the in-place Fisher-Yates `shuffle` from the last element.
 *
 * @module
 */
import { ValidationError } from '@x/core';

const N = 624;
const M = 397;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

/** MT19937 seeded as `numpy.random.RandomState(seed)` seeds it. */
export class LegacyMt19937 {
  private readonly mt = new Uint32Array(N);
  private pos = N;

  /**
   * @param seed - an integer in [0, 2^32 - 1], as numpy requires
   * @throws ValidationError outside that range
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ValidationError(
        'randomState must be an integer in [0, 2^32 - 1] (as numpy requires)',
        {
          field: 'randomState',
          value: seed,
        },
      );
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing bits to float rounding
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.pos = N;
  }

  private twist(): void {
    const mt = this.mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k]! & UPPER) | (mt[(k + 1) % N]! & LOWER);
      mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.pos = 0;
  }

  /** The next 32-bit output (`genrand_int32`), as an unsigned integer. */
  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * A uniform integer in [0, max] by masked rejection, as numpy's `random_interval` for
   * `max <= 2^32 - 1`.
   * @param max - inclusive upper bound, a non-negative integer below 2^32
   */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /**
   * Shuffles in place as `RandomState.shuffle` does a 1-D array: for i from n-1 down to 1, swap
   * element i with element `interval(i)`.
   * @param a - the array to shuffle
   */
  shuffle(a: { length: number; [i: number]: number }): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  }
}
