/**
 * An indexed binary heap: O(log n) push, pop, removal and re-keying of any element, because each
 * element records its own position. Used for the engine's trigger and expiry queues.
 */

/**
 * An element that can sit in two heaps at once (one using slot 0, one slot 1), storing its
 * positions. Several heaps may share a slot when an element is in at most one of them at a time.
 */
export interface HeapSlots {
  /** Position in the slot-0 heap, -1 when not in it. */
  heapPos0: number;
  /** Position in the slot-1 heap, -1 when not in it. */
  heapPos1: number;
}

export class IndexedHeap<T extends HeapSlots> {
  private readonly items: T[] = [];

  /**
   * @param less - strict order: `less(a, b)` when `a` must come out before `b`
   * @param slot - which position field of the elements this heap uses
   */
  constructor(
    private readonly less: (a: T, b: T) => boolean,
    private readonly slot: 0 | 1,
  ) {}

  /** Number of elements. */
  get size(): number {
    return this.items.length;
  }

  /** The first element, or `undefined` when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Whether `x` is in this heap. */
  has(x: T): boolean {
    const i = this.pos(x);
    return i >= 0 && this.items[i] === x;
  }

  /** Adds `x` (which must not be in this heap). */
  push(x: T): void {
    const i = this.items.length;
    this.items.push(x);
    this.setPos(x, i);
    this.up(i);
  }

  /** Removes and returns the first element, or `undefined` when empty. */
  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes `x` when it is in this heap; returns whether it was. */
  remove(x: T): boolean {
    if (!this.has(x)) return false;
    const i = this.pos(x);
    const last = this.items.pop() as T;
    this.setPos(x, -1);
    if (i < this.items.length) {
      this.items[i] = last;
      this.setPos(last, i);
      this.down(i);
      this.up(this.pos(last));
    }
    return true;
  }

  /** Calls `fn` on every element, in no particular order. */
  forEach(fn: (x: T) => void): void {
    for (let i = 0; i < this.items.length; i++) fn(this.items[i] as T);
  }

  private pos(x: T): number {
    return this.slot === 0 ? x.heapPos0 : x.heapPos1;
  }

  private setPos(x: T, i: number): void {
    if (this.slot === 0) x.heapPos0 = i;
    else x.heapPos1 = i;
  }

  private up(i: number): void {
    const a = this.items;
    const x = a[i] as T;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p] as T;
      if (!this.less(x, parent)) break;
      a[i] = parent;
      this.setPos(parent, i);
      i = p;
    }
    a[i] = x;
    this.setPos(x, i);
  }

  private down(i: number): void {
    const a = this.items;
    const n = a.length;
    const x = a[i] as T;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(a[r] as T, a[l] as T) ? r : l;
      const child = a[c] as T;
      if (!this.less(child, x)) break;
      a[i] = child;
      this.setPos(child, i);
      i = c;
    }
    a[i] = x;
    this.setPos(x, i);
  }
}
