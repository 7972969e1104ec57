/**
 * The order-id → pool-slot index of {@link TickBook}, allocation-free in steady state for
 * integer ids.
 *
 * A JavaScript `Map` under insert/delete churn reallocates its hash table every few dozen
 * operations (V8 rehashes when deleted entries fill the table and shrinks it when it empties),
 * which is garbage on every book's hot path. Safe-integer ids go instead to an open-addressing
 * table on typed arrays (linear probing, backward-shift deletion: no tombstones), which only
 * allocates when it doubles because more orders rest at once than ever before. Any other id
 * (strings, fractional numbers) falls back to a `Map`, created on first use.
 *
 * Keys follow `Map` semantics (SameValueZero): `0` and `-0` are the same id, and the number `1`
 * and the string `'1'` are different ids.
 *
 * @internal
 */
import type { OrderId } from '@x/core';

const EMPTY = -1;
const TWO32 = 4294967296;

export class IdIndex {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  private intCount = 0;
  private other: Map<OrderId, number> | undefined;

  /** @param capacity - the number of integer ids expected at once (the table is twice that) */
  constructor(capacity: number) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  /** Number of ids stored. */
  get size(): number {
    return this.intCount + (this.other === undefined ? 0 : this.other.size);
  }

  /** The value of `id`, or -1 when absent. */
  get(id: OrderId): number {
    if (typeof id === 'number' && Number.isSafeInteger(id)) {
      const keys = this.keys;
      const vals = this.vals;
      const mask = this.mask;
      let i = hash(id) & mask;
      for (;;) {
        const v = vals[i]!;
        if (v === EMPTY) return EMPTY;
        if (keys[i] === id) return v;
        i = (i + 1) & mask;
      }
    }
    if (this.other === undefined) return EMPTY;
    const v = this.other.get(id);
    return v === undefined ? EMPTY : v;
  }

  /** Whether `id` is stored. */
  has(id: OrderId): boolean {
    return this.get(id) !== EMPTY;
  }

  /** Stores `id` → `value` (value ≥ 0); `id` must not be stored yet. */
  set(id: OrderId, value: number): void {
    if (typeof id === 'number' && Number.isSafeInteger(id)) {
      if ((this.intCount + 1) * 2 > this.vals.length) this.grow();
      this.insert(id, value);
      this.intCount++;
      return;
    }
    if (this.other === undefined) this.other = new Map();
    this.other.set(id, value);
  }

  /** Removes `id` (no-op when absent). */
  delete(id: OrderId): void {
    if (typeof id === 'number' && Number.isSafeInteger(id)) {
      const keys = this.keys;
      const vals = this.vals;
      const mask = this.mask;
      let i = hash(id) & mask;
      for (;;) {
        if (vals[i] === EMPTY) return;
        if (keys[i] === id) break;
        i = (i + 1) & mask;
      }
      // backward-shift deletion: move later members of the probe run into the hole when their
      // home slot does not lie cyclically in (hole, j]
      let hole = i;
      let j = i;
      for (;;) {
        j = (j + 1) & mask;
        const v = vals[j]!;
        if (v === EMPTY) break;
        const home = hash(keys[j]!) & mask;
        const between = hole <= j ? hole < home && home <= j : hole < home || home <= j;
        if (between) continue;
        keys[hole] = keys[j]!;
        vals[hole] = v;
        hole = j;
      }
      vals[hole] = EMPTY;
      keys[hole] = 0;
      this.intCount--;
      return;
    }
    this.other?.delete(id);
  }

  /** Removes every id (keeps the table's capacity). */
  clear(): void {
    this.vals.fill(EMPTY);
    this.keys.fill(0);
    this.intCount = 0;
    this.other?.clear();
  }

  private insert(id: number, value: number): void {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = hash(id) & mask;
    while (vals[i] !== EMPTY) i = (i + 1) & mask;
    keys[i] = id;
    vals[i] = value;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldVals.length * 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    for (let i = 0; i < oldVals.length; i++) {
      if (oldVals[i] !== EMPTY) this.insert(oldKeys[i]!, oldVals[i]!);
    }
  }
}

/** A 32-bit mix of a safe integer (low and high words; Murmur3's finaliser). */
function hash(id: number): number {
  let h = id | 0;
  if (h !== id) h ^= Math.imul(Math.floor(id / TWO32) | 0, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
