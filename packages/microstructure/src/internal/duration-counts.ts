/**
 * A multiset of right-censored durations kept as counts per distinct duration, in ascending
 * order: what a Kaplan–Meier curve needs, maintained incrementally. Additions and removals go to
 * small pending buffers (O(1) amortised) and are merged into the sorted counts when the curve is
 * read or the buffers grow past the sorted part (O(D + p log p) for D distinct durations and p
 * pending changes), so no query sorts every observation.
 *
 * @module
 */

/** A growable Float64Array stack. */
class Stack {
  data = new Float64Array(64);
  n = 0;
  push(x: number): void {
    if (this.n === this.data.length) {
      const d = new Float64Array(this.n * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.n++] = x;
  }
  /** The pushed values, sorted ascending (in place). */
  sorted(): Float64Array {
    return this.data.subarray(0, this.n).sort();
  }
}

/** Counts of observed events and of all observations per distinct duration. */
export class DurationCounts {
  /** Distinct durations, ascending (first `size` entries). */
  times = new Float64Array(64);
  /** Observed events at each duration. */
  events = new Float64Array(64);
  /** Observations (events and censorings) at each duration. */
  total = new Float64Array(64);
  /** Number of distinct durations (after {@link DurationCounts.flush}). */
  size = 0;
  readonly #addE = new Stack();
  readonly #addC = new Stack();
  readonly #remE = new Stack();
  readonly #remC = new Stack();

  /** Adds one observation (`observed` false: right-censored). */
  add(duration: number, observed: boolean): void {
    (observed ? this.#addE : this.#addC).push(duration);
    this.#maybeFlush();
  }

  /** Removes one observation previously added with the same duration and flag. */
  remove(duration: number, observed: boolean): void {
    (observed ? this.#remE : this.#remC).push(duration);
    this.#maybeFlush();
  }

  /** Forgets everything. */
  clear(): void {
    this.size = 0;
    this.#addE.n = 0;
    this.#addC.n = 0;
    this.#remE.n = 0;
    this.#remC.n = 0;
  }

  #maybeFlush(): void {
    const p = this.#addE.n + this.#addC.n + this.#remE.n + this.#remC.n;
    if (p > 4096 && p > this.size) this.flush();
  }

  /** Merges the pending changes into the sorted counts. */
  flush(): void {
    const ae = this.#addE.sorted();
    const ac = this.#addC.sorted();
    const re = this.#remE.sorted();
    const rc = this.#remC.sorted();
    if (ae.length + ac.length + re.length + rc.length === 0) return;
    const cap = this.size + ae.length + ac.length;
    const times = new Float64Array(Math.max(64, cap));
    const events = new Float64Array(times.length);
    const total = new Float64Array(times.length);
    let i = 0;
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    let out = 0;
    const INF = Number.POSITIVE_INFINITY;
    for (;;) {
      const t = Math.min(
        i < this.size ? this.times[i]! : INF,
        a < ae.length ? ae[a]! : INF,
        b < ac.length ? ac[b]! : INF,
        c < re.length ? re[c]! : INF,
        d < rc.length ? rc[d]! : INF,
      );
      if (t === INF) break;
      let ev = 0;
      let n = 0;
      if (i < this.size && this.times[i] === t) {
        ev += this.events[i]!;
        n += this.total[i]!;
        i++;
      }
      for (; a < ae.length && ae[a] === t; a++) {
        ev++;
        n++;
      }
      for (; b < ac.length && ac[b] === t; b++) n++;
      for (; c < re.length && re[c] === t; c++) {
        ev--;
        n--;
      }
      for (; d < rc.length && rc[d] === t; d++) n--;
      if (n > 0) {
        times[out] = t;
        events[out] = ev;
        total[out] = n;
        out++;
      }
    }
    this.times = times;
    this.events = events;
    this.total = total;
    this.size = out;
    this.#addE.n = 0;
    this.#addC.n = 0;
    this.#remE.n = 0;
    this.#remC.n = 0;
  }
}
