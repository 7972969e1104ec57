/**
 * SLO-driven automatic rollback. Every interval the controller takes the window of metrics of
 * the version under watch (the canary while there is one, otherwise a production version that
 * replaced an earlier one) and checks each metric against its threshold range:
 *
 * - no decision at all until the watched version has had traffic (outcome `'waiting'`);
 * - a window with fewer than `minRequests` requests is `'inconclusive'`, not failed (Flagger
 *   counts missing data as a failure; its users complain about idle services);
 * - a metric that cannot be computed (no samples, a custom function that throws or returns a
 *   non-finite value) is a metric error, counted apart from failures (Argo Rollouts'
 *   `consecutiveErrorLimit`);
 * - a window is `'failed'` when any metric is outside its range;
 * - the controller rolls back when failed windows exceed `failureLimit` (total since the watch
 *   began), when consecutive failed windows exceed `consecutiveFailureLimit`, or when
 *   consecutive error windows exceed `metricErrorLimit` (both optional), so with the default
 *   `failureLimit: 0` the first failed window rolls back, within one interval of the breach.
 *
 * A rollback is one atomic, audited registry change, guarded by the version that was watched: a
 * canary is aborted (all traffic back to production, the canary archived); a production version
 * is rolled back to the previous one. Then the `'rollback'` event fires. The guard is a
 * conditional update (the compare-and-swap applies only while the pointer is still at the
 * watched version), so when several processes watch the same model over a shared store, exactly
 * one of them rolls back per breach and the audit history records it once; the others' decisions
 * say `preempted` and they change nothing.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import { type Clock, ConflictError, systemClock, ValidationError } from '@x/core';
import type { ModelMetrics, WindowStats } from './metrics.js';
import type { ModelRegistry } from './registry.js';

/** Built-in window metrics. */
export type SloMetric = 'latencyP99Seconds' | 'errorRatio' | 'loss' | 'shadowAgreement';

/** One threshold range on one metric. */
export interface SloCheck {
  /** A built-in metric, or a function of the window (throwing or non-finite = metric error). */
  readonly metric: SloMetric | ((window: WindowStats) => number);
  /** Name in decisions and audit reasons (the built-in metric's name by default). */
  readonly name?: string;
  /** Lowest passing value (inclusive). */
  readonly min?: number;
  /** Highest passing value (inclusive). */
  readonly max?: number;
}

/** When to roll back. */
export interface RollbackPolicy {
  /** Window length and check period, in milliseconds. */
  readonly intervalMs: number;
  /** Fewer requests than this in a window is inconclusive. Default 20. */
  readonly minRequests?: number;
  /** Roll back when failed windows exceed this many. Default 0. */
  readonly failureLimit?: number;
  /** Also roll back when consecutive failed windows exceed this many. */
  readonly consecutiveFailureLimit?: number;
  /** Also roll back when consecutive windows with a metric error exceed this many. */
  readonly metricErrorLimit?: number;
  /** The threshold ranges. */
  readonly checks: readonly SloCheck[];
}

/** The verdict on one window. */
export type WindowOutcome = 'idle' | 'waiting' | 'inconclusive' | 'passed' | 'failed' | 'error';

/** The counters behind a decision. */
export interface DecisionCounts {
  /** Failed windows since the watch began. */
  readonly failed: number;
  /** Consecutive failed windows. */
  readonly consecutive: number;
  /** Consecutive windows with a metric error. */
  readonly errors: number;
}

/** One evaluated window. */
export interface WindowDecision {
  /** When it was evaluated. */
  readonly at: number;
  /** The model. */
  readonly model: string;
  /** The watched version (null when there is nothing to watch: `'idle'`). */
  readonly version: string | null;
  /** The verdict. */
  readonly outcome: WindowOutcome;
  /** Requests in the window. */
  readonly requests: number;
  /** Each metric's value, or null for a metric error. */
  readonly values: Readonly<Record<string, number | null>>;
  /** The metrics outside their ranges. */
  readonly breaches: readonly string[];
  /** The metrics that could not be computed, with why. */
  readonly metricErrors: readonly string[];
  /** Failed windows since the watch began, consecutive failed windows, consecutive error windows. */
  readonly counts: DecisionCounts;
  /** Whether this window triggered a rollback. */
  readonly rolledBack: boolean;
  /**
   * True when the policy called for a rollback but another process (another controller on the
   * same model) had already moved the pointer: this controller changed nothing.
   */
  readonly preempted?: boolean;
}

/** Emitted after an automatic rollback has been committed. */
export interface RollbackEvent {
  /** The model. */
  readonly model: string;
  /** The version rolled back. */
  readonly from: string;
  /** The version that now serves all traffic. */
  readonly to: string;
  /** `'canary'` (the canary was aborted) or `'production'` (production was rolled back). */
  readonly kind: 'canary' | 'production';
  /** When (controller clock). */
  readonly at: number;
  /** The audit reason. */
  readonly reason: string;
  /** The window that triggered it. */
  readonly decision: WindowDecision;
}

/** Options of {@link RollbackController}. */
export interface RollbackControllerOptions {
  /** The registry whose pointers move. */
  readonly registry: ModelRegistry;
  /** Where the windows come from. */
  readonly metrics: ModelMetrics;
  /** The model to watch. */
  readonly model: string;
  /** The thresholds and limits. */
  readonly policy: RollbackPolicy;
  /** Time source. Default: the system clock. */
  readonly clock?: Clock;
  /** Actor in audit entries. Default `'slo-controller'`. */
  readonly actor?: string;
}

function p99(w: WindowStats): number {
  const n = w.latencies.length;
  if (n === 0) throw new Error('no latency samples');
  return w.latencies[Math.min(n - 1, Math.ceil(0.99 * n) - 1)]!;
}

const BUILT_IN: Record<SloMetric, (w: WindowStats) => number> = {
  latencyP99Seconds: p99,
  errorRatio: (w) => {
    if (w.requests === 0) throw new Error('no requests');
    return w.errors / w.requests;
  },
  loss: (w) => {
    if (w.lossCount === 0) throw new Error('no loss reported');
    return w.lossSum / w.lossCount;
  },
  shadowAgreement: (w) => {
    if (w.shadowCompared === 0) throw new Error('no shadow comparisons');
    return w.shadowAgreed / w.shadowCompared;
  },
};

function checkPolicy(p: RollbackPolicy): void {
  const bad = (field: string, value: unknown) => {
    throw new ValidationError(`policy.${field} is invalid`, { field, value });
  };
  if (!(p.intervalMs > 0) || !Number.isFinite(p.intervalMs)) bad('intervalMs', p.intervalMs);
  for (const f of [
    'minRequests',
    'failureLimit',
    'consecutiveFailureLimit',
    'metricErrorLimit',
  ] as const) {
    const v = p[f];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) bad(f, v);
  }
  if (p.checks.length === 0) bad('checks', p.checks);
  for (const c of p.checks) {
    if (typeof c.metric === 'string' && !(c.metric in BUILT_IN)) bad('checks.metric', c.metric);
    if (typeof c.metric === 'function' && c.name === undefined) bad('checks.name', undefined);
    if (c.min === undefined && c.max === undefined) bad('checks.range', c);
  }
}

interface Watch {
  readonly version: string;
  readonly kind: 'canary' | 'production';
}

/**
 * Watches one model and rolls it back when its SLOs fail. Drive it with {@link RollbackController.tick}
 * (tests, with a manual clock) or {@link RollbackController.start} (a timer every interval).
 *
 * @example
 * ```ts
 * import { ManualClock } from '@x/core';
 * import { Registry } from 'prom-client';
 * import { ModelMetrics, ModelRegistry, RollbackController } from '@x/registry';
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 *
 * const clock = new ManualClock(0);
 * const registry = await ModelRegistry.open(mkdtempSync(join(tmpdir(), 'reg-')), { clock });
 * await registry.register('mid', { kind: 'demo:Linear', formatVersion: 1, config: {}, tensors: {} });
 * const metrics = new ModelMetrics({ registry: new Registry() });
 * const controller = new RollbackController({
 *   registry, metrics, model: 'mid', clock,
 *   policy: {
 *     intervalMs: 10_000,
 *     minRequests: 50,
 *     checks: [
 *       { metric: 'latencyP99Seconds', max: 0.005 },
 *       { metric: 'errorRatio', max: 0.01 },
 *     ],
 *   },
 * });
 * controller.on('rollback', (e) => console.log(`${e.from} -> ${e.to}: ${e.reason}`));
 * clock.advance(10_000);
 * (await controller.tick())?.outcome; // 'idle': the model has no canary yet
 * ```
 */
export class RollbackController {
  private readonly o: RollbackControllerOptions;
  private readonly clock: Clock;
  private readonly events = new EventEmitter();
  private windowStart: number;
  private watch: Watch | null = null;
  private hadTraffic = false;
  private failed = 0;
  private consecutive = 0;
  private errors = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;

  /**
   * @param options - registry, metrics, model, policy, clock
   * @throws `ValidationError` on a bad policy
   */
  constructor(options: RollbackControllerOptions) {
    checkPolicy(options.policy);
    this.o = options;
    this.clock = options.clock ?? systemClock;
    this.windowStart = this.clock.now();
  }

  /**
   * Subscribes to decisions (every evaluated window) or rollbacks.
   * @param event - `'decision'` or `'rollback'`
   * @param listener - called with the decision or the rollback
   */
  on(event: 'decision', listener: (d: WindowDecision) => void): this;
  on(event: 'rollback', listener: (e: RollbackEvent) => void): this;
  on(event: 'error', listener: (e: unknown) => void): this; // a tick of start()'s timer failed
  on(event: string, listener: (arg: never) => void): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  private async currentWatch(): Promise<Watch | null> {
    const m = await this.o.registry.getModel(this.o.model);
    if (m.traffic !== null) return { version: m.traffic.canary, kind: 'canary' };
    if (m.production !== null && m.productionHistory.length > 0) {
      return { version: m.production, kind: 'production' };
    }
    return null;
  }

  private evaluate(w: WindowStats) {
    const values: Record<string, number | null> = {};
    const breaches: string[] = [];
    const metricErrors: string[] = [];
    for (const c of this.o.policy.checks) {
      const name = c.name ?? (c.metric as string);
      const fn = typeof c.metric === 'function' ? c.metric : BUILT_IN[c.metric];
      let v: number;
      try {
        v = fn(w);
        if (!Number.isFinite(v)) throw new Error(`not finite (${v})`);
      } catch (e) {
        values[name] = null;
        metricErrors.push(`${name}: ${(e as Error).message}`);
        continue;
      }
      values[name] = v;
      if ((c.min !== undefined && v < c.min) || (c.max !== undefined && v > c.max)) {
        breaches.push(
          `${name} ${v.toPrecision(4)} outside [${bound(c.min, '-inf')}, ${bound(c.max, 'inf')}]`,
        );
      }
    }
    return { values, breaches, metricErrors };
  }

  /**
   * Evaluates the current window if a full interval has passed since the last one, and rolls
   * back when the policy says so.
   * @returns the decision, or null when the interval has not elapsed (or a tick is running)
   */
  async tick(): Promise<WindowDecision | null> {
    const now = this.clock.now();
    if (this.busy || now - this.windowStart < this.o.policy.intervalMs) return null;
    this.busy = true;
    try {
      return await this.decide(now);
    } finally {
      this.busy = false;
    }
  }

  private async decide(now: number): Promise<WindowDecision> {
    this.windowStart = now;
    const policy = this.o.policy;
    const watch = await this.currentWatch();
    const base = { at: now, model: this.o.model, rolledBack: false };
    if (watch?.version !== this.watch?.version || watch?.kind !== this.watch?.kind) {
      // a new subject: start counting afresh
      this.watch = watch;
      this.hadTraffic = false;
      this.failed = this.consecutive = this.errors = 0;
    }
    if (watch === null) {
      return this.emit({
        ...base,
        version: null,
        outcome: 'idle',
        requests: 0,
        values: {},
        breaches: [],
        metricErrors: [],
        counts: this.counts(),
      });
    }
    const w = this.o.metrics.forVersion(this.o.model, watch.version).drainWindow();
    if (w.requests > 0) this.hadTraffic = true;
    const common = { ...base, version: watch.version, requests: w.requests };
    if (!this.hadTraffic || w.requests < (policy.minRequests ?? 20)) {
      return this.emit({
        ...common,
        outcome: this.hadTraffic ? 'inconclusive' : 'waiting',
        values: {},
        breaches: [],
        metricErrors: [],
        counts: this.counts(),
      });
    }
    const { values, breaches, metricErrors } = this.evaluate(w);
    let outcome: WindowOutcome;
    if (breaches.length > 0) {
      outcome = 'failed';
      this.failed++;
      this.consecutive++;
    } else if (metricErrors.length > 0) {
      outcome = 'error';
      this.errors++;
    } else {
      outcome = 'passed';
      this.consecutive = 0;
    }
    if (outcome !== 'error') this.errors = 0;
    const trigger =
      this.failed > (policy.failureLimit ?? 0)
        ? `${this.failed} failed windows > limit ${policy.failureLimit ?? 0}`
        : policy.consecutiveFailureLimit !== undefined &&
            this.consecutive > policy.consecutiveFailureLimit
          ? `${this.consecutive} consecutive failed windows > limit ${policy.consecutiveFailureLimit}`
          : policy.metricErrorLimit !== undefined && this.errors > policy.metricErrorLimit
            ? `${this.errors} consecutive metric-error windows > limit ${policy.metricErrorLimit}`
            : null;
    const decision: WindowDecision = {
      ...common,
      outcome,
      values,
      breaches,
      metricErrors,
      counts: this.counts(),
      rolledBack: trigger !== null,
    };
    if (trigger === null) return this.emit(decision);
    return this.rollBack(
      watch,
      decision,
      `SLO: ${trigger}; ${[...breaches, ...metricErrors].join('; ')}`,
    );
  }

  private async rollBack(watch: Watch, decision: WindowDecision, reason: string) {
    const opts = {
      actor: this.o.actor ?? 'slo-controller',
      reason,
      expectedVersion: watch.version,
    };
    let to: string;
    try {
      if (watch.kind === 'canary') {
        await this.o.registry.abortCanary(this.o.model, opts);
        to = (await this.o.registry.getModel(this.o.model)).production!;
      } else {
        to = (await this.o.registry.rollback(this.o.model, opts)).to;
      }
    } catch (e) {
      if (!ConflictError.isInstance(e)) throw e;
      // the guarded move found the pointer moved: another controller's rollback is the one
      this.watch = null;
      return this.emit({ ...decision, rolledBack: false, preempted: true });
    }
    this.o.metrics.rollback(this.o.model);
    this.emit(decision);
    const event: RollbackEvent = {
      model: this.o.model,
      from: watch.version,
      to,
      kind: watch.kind,
      at: this.clock.now(),
      reason,
      decision,
    };
    this.watch = null;
    this.events.emit('rollback', event);
    return decision;
  }

  private counts() {
    return { failed: this.failed, consecutive: this.consecutive, errors: this.errors };
  }

  private emit(d: WindowDecision): WindowDecision {
    this.events.emit('decision', d);
    return d;
  }

  /** Checks every interval on a timer (unref'd, so it never keeps the process alive). */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.tick().catch((e) => {
        // never an unhandled 'error' event: that would crash the caller's process
        if (this.events.listenerCount('error') > 0) this.events.emit('error', e);
      });
    }, this.o.policy.intervalMs);
    this.timer.unref?.();
  }

  /** Stops the timer. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** A limit for a breach message: six significant digits, or the open end. */
function bound(x: number | undefined, open: string): string {
  return x === undefined ? open : String(Number(x.toPrecision(6)));
}
