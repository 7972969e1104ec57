/**
 * The index of groups whose legs a check held back, re-evaluated on market data.
 *
 * A stop held back only because it is through the market (policy `stopThroughMarket: 'wait'`)
 * can become valid only when the last price crosses it: for a long group when the last rises above
 * its lowest held stop, for a short group when it falls below its highest. Those groups sit in two
 * heaps per symbol keyed by that trigger, so a market event touches only the groups whose trigger
 * it crossed (O(k log n) for k of them) instead of scanning every held group. A group held back by
 * any other check (a risk limit) may clear on any move and is re-checked on every market event, as
 * before. Due groups come back in the order in which they were first held, which is the order of
 * the naive scan over an insertion-ordered set (the property test checks the two are equal).
 *
 * The caller re-registers every group it was handed ({@link HeldIndex.set}), normally from the
 * reconciliation that follows; heap entries are invalidated lazily by a version number.
 */

/** Why a group is held: not at all, by a check that may clear on any move, or by its trigger. */
export type HeldState =
  | { readonly kind: 'none' }
  | { readonly kind: 'any' }
  | {
      readonly kind: 'trigger';
      /** `'above'`: clears once last > key (long); `'below'`: once last < key (short). */
      readonly side: 'above' | 'below';
      /** The trigger, ticks. */
      readonly key: number;
    };

interface Entry {
  /** Registration order (first held), for the scan order. */
  since: number;
  kind: 'any' | 'trigger';
  side: 'above' | 'below';
  key: number;
  /** Version of the live heap entry, or -1 when none is in a heap. */
  version: number;
}

/** A binary min-heap of (key, id, version) in parallel arrays. */
class Heap {
  private keys: number[] = [];
  private ids: string[] = [];
  private versions: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  clear(): void {
    this.keys = [];
    this.ids = [];
    this.versions = [];
  }

  topKey(): number {
    return this.keys[0]!;
  }

  push(key: number, id: string, version: number): void {
    const k = this.keys;
    let i = k.length;
    k.push(key);
    this.ids.push(id);
    this.versions.push(version);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p]! <= key) break;
      this.move(p, i);
      i = p;
    }
    this.put(i, key, id, version);
  }

  /** Removes the top; returns its id and version through `out`. */
  pop(out: { id: string; version: number }): void {
    const k = this.keys;
    out.id = this.ids[0]!;
    out.version = this.versions[0]!;
    const lastKey = k.pop()!;
    const lastId = this.ids.pop()!;
    const lastVersion = this.versions.pop()!;
    const n = k.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && k[r]! < k[l]! ? r : l;
      if (k[c]! >= lastKey) break;
      this.move(c, i);
      i = c;
    }
    this.put(i, lastKey, lastId, lastVersion);
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from]!;
    this.ids[to] = this.ids[from]!;
    this.versions[to] = this.versions[from]!;
  }

  private put(i: number, key: number, id: string, version: number): void {
    this.keys[i] = key;
    this.ids[i] = id;
    this.versions[i] = version;
  }
}

/** The held groups of one symbol. */
class SymbolHeld {
  readonly entries = new Map<string, Entry>();
  /** Long triggers (clear when last > key), min-heap on key. */
  readonly above = new Heap();
  /** Short triggers (clear when last < key), min-heap on −key. */
  readonly below = new Heap();
  /** Groups held by a check that may clear on any move. */
  readonly any = new Set<string>();
  /** Live (non-stale) entries in each heap. */
  liveAbove = 0;
  liveBelow = 0;

  /** Drops the stale entries of a heap once they outnumber the live ones (bounded memory). */
  compact(side: 'above' | 'below'): void {
    const heap = side === 'above' ? this.above : this.below;
    const live = side === 'above' ? this.liveAbove : this.liveBelow;
    if (heap.size <= 2 * live + 32) return;
    heap.clear();
    for (const [id, e] of this.entries) {
      if (e.kind === 'trigger' && e.version >= 0 && e.side === side)
        heap.push(side === 'above' ? e.key : -e.key, id, e.version);
    }
  }
}

const NONE: HeldState = Object.freeze({ kind: 'none' });
const ANY: HeldState = Object.freeze({ kind: 'any' });

/** Held groups per symbol, with their triggers. */
export class HeldIndex {
  private readonly bySymbol = new Map<string, SymbolHeld>();
  private since = 0;
  private version = 0;
  private readonly popped = { id: '', version: 0 };
  private readonly out: string[] = [];

  /** The state "not held". */
  static readonly NONE = NONE;
  /** The state "held by a check that may clear on any move". */
  static readonly ANY = ANY;

  /** The state "held until the last crosses `key` (ticks) upward (`'above'`) or downward". */
  static trigger(side: 'above' | 'below', key: number): HeldState {
    return { kind: 'trigger', side, key };
  }

  /** Number of held groups (all symbols). */
  get size(): number {
    let n = 0;
    for (const s of this.bySymbol.values()) n += s.entries.size;
    return n;
  }

  /** Heap entries, live and stale (all symbols): bounded by twice the live ones plus a constant. */
  get heapEntries(): number {
    let n = 0;
    for (const s of this.bySymbol.values()) n += s.above.size + s.below.size;
    return n;
  }

  /**
   * Records why a group is held (or that it is not any more).
   * @param symbol - the group's symbol
   * @param id - the group id
   * @param state - its state now
   */
  set(symbol: string, id: string, state: HeldState): void {
    let s = this.bySymbol.get(symbol);
    if (state.kind === 'none') {
      if (s === undefined) return;
      const e = s.entries.get(id);
      if (e === undefined) return;
      unlive(s, e);
      s.entries.delete(id);
      if (e.kind === 'any') s.any.delete(id);
      return;
    }
    if (s === undefined) {
      s = new SymbolHeld();
      this.bySymbol.set(symbol, s);
    }
    let e = s.entries.get(id);
    if (e === undefined) {
      e = { since: this.since++, kind: state.kind, side: 'above', key: 0, version: -1 };
      s.entries.set(id, e);
    } else if (e.kind === 'any' && state.kind !== 'any') s.any.delete(id);
    if (state.kind === 'any') {
      unlive(s, e); // its heap entry, if any, is stale from here on
      e.kind = 'any';
      s.any.add(id);
      return;
    }
    if (e.kind === 'trigger' && e.version >= 0 && e.side === state.side && e.key === state.key)
      return; // unchanged and still in its heap
    unlive(s, e);
    e.kind = 'trigger';
    e.side = state.side;
    e.key = state.key;
    e.version = this.version++;
    if (state.side === 'above') {
      s.liveAbove++;
      s.above.push(state.key, id, e.version);
    } else {
      s.liveBelow++;
      s.below.push(-state.key, id, e.version);
    }
    s.compact(state.side);
  }

  /** Forgets a group. */
  delete(symbol: string, id: string): void {
    this.set(symbol, id, NONE);
  }

  /**
   * The groups that the last price `last` may clear, in the order in which they were first held.
   * Each returned trigger leaves its heap: the caller re-registers every returned group with
   * {@link set} (a reconciliation does), or it is not handed out again.
   * @param symbol - the symbol of the market event
   * @param last - the last price, ticks
   * @returns the group ids (empty when none), in an array reused by the next call
   */
  due(symbol: string, last: number): readonly string[] {
    const s = this.bySymbol.get(symbol);
    if (s === undefined || s.entries.size === 0) return EMPTY;
    const out = this.out;
    out.length = 0;
    const p = this.popped;
    while (s.above.size > 0 && s.above.topKey() < last) {
      s.above.pop(p);
      const e = s.entries.get(p.id);
      if (e === undefined || e.version !== p.version) continue; // stale
      e.version = -1;
      s.liveAbove--;
      out.push(p.id);
    }
    while (s.below.size > 0 && -s.below.topKey() > last) {
      s.below.pop(p);
      const e = s.entries.get(p.id);
      if (e === undefined || e.version !== p.version) continue;
      e.version = -1;
      s.liveBelow--;
      out.push(p.id);
    }
    if (s.any.size > 0) for (const id of s.any) out.push(id);
    if (out.length > 1) {
      const entries = s.entries;
      out.sort((a, b) => entries.get(a)!.since - entries.get(b)!.since);
    }
    return out;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/** Marks a group's heap entry (if live) stale. */
function unlive(s: SymbolHeld, e: Entry): void {
  if (e.kind !== 'trigger' || e.version < 0) return;
  if (e.side === 'above') s.liveAbove--;
  else s.liveBelow--;
  e.version = -1;
}
