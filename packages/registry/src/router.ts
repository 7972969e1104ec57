/**
 * Request routing between a model's production version, its canary and its shadow.
 *
 * - With a request key (an account, a symbol, a session), the key's hash bucket decides:
 *   bucket < percent × 100 of 10 000 buckets goes to the canary, so the same key always gets the
 *   same version and raising the percentage keeps every key already in the canary.
 * - Without a key, requests are split at random in the same proportion.
 * - With a shadow version, every request is copied to it after the primary answer is computed
 *   (on `setImmediate`): its errors and latency are recorded, never surfaced, and its answer is
 *   compared with the primary's for the agreement metric.
 *
 * @module
 */
import { type ExportedModel, InvalidStateError } from '@x/core';
import type { ModelMetrics, VersionMetrics } from './metrics.js';
import type { ModelRegistry } from './registry.js';

/** Number of hash buckets: canary percentages resolve to 0.01 %. */
export const CANARY_BUCKETS = 10_000;

/**
 * The canary bucket of a request key: FNV-1a (32-bit) over the salt then the key's UTF-16 code
 * units, modulo {@link CANARY_BUCKETS}. Deterministic across processes and platforms.
 * @param key - the request key
 * @param salt - per-model salt, so models split independently
 * @returns a bucket in [0, 10 000)
 *
 * @example
 * ```ts
 * import { canaryBucket } from '@x/registry';
 *
 * const b = canaryBucket('account-42', 'mid');
 * b === canaryBucket('account-42', 'mid'); // true: always the same bucket
 * ```
 */
export function canaryBucket(key: string, salt = ''): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < salt.length; i++) h = Math.imul(h ^ salt.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0x1f, 0x01000193); // separator, so ('ab','c') differs from ('a','bc')
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % CANARY_BUCKETS;
}

/** Where a request went (`'shadow'` for the shadow copy). */
export type RouteRole = 'production' | 'canary' | 'shadow';

/** A routing target: a loaded version. */
export interface RouteTarget<M> {
  /** The version. */
  readonly version: string;
  /** Production or canary. */
  readonly role: RouteRole;
  /** The live model. */
  readonly model: M;
  /** Its metrics handle, when the router has metrics. */
  readonly metrics: VersionMetrics | undefined;
}

/** Options of {@link Router.create}. */
export interface RouterOptions<M, I, O> {
  /** The registry to read pointers and artifacts from. */
  readonly registry: ModelRegistry;
  /** The model name. */
  readonly model: string;
  /** Turns an artifact into a live model (such as `attentionLstmImporter.importModel`). */
  readonly load: (exported: ExportedModel) => M;
  /** Answers one request with one model; may throw. */
  readonly predict: (model: M, input: I) => O;
  /** Whether a shadow answer agrees with the primary one. Default: `Object.is`, or element-wise for arrays. */
  readonly agree?: (primary: O, shadow: O) => boolean;
  /** Metrics to record into. */
  readonly metrics?: ModelMetrics;
  /** Uniform [0, 1) source for keyless requests. Default `Math.random`. */
  readonly random?: () => number;
  /** High-resolution time in milliseconds for latencies. Default `performance.now`. */
  readonly now?: () => number;
  /** Hash salt; the model name by default. */
  readonly salt?: string;
}

function defaultAgree(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => defaultAgree(v, b[i]));
  }
  return false;
}

/**
 * Routes requests for one model by the registry's production, canary and shadow pointers.
 * Call {@link Router.refresh} to pick up pointer moves (the rollback controller does so after
 * a rollback).
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { tensor } from '@x/core';
 * import { ModelRegistry, Router } from '@x/registry';
 *
 * const registry = await ModelRegistry.open(mkdtempSync(join(tmpdir(), 'reg-')));
 * const linear = (w: number) => ({
 *   kind: 'demo:Scale', formatVersion: 1, config: {},
 *   tensors: { w: tensor('float64', [1], new Float64Array([w])) },
 * });
 * for (const w of [1, 2]) {
 *   const v = await registry.register('scale', linear(w));
 *   await registry.setStage('scale', v.version, 'staging');
 * }
 * await registry.promote('scale', '1.0.0');
 * await registry.setTraffic('scale', '1.1.0', 10);
 * const router = await Router.create({
 *   registry,
 *   model: 'scale',
 *   load: (m) => (m.tensors.w!.data as Float64Array)[0]!,
 *   predict: (w: number, x: number) => w * x,
 * });
 * router.route('account-7').version; // the same version for this key on every call
 * router.predict(3, 'account-7'); // 3 or 6
 * ```
 */
export class Router<M, I, O> {
  private readonly opts: RouterOptions<M, I, O>;
  private readonly salt: string;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly agree: (a: O, b: O) => boolean;
  private readonly loaded = new Map<string, M>();
  private production: RouteTarget<M> | null = null;
  private canary: RouteTarget<M> | null = null;
  private shadow: RouteTarget<M> | null = null;
  private threshold = 0;
  private percent = 0;

  private constructor(opts: RouterOptions<M, I, O>) {
    this.opts = opts;
    this.salt = opts.salt ?? opts.model;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? (() => performance.now());
    this.agree = opts.agree ?? defaultAgree;
  }

  /**
   * A router with the registry's current pointers loaded.
   * @param options - registry, model, load and predict functions, metrics
   */
  static async create<M, I, O>(options: RouterOptions<M, I, O>): Promise<Router<M, I, O>> {
    const r = new Router(options);
    await r.refresh();
    return r;
  }

  private async target(version: string, role: RouteRole): Promise<RouteTarget<M>> {
    let m = this.loaded.get(version);
    if (m === undefined) {
      m = this.opts.load(await this.opts.registry.load(this.opts.model, version));
      this.loaded.set(version, m);
    }
    const metrics = this.opts.metrics?.forVersion(this.opts.model, version);
    return { version, role, model: m, metrics };
  }

  /** Re-reads the model's pointers and loads any new version; in-flight requests are unaffected. */
  async refresh(): Promise<void> {
    const rec = await this.opts.registry.getModel(this.opts.model);
    const production =
      rec.production === null ? null : await this.target(rec.production, 'production');
    const canary = rec.traffic === null ? null : await this.target(rec.traffic.canary, 'canary');
    const shadow = rec.shadow === null ? null : await this.target(rec.shadow, 'shadow');
    // swap all at once
    this.production = production;
    this.canary = canary;
    this.shadow = shadow;
    this.percent = rec.traffic?.percent ?? 0;
    this.threshold = Math.round(this.percent * (CANARY_BUCKETS / 100));
    const keep = new Set([rec.production, rec.traffic?.canary, rec.shadow]);
    for (const v of this.loaded.keys()) if (!keep.has(v)) this.loaded.delete(v);
  }

  /** The current canary percentage (0 without a canary). */
  get canaryPercent(): number {
    return this.percent;
  }

  /** The shadow version, or null. */
  get shadowVersion(): string | null {
    return this.shadow?.version ?? null;
  }

  /**
   * The version that serves a request: by the key's bucket, or at random without a key.
   * @param key - the request key
   * @throws `InvalidStateError` when the model has no production version
   */
  route(key?: string): RouteTarget<M> {
    const p = this.production;
    if (p === null) throw new InvalidStateError(`${this.opts.model} has no production version`);
    const c = this.canary;
    if (c === null) return p;
    if (key === undefined) return this.random() * 100 < this.percent ? c : p;
    return canaryBucket(key, this.salt) < this.threshold ? c : p;
  }

  /**
   * Answers a request with the routed version, records its metrics, and copies it to the shadow
   * version afterwards (never delaying or changing this answer).
   * @param input - the request
   * @param key - the request key, for sticky canary assignment
   * @returns the primary answer
   * @throws whatever the primary model throws (recorded as an error first)
   */
  predict(input: I, key?: string): O {
    const t = this.route(key);
    const start = this.now();
    let out: O;
    try {
      out = this.opts.predict(t.model, input);
    } catch (e) {
      t.metrics?.request((this.now() - start) / 1000, false);
      throw e;
    }
    t.metrics?.request((this.now() - start) / 1000, true);
    const s = this.shadow;
    if (s !== null) setImmediate(() => this.runShadow(s, input, out));
    return out;
  }

  private runShadow(s: RouteTarget<M>, input: I, primary: O): void {
    const start = this.now();
    let answer: O;
    try {
      answer = this.opts.predict(s.model, input);
    } catch {
      s.metrics?.shadow((this.now() - start) / 1000, false, undefined);
      return;
    }
    const seconds = (this.now() - start) / 1000;
    let agreed: boolean | undefined;
    try {
      agreed = this.agree(primary, answer);
    } catch {
      agreed = undefined;
    }
    s.metrics?.shadow(seconds, true, agreed);
  }
}
