/**
 * Per-version serving metrics, exported with `prom-client` into a registry the caller passes in
 * (never the global one; no default metrics), and kept in windows for the rollback controller.
 *
 * Names follow Prometheus conventions (prefix `x_registry_` by default): counters end in
 * `_total`, durations are `_seconds` histograms, ratios are 0-1 gauges; labels `model`,
 * `version`.
 *
 * | metric | type |
 * | --- | --- |
 * | `requests_total`, `errors_total` | counter |
 * | `request_duration_seconds` | histogram |
 * | `model_loss` | gauge: the last loss or score the caller reported |
 * | `shadow_requests_total`, `shadow_errors_total` | counter |
 * | `shadow_duration_seconds` | histogram |
 * | `shadow_agreement_ratio` | gauge: agreeing / compared shadow answers |
 * | `rollbacks_total` | counter (label `model`) |
 *
 * prom-client's labelled `inc()` and `observe()` cost about 0.5 and 1.3 µs each, too slow for
 * the serving path, so a request is recorded into typed arrays and folded into the prom-client
 * metrics when the registry is scraped (each metric's `collect` hook), or when 65 536
 * observations are pending: counts and sums are exact either way.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Options of {@link ModelMetrics}. */
export interface ModelMetricsOptions {
  /** The prom-client registry to register into (yours, not the global one). */
  readonly registry: Registry;
  /** Metric name prefix, `'x_registry_'` by default. */
  readonly prefix?: string;
  /** Latency histogram buckets in seconds. */
  readonly latencyBuckets?: readonly number[];
  /** Latency samples kept per window for percentiles (reservoir sampling beyond). Default 4096. */
  readonly windowSamples?: number;
}

/** What a version served during one window (see {@link VersionMetrics.drainWindow}). */
export interface WindowStats {
  /** Requests answered (successfully or not). */
  readonly requests: number;
  /** Requests that threw. */
  readonly errors: number;
  /** Latency samples in seconds, sorted ascending (all of them, or a uniform sample). */
  readonly latencies: Float64Array;
  /** Sum of reported losses. */
  readonly lossSum: number;
  /** Number of reported losses. */
  readonly lossCount: number;
  /** Shadow answers compared with the primary. */
  readonly shadowCompared: number;
  /** Of those, how many agreed. */
  readonly shadowAgreed: number;
  /** Shadow calls that threw. */
  readonly shadowErrors: number;
}

const PENDING = 65_536;

const DEFAULT_BUCKETS = [
  0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** The prom-client series of one model version. */
export interface VersionSeries {
  /** `requests_total`. */
  readonly requests: Counter.Internal;
  /** `errors_total`. */
  readonly errors: Counter.Internal;
  /** `request_duration_seconds`. */
  readonly latency: Histogram.Internal<'model' | 'version'>;
  /** `model_loss`. */
  readonly loss: Gauge.Internal<'model' | 'version'>;
  /** `shadow_requests_total`. */
  readonly shadowRequests: Counter.Internal;
  /** `shadow_errors_total`. */
  readonly shadowErrors: Counter.Internal;
  /** `shadow_duration_seconds`. */
  readonly shadowLatency: Histogram.Internal<'model' | 'version'>;
  /** `shadow_agreement_ratio`. */
  readonly agreement: Gauge.Internal<'model' | 'version'>;
}

/** The metrics of one model version: fast, allocation-free recording. */
export class VersionMetrics {
  /** The model. */
  readonly model: string;
  /** The version. */
  readonly version: string;
  private readonly c: VersionSeries;
  private readonly samples: Float64Array;
  private readonly pending = new Float64Array(PENDING);
  private readonly pendingShadow = new Float64Array(PENDING);
  private pendingN = 0;
  private pendingShadowN = 0;
  private pendingErrors = 0;
  private pendingShadowErrors = 0;
  private n = 0;
  private requests = 0;
  private errors = 0;
  private lossSum = 0;
  private lossCount = 0;
  private shadowCompared = 0;
  private shadowAgreed = 0;
  private shadowErrors = 0;
  private totalCompared = 0;
  private totalAgreed = 0;
  private seen = 0;
  private rng = 0x9e3779b9;
  /** Requests since this handle was made. */
  totalRequests = 0;

  /** @internal */
  constructor(model: string, version: string, children: VersionSeries, samples: number) {
    this.model = model;
    this.version = version;
    this.c = children;
    this.samples = new Float64Array(samples);
  }

  private sample(seconds: number): void {
    this.seen++;
    if (this.n < this.samples.length) {
      this.samples[this.n++] = seconds;
      return;
    }
    // reservoir sampling (Vitter's algorithm R) with an xorshift32 generator
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    const j = this.rng % this.seen;
    if (j < this.samples.length) this.samples[j] = seconds;
  }

  /**
   * Records one answered request.
   * @param seconds - its latency
   * @param ok - false when it threw
   */
  request(seconds: number, ok: boolean): void {
    this.requests++;
    this.totalRequests++;
    this.sample(seconds);
    if (!ok) {
      this.errors++;
      this.pendingErrors++;
    }
    this.pending[this.pendingN++] = seconds;
    if (this.pendingN === PENDING) this.flush();
  }

  /**
   * Records a loss or score the caller computed for this version (such as squared error once
   * the outcome is known).
   * @param value - a finite number
   * @throws `ValidationError` when it is not finite
   */
  loss(value: number): void {
    if (!Number.isFinite(value)) {
      throw new ValidationError('loss must be finite', { field: 'loss', value });
    }
    this.lossSum += value;
    this.lossCount++;
    this.c.loss.set(value);
  }

  /**
   * Records one shadow call.
   * @param seconds - its latency
   * @param ok - false when it threw
   * @param agreed - whether its answer agreed with the primary's (undefined when not compared)
   */
  shadow(seconds: number, ok: boolean, agreed: boolean | undefined): void {
    if (!ok) {
      this.shadowErrors++;
      this.pendingShadowErrors++;
    }
    if (agreed !== undefined) {
      this.shadowCompared++;
      this.totalCompared++;
      if (agreed) {
        this.shadowAgreed++;
        this.totalAgreed++;
      }
    }
    this.pendingShadow[this.pendingShadowN++] = seconds;
    if (this.pendingShadowN === PENDING) this.flush();
  }

  /** Folds what was recorded since the last flush into the prom-client metrics. */
  flush(): void {
    const c = this.c;
    if (this.pendingN > 0) c.requests.inc(this.pendingN);
    if (this.pendingErrors > 0) c.errors.inc(this.pendingErrors);
    for (let i = 0; i < this.pendingN; i++) c.latency.observe(this.pending[i]!);
    if (this.pendingShadowN > 0) c.shadowRequests.inc(this.pendingShadowN);
    if (this.pendingShadowErrors > 0) c.shadowErrors.inc(this.pendingShadowErrors);
    for (let i = 0; i < this.pendingShadowN; i++) c.shadowLatency.observe(this.pendingShadow[i]!);
    if (this.totalCompared > 0) c.agreement.set(this.totalAgreed / this.totalCompared);
    this.pendingN = this.pendingErrors = this.pendingShadowN = this.pendingShadowErrors = 0;
  }

  /** The window so far, and a new window started. */
  drainWindow(): WindowStats {
    const latencies = this.samples.slice(0, this.n).sort();
    const w: WindowStats = {
      requests: this.requests,
      errors: this.errors,
      latencies,
      lossSum: this.lossSum,
      lossCount: this.lossCount,
      shadowCompared: this.shadowCompared,
      shadowAgreed: this.shadowAgreed,
      shadowErrors: this.shadowErrors,
    };
    this.n = 0;
    this.seen = 0;
    this.requests = 0;
    this.errors = 0;
    this.lossSum = 0;
    this.lossCount = 0;
    this.shadowCompared = 0;
    this.shadowAgreed = 0;
    this.shadowErrors = 0;
    return w;
  }
}

/**
 * The registry's Prometheus metrics, with one {@link VersionMetrics} handle per model version.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { ModelMetrics } from '@x/registry';
 *
 * const prom = new Registry();
 * const metrics = new ModelMetrics({ registry: prom });
 * metrics.forVersion('mid', '1.0.0').request(0.002, true);
 * const text = await prom.metrics(); // includes x_registry_requests_total{model="mid",version="1.0.0"} 1
 * ```
 */
export class ModelMetrics {
  private readonly requests: Counter<'model' | 'version'>;
  private readonly errors: Counter<'model' | 'version'>;
  private readonly latency: Histogram<'model' | 'version'>;
  private readonly lossGauge: Gauge<'model' | 'version'>;
  private readonly shadowRequests: Counter<'model' | 'version'>;
  private readonly shadowErrors: Counter<'model' | 'version'>;
  private readonly shadowLatency: Histogram<'model' | 'version'>;
  private readonly agreement: Gauge<'model' | 'version'>;
  private readonly rollbacks: Counter<'model'>;
  private readonly handles = new Map<string, VersionMetrics>();
  private readonly windowSamples: number;

  /** @param options - the caller's prom-client registry, prefix, buckets */
  constructor(options: ModelMetricsOptions) {
    const p = options.prefix ?? 'x_registry_';
    const registers = [options.registry];
    const collect = () => {
      for (const h of this.handles.values()) h.flush();
    };
    const labelNames = ['model', 'version'] as const;
    const buckets = [...(options.latencyBuckets ?? DEFAULT_BUCKETS)];
    this.windowSamples = options.windowSamples ?? 4096;
    const common = { labelNames, collect, registers };
    const counter = (name: string, help: string) =>
      new Counter({ name: p + name, help, ...common });
    const gauge = (name: string, help: string) => new Gauge({ name: p + name, help, ...common });
    const histogram = (name: string, help: string) =>
      new Histogram({ name: p + name, help, buckets, ...common });
    this.requests = counter('requests_total', 'Requests answered by a model version.');
    this.errors = counter('errors_total', 'Requests for which a model version threw.');
    this.latency = histogram('request_duration_seconds', 'Time a model version took to answer.');
    this.lossGauge = gauge('model_loss', 'The last loss or score reported for a model version.');
    this.shadowRequests = counter(
      'shadow_requests_total',
      'Copies of requests sent to a shadow version.',
    );
    this.shadowErrors = counter(
      'shadow_errors_total',
      'Shadow calls that threw (never surfaced to the caller).',
    );
    this.shadowLatency = histogram(
      'shadow_duration_seconds',
      'Time a shadow version took to answer.',
    );
    this.agreement = gauge(
      'shadow_agreement_ratio',
      'Fraction of shadow answers that agreed with the primary answer (0-1).',
    );
    this.rollbacks = new Counter({
      name: `${p}rollbacks_total`,
      help: 'Automatic and manual rollbacks of a model.',
      labelNames: ['model'],
      collect,
      registers,
    });
  }

  private children(model: string, version: string): VersionSeries {
    return {
      requests: this.requests.labels(model, version),
      errors: this.errors.labels(model, version),
      latency: this.latency.labels(model, version),
      loss: this.lossGauge.labels(model, version),
      shadowRequests: this.shadowRequests.labels(model, version),
      shadowErrors: this.shadowErrors.labels(model, version),
      shadowLatency: this.shadowLatency.labels(model, version),
      agreement: this.agreement.labels(model, version),
    };
  }

  /**
   * The handle of one version (the same object on every call).
   * @param model - the model
   * @param version - the version
   */
  forVersion(model: string, version: string): VersionMetrics {
    const key = `${model}\u0000${version}`;
    let h = this.handles.get(key);
    if (h === undefined) {
      h = new VersionMetrics(model, version, this.children(model, version), this.windowSamples);
      this.handles.set(key, h);
    }
    return h;
  }

  /**
   * Counts a rollback of a model.
   * @param model - the model
   */
  rollback(model: string): void {
    this.rollbacks.labels(model).inc();
  }
}
