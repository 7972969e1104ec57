/**
 * An in-memory cache with a byte budget and least-recently-used eviction, for loaded artifacts.
 *
 * @module
 */
import { ValidationError } from '@x/core';

/** Counters of a {@link LruCache}. */
export interface CacheStats {
  /** Lookups that found an entry. */
  readonly hits: number;
  /** Lookups that found nothing. */
  readonly misses: number;
  /** Entries removed to stay within the budget. */
  readonly evictions: number;
  /** Bytes held now. */
  readonly bytes: number;
  /** Entries held now. */
  readonly entries: number;
  /** The budget in bytes. */
  readonly maxBytes: number;
}

interface Slot<V> {
  value: V;
  bytes: number;
}

/**
 * A key → value cache holding at most `maxBytes` (as declared per entry), evicting the least
 * recently used entries first. A value larger than the whole budget is not cached.
 *
 * @example
 * ```ts
 * import { LruCache } from '@x/registry';
 *
 * const cache = new LruCache<string>({ maxBytes: 10 });
 * cache.set('a', 'A', 6);
 * cache.set('b', 'B', 6); // evicts 'a'
 * cache.get('a'); // undefined
 * cache.stats().evictions; // 1
 * ```
 */
export class LruCache<V> {
  private readonly map = new Map<string, Slot<V>>();
  private readonly maxBytes: number;
  private held = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  /**
   * @param options - `maxBytes`: the budget, a non-negative finite number
   * @throws `ValidationError` on a bad budget
   */
  constructor(options: { readonly maxBytes: number }) {
    if (!(options.maxBytes >= 0) || !Number.isFinite(options.maxBytes)) {
      throw new ValidationError('maxBytes must be a non-negative finite number', {
        field: 'maxBytes',
        value: options.maxBytes,
      });
    }
    this.maxBytes = options.maxBytes;
  }

  /**
   * The value under `key`, marked most recently used, or `undefined`.
   * @param key - the key
   */
  get(key: string): V | undefined {
    const slot = this.map.get(key);
    if (slot === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, slot);
    return slot.value;
  }

  /**
   * Stores a value, evicting least recently used entries to fit.
   * @param key - the key
   * @param value - the value
   * @param bytes - its size as counted against the budget
   */
  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    if (!(bytes >= 0) || bytes > this.maxBytes) return;
    this.map.set(key, { value, bytes });
    this.held += bytes;
    while (this.held > this.maxBytes) {
      const oldest = this.map.keys().next().value as string;
      this.delete(oldest);
      this.evictions++;
    }
  }

  /**
   * Removes an entry (not counted as an eviction).
   * @param key - the key
   * @returns whether there was one
   */
  delete(key: string): boolean {
    const slot = this.map.get(key);
    if (slot === undefined) return false;
    this.map.delete(key);
    this.held -= slot.bytes;
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    this.map.clear();
    this.held = 0;
  }

  /** The counters. */
  stats(): CacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      bytes: this.held,
      entries: this.map.size,
      maxBytes: this.maxBytes,
    };
  }
}
