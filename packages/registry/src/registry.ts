/**
 * The registry: models and versions over a {@link RegistryStorage}, with verified, cached loads.
 * Every change reads the document, applies a pure {@link lifecycle} function and writes it back
 * by compare-and-swap, retrying on a concurrent write, so no update is ever lost.
 *
 * @module
 */
import {
  type Clock,
  ConflictError,
  type ExportedModel,
  IntegrityError,
  type ModelImporter,
  systemClock,
} from '@x/core';
import { decodeArtifact, encodeArtifact } from './artifact.js';
import { type CacheStats, LruCache } from './cache.js';
import {
  type AuditEntry,
  emptyDocument,
  type ModelRecord,
  type RegistryDocument,
  referencedDigests,
  type Stage,
  type VersionRecord,
} from './document.js';
import { FsStorage } from './fs-storage.js';
import { checkDocument } from './internal/consistency.js';
import {
  abortCanary,
  type ChangeContext,
  getModel,
  registerVersion,
  resolveRef,
  rollbackProduction,
  setAlias,
  setStage,
  setTraffic,
  type VersionBump,
} from './lifecycle.js';
import type { RegistryStorage } from './storage.js';
import { type RegistryWatch, startWatch, type WatchListener, type WatchOptions } from './watch.js';

/** Options of {@link ModelRegistry.open}. */
export interface RegistryOptions {
  /** Time source for records and audit entries. Default: the system clock. */
  readonly clock?: Clock;
  /** The default actor recorded in audit entries. Default `'unknown'`. */
  readonly actor?: string;
  /** Byte budget of the loaded-artifact cache. Default 256 MiB. */
  readonly cacheBytes?: number;
  /** Compare-and-swap attempts before a change fails with a `ConflictError`. Default 200. */
  readonly maxAttempts?: number;
}

/** Who and why, for a change. */
export interface ChangeOptions {
  /** Who makes the change (default: the registry's actor). */
  readonly actor?: string;
  /** Why (recorded in the audit history). */
  readonly reason?: string;
}

/** The versions a rollback moved between. */
export interface RollbackResult {
  /** The production version before. */
  readonly from: string;
  /** The production version after. */
  readonly to: string;
}

/** Options of a pointer move that must apply only to the version the caller looked at. */
export interface GuardedChangeOptions extends ChangeOptions {
  /** Fail with a `ConflictError` (changing nothing) unless the pointer is at this version. */
  readonly expectedVersion?: string;
}

function guard(model: string, pointer: string, actual: string | null, expected?: string): void {
  if (expected !== undefined && actual !== expected) {
    throw new ConflictError(`${model} ${pointer} is ${actual ?? 'unset'}, not ${expected}`, {
      details: { model, pointer, actual, expected },
    });
  }
}

/** Options of {@link ModelRegistry.register}. */
export interface RegisterOptions extends ChangeOptions {
  /** An explicit semantic version; otherwise the highest existing one is bumped. */
  readonly version?: string;
  /** The automatic bump, `'minor'` by default. */
  readonly bump?: VersionBump;
  /** Evaluation metrics (finite numbers). */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Tags. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** One problem found by {@link ModelRegistry.verify}. */
export interface VerifyProblem {
  /** A short machine-readable kind (`'blob-corrupt'`, `'missing-blob'`, `'bad-artifact'`, `'pointer'`, ...). */
  readonly kind: string;
  /** What is wrong. */
  readonly message: string;
  /** The model concerned. */
  readonly model?: string;
  /** The version concerned. */
  readonly version?: string;
  /** The blob concerned. */
  readonly digest?: string;
}

/** The result of {@link ModelRegistry.verify}. */
export interface VerifyReport {
  /** True when no problem was found. */
  readonly ok: boolean;
  /** Every problem found. */
  readonly problems: readonly VerifyProblem[];
  /** Models checked. */
  readonly models: number;
  /** Versions checked. */
  readonly versions: number;
  /** Blobs checked. */
  readonly blobs: number;
  /** The metadata revision checked. */
  readonly revision: number;
}

/** The result of {@link ModelRegistry.gc}. */
export interface GcReport {
  /** Digests of the removed blobs. */
  readonly deleted: readonly string[];
}

function jitter(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(20, 1 + attempt);
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A model registry over a storage backend.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { tensor } from '@x/core';
 * import { ModelRegistry } from '@x/registry';
 *
 * const registry = await ModelRegistry.open(mkdtempSync(join(tmpdir(), 'reg-')), { actor: 'me' });
 * const model = {
 *   kind: 'demo:Linear',
 *   formatVersion: 1,
 *   config: {},
 *   tensors: { w: tensor('float32', [2], new Float32Array([1, 2])) },
 * };
 * const v1 = await registry.register('mid', model); // 1.0.0
 * await registry.setStage('mid', v1.version, 'staging');
 * await registry.promote('mid', v1.version, { reason: 'first model' });
 * const live = await registry.load('mid', 'production');
 * live.tensors.w?.get(1); // 2
 * ```
 */
export class ModelRegistry {
  /** The backend. */
  readonly storage: RegistryStorage;
  private readonly clock: Clock;
  private readonly actor: string;
  private readonly maxAttempts: number;
  private readonly cache: LruCache<ExportedModel>;
  private known: RegistryDocument = emptyDocument();

  private constructor(storage: RegistryStorage, options: RegistryOptions) {
    this.storage = storage;
    this.clock = options.clock ?? systemClock;
    this.actor = options.actor ?? 'unknown';
    this.maxAttempts = options.maxAttempts ?? 200;
    this.cache = new LruCache({ maxBytes: options.cacheBytes ?? 256 * 2 ** 20 });
  }

  /**
   * Opens a registry on a backend, or on a directory (a {@link FsStorage}).
   * @param storage - a backend or a directory path
   * @param options - clock, actor, cache budget
   */
  static async open(
    storage: RegistryStorage | string,
    options: RegistryOptions = {},
  ): Promise<ModelRegistry> {
    const s = typeof storage === 'string' ? await FsStorage.open(storage) : storage;
    const r = new ModelRegistry(s, options);
    await r.snapshot();
    return r;
  }

  /** The current document, read from storage. */
  async snapshot(): Promise<RegistryDocument> {
    const { document } = await this.storage.readMetadata();
    this.known = document;
    return document;
  }

  private ctx(o: ChangeOptions, fallback: string): ChangeContext {
    return { actor: o.actor ?? this.actor, at: this.clock.now(), reason: o.reason ?? fallback };
  }

  private async mutate<T>(
    change: (doc: RegistryDocument) => { document: RegistryDocument; result: T },
    required: readonly string[] = [],
    onMissingBlob?: () => Promise<void>,
  ): Promise<T> {
    const update = this.storage.update?.bind(this.storage);
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (update !== undefined) {
        let out: { document: RegistryDocument; result: T } | undefined;
        const r = await update((snap) => {
          this.known = snap.document;
          out = change(snap.document);
          return { document: out.document, requiredBlobs: required };
        });
        if (r.ok && out !== undefined) {
          this.known = out.document;
          return out.result;
        }
        if (!r.ok && r.reason === 'missing-blob' && onMissingBlob !== undefined)
          await onMissingBlob();
        continue;
      }
      const snap = await this.storage.readMetadata();
      this.known = snap.document;
      const { document, result } = change(snap.document);
      const r = await this.storage.compareAndSwap(snap.revision, document, required);
      if (r.ok) {
        this.known = document;
        return result;
      }
      if (r.reason === 'missing-blob' && onMissingBlob !== undefined) await onMissingBlob();
      await jitter(attempt);
    }
    throw new ConflictError(`gave up after ${this.maxAttempts} concurrent-write retries`);
  }

  /**
   * Stores a model as a new version (stage `registered`).
   * @param model - the model name
   * @param exported - the model, from its `exportModel()`
   * @param options - version or bump, metrics, tags, actor, reason
   * @returns the version's record once it is durable
   * @throws `ValidationError` for bad input; `ConflictError` when the version exists
   */
  async register(
    model: string,
    exported: ExportedModel,
    options: RegisterOptions = {},
  ): Promise<VersionRecord> {
    const bytes = encodeArtifact(exported);
    const blob = await this.storage.putBlob(bytes);
    return this.mutate(
      (doc) => {
        const { document, record } = registerVersion(
          doc,
          {
            model,
            digest: blob.digest,
            size: blob.size,
            kind: exported.kind,
            formatVersion: exported.formatVersion,
            config: exported.config,
            ...(options.version === undefined ? {} : { version: options.version }),
            ...(options.bump === undefined ? {} : { bump: options.bump }),
            ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
            ...(options.tags === undefined ? {} : { tags: options.tags }),
          },
          this.ctx(options, 'registered'),
        );
        return { document, result: record };
      },
      [blob.digest],
      async () => {
        await this.storage.putBlob(bytes);
      },
    );
  }

  /**
   * Resolves a reference (version, alias, `production`, `shadow`, `canary`, `latest`) against
   * the current document.
   * @throws `NotFoundError` when nothing matches
   */
  async resolve(model: string, ref: string): Promise<VersionRecord> {
    return resolveRef(await this.snapshot(), model, ref);
  }

  /**
   * Loads a version's model. An exact version already known is served from the cache without
   * touching storage; otherwise the artifact is read, its SHA-256 verified, and decoded into
   * zero-copy tensor views. Treat the returned tensors as read-only: they are shared.
   * @param model - the model name
   * @param ref - a version, alias or pointer; `'production'` by default
   * @throws `NotFoundError`; `IntegrityError` when the artifact is corrupt (never returned)
   */
  async load(model: string, ref = 'production'): Promise<ExportedModel> {
    // an exact version's artifact never changes: no metadata read needed once it is known
    const rec = this.known.models[model]?.versions[ref] ?? (await this.resolve(model, ref));
    const hit = this.cache.get(rec.digest);
    if (hit !== undefined) return hit;
    const bytes = await this.storage.getBlob(rec.digest);
    const exported = decodeArtifact(bytes);
    if (exported.kind !== rec.kind || exported.formatVersion !== rec.formatVersion) {
      throw new IntegrityError(`artifact of ${model}@${rec.version} does not match its record`, {
        details: { digest: rec.digest },
      });
    }
    this.cache.set(rec.digest, exported, bytes.byteLength);
    return exported;
  }

  /**
   * Loads a version and turns it into a live model with its package's importer.
   * @param model - the model name
   * @param ref - a version, alias or pointer
   * @param importer - such as `attentionLstmImporter`
   */
  async loadModel<M>(model: string, ref: string, importer: ModelImporter<M>): Promise<M> {
    return importer.importModel(await this.load(model, ref));
  }

  /** Every model, by name. */
  async listModels(): Promise<ModelRecord[]> {
    const doc = await this.snapshot();
    return Object.values(doc.models).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /**
   * One model's record.
   * @throws `NotFoundError`
   */
  async getModel(model: string): Promise<ModelRecord> {
    return getModel(await this.snapshot(), model);
  }

  /**
   * Moves a version to a stage (see {@link STAGE_TRANSITIONS}).
   * @throws `InvalidStateError` when the move is not allowed; `NotFoundError`
   */
  async setStage(
    model: string,
    version: string,
    stage: Stage,
    options: ChangeOptions = {},
  ): Promise<void> {
    await this.mutate((doc) => ({
      document: setStage(doc, model, version, stage, this.ctx(options, `to ${stage}`)),
      result: undefined,
    }));
  }

  /** Moves a staging or shadow version to production (the old one is archived and kept for rollback). */
  async promote(model: string, version: string, options: ChangeOptions = {}): Promise<void> {
    await this.setStage(model, version, 'production', options);
  }

  /**
   * Routes `percent` of traffic to a staging version (0 ends the canary).
   * @throws `ValidationError`, `InvalidStateError`, `NotFoundError`
   */
  async setTraffic(
    model: string,
    version: string,
    percent: number,
    options: ChangeOptions = {},
  ): Promise<void> {
    await this.mutate((doc) => ({
      document: setTraffic(doc, model, version, percent, this.ctx(options, `canary ${percent}%`)),
      result: undefined,
    }));
  }

  /**
   * Points an alias at a version, or removes it with `null`.
   * @throws `ValidationError`, `NotFoundError`
   */
  async setAlias(
    model: string,
    alias: string,
    version: string | null,
    options: ChangeOptions = {},
  ): Promise<void> {
    await this.mutate((doc) => ({
      document: setAlias(doc, model, alias, version, this.ctx(options, 'alias moved')),
      result: undefined,
    }));
  }

  /**
   * Returns production to the previous production version, atomically and audited.
   * @returns the versions moved from and to
   * @throws `InvalidStateError` when there is nothing to roll back to; `ConflictError` when
   *   `expectedVersion` is not the production version
   */
  async rollback(model: string, options: GuardedChangeOptions = {}): Promise<RollbackResult> {
    return this.mutate((doc) => {
      const from = getModel(doc, model).production!;
      guard(model, 'production', from, options.expectedVersion);
      const document = rollbackProduction(doc, model, this.ctx(options, 'manual rollback'));
      return { document, result: { from, to: getModel(document, model).production! } };
    });
  }

  /**
   * Ends a model's canary: all traffic to production, the canary archived.
   * @returns the aborted canary version
   * @throws `InvalidStateError` when there is no canary; `ConflictError` when `expectedVersion`
   *   is not the canary
   */
  async abortCanary(model: string, options: GuardedChangeOptions = {}): Promise<string> {
    return this.mutate((doc) => {
      const canary = getModel(doc, model).traffic?.canary ?? '';
      guard(model, 'canary', canary, options.expectedVersion);
      return {
        document: abortCanary(doc, model, this.ctx(options, 'canary aborted')),
        result: canary,
      };
    });
  }

  /**
   * The audit history, oldest first.
   * @param model - only this model's entries, when given
   */
  async history(model?: string): Promise<AuditEntry[]> {
    const doc = await this.snapshot();
    return model === undefined ? [...doc.audit] : doc.audit.filter((e) => e.model === model);
  }

  /**
   * Checks the whole store and reports every problem: each blob's SHA-256, each version's
   * artifact present and decodable with the recorded kind, pointers, stages and the audit
   * sequence consistent.
   */
  async verify(): Promise<VerifyReport> {
    const { revision, document } = await this.storage.readMetadata();
    const problems: VerifyProblem[] = [...(await this.storage.check())];
    problems.push(...checkDocument(document));
    let versions = 0;
    const seen = new Set<string>();
    for (const m of Object.values(document.models)) {
      for (const v of Object.values(m.versions)) {
        versions++;
        const where = { model: m.name, version: v.version, digest: v.digest };
        if (seen.has(v.digest) || problems.some((p) => p.digest === v.digest)) continue;
        seen.add(v.digest);
        try {
          const exported = decodeArtifact(await this.storage.getBlob(v.digest));
          if (exported.kind !== v.kind) {
            problems.push({ kind: 'bad-artifact', message: 'kind differs from record', ...where });
          }
        } catch (e) {
          const missing = (e as { code?: string }).code === 'NOT_FOUND';
          problems.push({
            kind: missing ? 'missing-blob' : 'bad-artifact',
            message: (e as Error).message,
            ...where,
          });
        }
      }
    }
    return {
      ok: problems.length === 0,
      problems,
      models: Object.keys(document.models).length,
      versions,
      blobs: (await this.storage.listBlobs()).length,
      revision,
    };
  }

  /**
   * Removes blobs no version references; safe while other processes register.
   * @param options - `minAgeMs`: keep blobs younger than this (default 0)
   */
  async gc(options: { readonly minAgeMs?: number } = {}): Promise<GcReport> {
    const deleted = await this.storage.sweepBlobs(referencedDigests, options);
    for (const d of deleted) this.cache.delete(d);
    return { deleted };
  }

  /**
   * Follows the registry's changes made by any process: calls `listener` with the current
   * document now, then after every change, within `intervalMs` of its commit (at once on a
   * backend with notifications, such as PostgreSQL). Feed a {@link Router.refresh} from it so a
   * service follows a rollback made elsewhere.
   * @param listener - the document and its revision; awaited before the next call
   * @param options - polling interval, error handler
   * @returns the watch, to close
   * @throws `ValidationError` on a bad interval
   *
   * @example
   * ```ts
   * import { mkdtempSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { ModelRegistry } from '@x/registry';
   *
   * const registry = await ModelRegistry.open(mkdtempSync(join(tmpdir(), 'reg-')));
   * const seen: number[] = [];
   * const watch = await registry.watch((_doc, revision) => void seen.push(revision), {
   *   intervalMs: 1000,
   * });
   * await watch.close();
   * seen; // [0]: the current revision, at the start
   * ```
   */
  async watch(listener: WatchListener, options: WatchOptions): Promise<RegistryWatch> {
    return startWatch(this.storage, options, (snap) => {
      this.known = snap.document;
      return listener(snap.document, snap.revision);
    });
  }

  /** The artifact cache's counters. */
  cacheStats(): CacheStats {
    return this.cache.stats();
  }

  /** Closes the backend. */
  async close(): Promise<void> {
    await this.storage.close();
  }
}
