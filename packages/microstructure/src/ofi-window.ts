/**
 * Tumbling windows of per-update, per-level OFI: OFI_k over [t_k−1, t_k) as in Cont, Kukanov &
 * Stoikov (2014, Sec. 2), with the window's mean depth, the normaliser of the integrated OFI of
 * Cont, Cucuringu & Zhang (2023).
 *
 * **No window is lost or mislabelled.** Every closed window is delivered, in order: to the
 * `onWindow` callback (allocation-free, empty gap windows included) and, for the windows closed by
 * the last call, through {@link OfiWindow.closedWindows}; `completed*` describe the first of them
 * (the one holding the updates when an update closes several) and `gapWindows` counts the empty
 * ones after it.
 *
 * **Exact boundaries.** Time window k is [b_k, b_k+1) with b_k the double nearest to the decimal
 * number originMs + k·ms, computed from the shortest decimal forms of `originMs` and `ms` in
 * integer arithmetic: with `ms: 0.1` the boundary 0.3 is the double 0.3, and an update stamped 0.3
 * opens window 3 (a floating-point floor of ts / ms puts it in window 2). When the decimal forms
 * do not fit safe integers (more than 15 decimals, or very large values) the boundary is the
 * double originMs + k·ms.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import { decimalForms } from './internal/decimal.js';
import { ofiSerial } from './internal/ofi-kernels.js';
import type { MultiLevelOfi } from './ofi.js';

/** One closed window, as delivered to {@link OfiWindowOptions.onWindow}. */
export interface OfiWindowRecord {
  /** Start: ms for time windows (b_k), index of the window's first update for event windows. */
  readonly start: number;
  /** End, exclusive: b_k+1 for time windows, index after the last update for event windows. */
  readonly end: number;
  /** Per-level OFI summed over the window (zeros for an empty window). */
  readonly ofi: Float64Array;
  /** Mean depth over the window's updates (0 for an empty window). */
  readonly depth: number;
  /** Updates in the window. */
  readonly events: number;
}

/** Options of {@link OfiWindow}: exactly one of `events` or `ms`. */
export interface OfiWindowOptions {
  /** M, the number of levels summed (default 10). */
  readonly levels?: number;
  /** Tumbling windows of this many accepted updates. */
  readonly events?: number;
  /** Tumbling time windows of this many milliseconds: [b_k, b_k+1), see the module notes. */
  readonly ms?: number;
  /** Origin of the time grid in milliseconds (default 0). */
  readonly originMs?: number;
  /**
   * Called once per closed window, in order, empty gap windows included. The record and its
   * `ofi` array are reused: copy what you keep.
   */
  readonly onWindow?: (window: OfiWindowRecord) => void;
}

interface MutableRecord {
  start: number;
  end: number;
  ofi: Float64Array;
  depth: number;
  events: number;
}

/**
 * Sums per-update, per-level OFI over tumbling event or time windows (see the module notes).
 *
 * **Boundaries.** A time window is half-open: an update stamped exactly at b_k+1 belongs to the
 * next window. A window closes when the first update of a later window arrives, or on
 * {@link OfiWindow.flush}; windows with no update in a gap close with zero OFI and zero depth. An
 * event window closes after its `events`-th update.
 *
 * @example
 * ```ts
 * import { OrderFlowGenerator, cst2010Rates } from '@x/sim';
 *
 * const gen = new OrderFlowGenerator({ seed: 1, rates: cst2010Rates(5) });
 * const books = gen.l2Snapshots(5, { count: 1000 });
 * const ofi = new MultiLevelOfi({ levels: 5 });
 * const win = new OfiWindow({
 *   levels: 5,
 *   ms: 1000,
 *   onWindow: (w) => console.log(w.start, w.ofi[0], w.depth),
 * });
 * for (const book of books) if (ofi.update(book)) win.addFrom(ofi);
 * win.flush(); // the last, partial window
 * ```
 */
export class OfiWindow {
  /** M, the number of levels. */
  readonly levels: number;
  /** Per-level OFI of the first window closed by the last call that closed any. */
  readonly completed: Float64Array;
  /** Mean depth over the updates of that window (0 when it had none). */
  completedDepth = 0;
  /** Updates in that window. */
  completedEvents = 0;
  /** Start of that window (see {@link OfiWindowRecord.start}); `undefined` before the first. */
  get completedStart(): number | undefined {
    return Number.isNaN(this.cStart) ? undefined : this.cStart;
  }
  /** End of that window, exclusive; `undefined` before the first. */
  get completedEnd(): number | undefined {
    return Number.isNaN(this.cEnd) ? undefined : this.cEnd;
  }
  /** Empty windows closed after `completed` by the same call (time windows over a gap). */
  gapWindows = 0;
  /** Windows completed so far. */
  windowsCompleted = 0;
  /** Per-level OFI of the open window so far. */
  readonly current: Float64Array;
  /** Updates in the open window. */
  currentEvents = 0;

  private readonly events: number;
  private readonly ms: number;
  private readonly origin: number;
  // exact decimal grid: b_k = (oS + k·mS) / scale when decimal
  private readonly decimal: boolean;
  private readonly oS: number;
  private readonly mS: number;
  private readonly scale: number;
  private readonly onWindow: ((w: OfiWindowRecord) => void) | undefined;
  private readonly rec: MutableRecord;
  private depthSum = 0;
  private w = 0; // time: index of the open (or next) window; events: index of its first update
  // time: [b_w, b_w+1) of the open window, computed once per window (an update inside it only
  // compares); before the first update an empty interval, so the first takes the exact path
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  private started = false;
  private seen = 0;
  private lastTs = Number.NEGATIVE_INFINITY;
  private lastSerial = -1;
  private lastSource: MultiLevelOfi | null = null;
  private readonly io = new Float64Array(2);
  // the time whose window windowOf() finds (a typed slot: no double crosses that call)
  private readonly tsIn = new Float64Array(1);
  // [start, end) of `completed`, NaN before the first: double fields, so storing a bound does not
  // allocate (a field that held `undefined` boxes every double stored into it)
  private cStart = Number.NaN;
  private cEnd = Number.NaN;

  /**
   * @param options - levels, exactly one of `events` or `ms`, origin, callback
   * @throws `ValidationError` on bad options
   */
  constructor(options: OfiWindowOptions) {
    const m = options.levels ?? 10;
    if (!Number.isInteger(m) || m < 1) {
      throw new ValidationError('levels must be an integer >= 1', { field: 'levels', value: m });
    }
    const hasE = options.events !== undefined;
    const hasT = options.ms !== undefined;
    if (hasE === hasT) {
      throw new ValidationError('give exactly one of events or ms', { field: 'events' });
    }
    if (hasE && !(Number.isInteger(options.events) && (options.events as number) >= 1)) {
      throw new ValidationError('events must be an integer >= 1', {
        field: 'events',
        value: options.events,
      });
    }
    if (hasT && !(Number.isFinite(options.ms) && (options.ms as number) > 0)) {
      throw new ValidationError('ms must be finite and > 0', { field: 'ms', value: options.ms });
    }
    const origin = options.originMs ?? 0;
    if (!Number.isFinite(origin)) {
      throw new ValidationError('originMs must be finite', { field: 'originMs', value: origin });
    }
    if (options.onWindow !== undefined && typeof options.onWindow !== 'function') {
      throw new ValidationError('onWindow must be a function', { field: 'onWindow' });
    }
    this.levels = m;
    this.events = hasE ? (options.events as number) : 0;
    this.ms = hasT ? (options.ms as number) : 0;
    this.origin = origin;
    const forms = hasT ? decimalForms(this.ms, origin) : null;
    this.decimal = forms !== null;
    this.scale = forms?.[0]?.scale ?? 1;
    this.mS = forms?.[0]?.units ?? 0;
    this.oS = forms?.[1]?.units ?? 0;
    this.onWindow = options.onWindow;
    this.completed = new Float64Array(m);
    this.current = new Float64Array(m);
    this.rec = { start: 0, end: 0, ofi: new Float64Array(m), depth: 0, events: 0 };
  }

  /** b_k, the start of time window k. */
  private bound(k: number): number {
    if (this.decimal) {
      const x = this.oS + k * this.mS;
      if (Number.isSafeInteger(x)) return x / this.scale;
    }
    return this.origin + k * this.ms;
  }

  /**
   * The time window holding `tsIn[0]`, exactly (a floor estimate, then corrected on the
   * boundaries).
   */
  private windowOf(): number {
    const ts = this.tsIn[0]!;
    let w = Math.floor((ts - this.origin) / this.ms);
    if (!Number.isSafeInteger(w) || !(this.bound(w + 1) > this.bound(w))) {
      throw new ValidationError(`ms ${this.ms} is too small for timestamps like ${ts}`, {
        field: 'ts',
        value: ts,
      });
    }
    while (this.bound(w) > ts) w--;
    while (this.bound(w + 1) <= ts) w++;
    return w;
  }

  /**
   * Adds one update's per-level OFI.
   * @param ts - the update's time in ms (non-decreasing)
   * @param e - per-level contributions, at least `levels` long (e.g. {@link MultiLevelOfi.last})
   * @param depth - the update's depth (e.g. {@link MultiLevelOfi.lastDepth}), >= 0
   * @returns how many windows this update closed (the first of them is in `completed`)
   * @throws `ValidationError` on a non-finite value, a short `e`, time going back (also into a
   *   window already closed by {@link OfiWindow.flush}), or sums that would overflow; the
   *   update is then not added
   */
  add(ts: number, e: ArrayLike<number>, depth: number): number {
    const io = this.io;
    io[0] = ts;
    io[1] = depth;
    return this.addCore(e);
  }

  /**
   * Adds the last accepted update of a {@link MultiLevelOfi}: `add(ofi.lastTs, ofi.last,
   * ofi.lastDepth)` without passing numbers across a call (nothing for V8 to box on a hot path).
   * Adds nothing (returns 0) when the calculator has accepted no update since the last
   * `addFrom` of it (after a skipped or rejected update, say): no phantom event.
   * @param ofi - the calculator whose last update to add (call after an accepted `update`)
   * @returns how many windows this update closed
   * @throws `ValidationError` when time goes back or the calculator has fewer levels
   */
  addFrom(ofi: MultiLevelOfi): number {
    const serial = ofiSerial.of(ofi);
    if (serial === 0 || (ofi === this.lastSource && serial === this.lastSerial)) return 0;
    const io = this.io;
    io[0] = ofi.lastTs;
    io[1] = ofi.lastDepth;
    const closed = this.addCore(ofi.last);
    this.lastSource = ofi;
    this.lastSerial = serial;
    return closed;
  }

  /** The body of `add`; ts and depth come through `io` so no double crosses the call. */
  private addCore(e: ArrayLike<number>): number {
    const m = this.levels;
    const ts = this.io[0]!;
    const depth = this.io[1]!;
    if (!Number.isFinite(ts) || ts < this.lastTs) {
      throw new ValidationError('ts must be finite and non-decreasing', { field: 'ts', value: ts });
    }
    if (e.length < m) {
      throw new ValidationError(`e must have at least ${m} levels`, {
        field: 'e',
        value: e.length,
      });
    }
    const cur = this.current;
    let bad = !(depth >= 0) || !(this.depthSum + depth < Number.POSITIVE_INFINITY);
    for (let k = 0; k < m; k++) if (!Number.isFinite(cur[k]! + e[k]!)) bad = true;
    if (bad) {
      throw new ValidationError('e and depth must be finite (and their window sums too)', {
        field: 'e',
      });
    }
    let closed = 0;
    if (this.ms > 0) {
      // inside the open window: two comparisons; the exact boundary work once per window
      if (!(ts >= this.lo && ts < this.hi)) closed = this.enterWindow();
    } else if (this.currentEvents === 0) this.w = this.seen;
    this.lastTs = ts;
    for (let k = 0; k < m; k++) cur[k]! += e[k]!;
    this.depthSum += depth;
    this.currentEvents++;
    this.seen++;
    if (this.events > 0 && this.currentEvents === this.events) {
      this.gapWindows = 0;
      this.cStart = this.w;
      this.cEnd = this.seen;
      this.closeOpen();
      closed = 1;
    }
    return closed;
  }

  /**
   * An update at `ts` outside the open window's [b_w, b_w+1): finds its window exactly, closes the
   * windows before it (or refuses a window already closed by `flush`), and caches the new bounds.
   * Returns how many windows were closed. Nothing is changed when it throws.
   */
  private enterWindow(): number {
    const ts = this.io[0]!;
    this.tsIn[0] = ts;
    const w = this.windowOf();
    let closed = 0;
    if (!this.started) {
      this.started = true;
      this.w = w;
    } else if (w < this.w) {
      throw new ValidationError(`ts ${ts} falls in a window already closed by flush()`, {
        field: 'ts',
        value: ts,
      });
    } else if (w > this.w) {
      closed = this.closeTimeWindows(w);
    }
    this.setBounds();
    return closed;
  }

  /** Caches [b_w, b_w+1) of the open time window. */
  private setBounds(): void {
    this.lo = this.bound(this.w);
    this.hi = this.bound(this.w + 1);
  }

  /** Closes the open time window (if it has updates) and the empty ones before window `w`. */
  private closeTimeWindows(w: number): number {
    let k = this.w;
    const count = w - k;
    this.gapWindows = count - 1;
    this.cStart = this.bound(k);
    this.cEnd = this.bound(k + 1);
    if (this.currentEvents > 0) {
      this.closeOpen();
      k++;
    } else this.setCompletedEmpty();
    // empty gap windows: delivered one by one to the callback, counted otherwise
    this.windowsCompleted += w - k;
    const cb = this.onWindow;
    if (cb !== undefined) {
      const r = this.rec;
      r.ofi.fill(0);
      r.depth = 0;
      r.events = 0;
      for (; k < w; k++) {
        r.start = this.bound(k);
        r.end = this.bound(k + 1);
        cb(r);
      }
    }
    this.w = w;
    return count;
  }

  /** `completed` becomes the empty window [cStart, cEnd). */
  private setCompletedEmpty(): void {
    this.completed.fill(0);
    this.completedDepth = 0;
    this.completedEvents = 0;
  }

  /**
   * Closes the open window as [cStart, cEnd) (set by the caller: no double crosses this call)
   * and delivers it.
   */
  private closeOpen(): void {
    this.completed.set(this.current);
    this.current.fill(0);
    this.completedEvents = this.currentEvents;
    this.completedDepth = this.currentEvents > 0 ? this.depthSum / this.currentEvents : 0;
    this.windowsCompleted++;
    this.currentEvents = 0;
    this.depthSum = 0;
    const cb = this.onWindow;
    if (cb !== undefined) {
      const r = this.rec;
      r.start = this.cStart;
      r.end = this.cEnd;
      r.ofi.set(this.completed);
      r.depth = this.completedDepth;
      r.events = this.completedEvents;
      cb(r);
    }
  }

  /**
   * Closes the open window now, if it has updates (for example at the end of a session), and
   * delivers it. A time window's period then ends: a later update stamped before its end is
   * rejected (its window was delivered), one stamped later opens the window it falls in (with
   * empty windows in between delivered as usual). An event window closes with fewer updates; the
   * next one starts at the next update.
   * @returns 1 when a window was closed, else 0
   */
  flush(): number {
    if (this.currentEvents === 0) return 0;
    this.gapWindows = 0;
    if (this.ms > 0) {
      this.cStart = this.lo;
      this.cEnd = this.hi;
      this.closeOpen();
      this.w++;
      this.setBounds();
    } else {
      this.cStart = this.w;
      this.cEnd = this.seen;
      this.closeOpen();
    }
    return 1;
  }

  /**
   * The windows closed by the last call that closed any: `completed` and the `gapWindows` empty
   * ones after it, each as a fresh {@link OfiWindowRecord} (this allocates; the `onWindow`
   * callback does not).
   * @returns an iterator over the windows, oldest first (none before the first window)
   */
  *closedWindows(): IterableIterator<OfiWindowRecord> {
    const start = this.completedStart;
    const end = this.completedEnd;
    if (start === undefined || end === undefined) return;
    yield {
      start,
      end,
      ofi: Float64Array.from(this.completed),
      depth: this.completedDepth,
      events: this.completedEvents,
    };
    if (this.gapWindows === 0) return;
    this.tsIn[0] = end;
    const k0 = this.windowOf();
    for (let i = 0; i < this.gapWindows; i++) {
      yield {
        start: this.bound(k0 + i),
        end: this.bound(k0 + i + 1),
        ofi: new Float64Array(this.levels),
        depth: 0,
        events: 0,
      };
    }
  }
}
