/**
 * Ids: UUID version 7 (RFC 9562), time-ordered, for orders, groups and model versions.
 *
 * @module
 */
import { v7 as uuidv7, validate, version } from 'uuid';
import type { Clock } from './clock.js';
import type { Rng } from './prng.js';

/** A UUID string. */
export type Uuid = string;

/**
 * A new time-ordered UUID v7 from the system clock and a cryptographic random source.
 *
 * @example
 * ```ts
 * const orderId = newId(); // '01936d9e-...'
 * ```
 */
export function newId(): Uuid {
  return uuidv7();
}

/**
 * True when `value` is a syntactically valid UUID of version 7.
 * @param value - the string to check
 */
export function isUuidV7(value: string): boolean {
  return validate(value) && version(value) === 7;
}

/** Options of {@link createIdGenerator}. */
export interface IdGeneratorOptions {
  /** Time source for the timestamp field; the system clock by default. */
  readonly clock?: Clock;
  /** Seeded random source for the random fields; cryptographic randomness by default. */
  readonly rng?: Rng;
}

/**
 * A UUID v7 generator with an injectable clock and random source, so tests and simulations get
 * reproducible ids. Ids from one generator are strictly increasing, also within one millisecond.
 *
 * @param options - clock and random source
 * @returns a function producing a new id on each call
 *
 * @example
 * ```ts
 * const ids = createIdGenerator({ clock: new ManualClock(0), rng: Rng.fromSeed(1) });
 * ids() < ids(); // true
 * ```
 */
export function createIdGenerator(options: IdGeneratorOptions = {}): () => Uuid {
  const { clock, rng } = options;
  const random = new Uint8Array(16);
  let lastMs = Number.NEGATIVE_INFINITY;
  let seq = 0;
  return () => {
    if (rng !== undefined) {
      for (let i = 0; i < 16; i += 4) {
        const w = rng.uint32();
        random[i] = w & 0xff;
        random[i + 1] = (w >>> 8) & 0xff;
        random[i + 2] = (w >>> 16) & 0xff;
        random[i + 3] = (w >>> 24) & 0xff;
      }
    } else {
      globalThis.crypto.getRandomValues(random);
    }
    const now = Math.floor(clock === undefined ? Date.now() : clock.now());
    // RFC 9562 method 1: a 31-bit counter seeded randomly each millisecond, incremented within it
    if (now > lastMs) {
      lastMs = now;
      seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    } else {
      seq = (seq + 1) | 0;
      if (seq === 0) lastMs++;
    }
    return uuidv7({ msecs: lastMs, seq, random });
  };
}
