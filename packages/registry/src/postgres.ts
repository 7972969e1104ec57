/**
 * `@x/registry/postgres`: the registry in PostgreSQL, so a team's machines share one production
 * pointer, one audit history and one rollback. Needs the optional peer dependency `pg`.
 *
 * Tables, in a schema of their own (`x_registry` by default), created and migrated on connect
 * (versioned migrations under `pg_advisory_xact_lock`, safe when several processes start at once):
 *
 * - `meta`: one row, the registry document (`json`) and its revision. A compare-and-swap is one
 *   transaction that takes the row lock (`SELECT ... FOR UPDATE`), checks the revision, locks the
 *   required blobs (`FOR SHARE`, so a sweep cannot delete them underneath), writes the document,
 *   appends the new audit entries and sends a `NOTIFY`. The registry's changes go through
 *   {@link PostgresStorage.update} instead: the row is locked and read in one round trip, the
 *   change computed on it and written in the same transaction, so concurrent writers queue on
 *   the row lock (none retries), no update is lost and no version number is handed out twice.
 * - `audit`: the audit history as rows, append-only (a trigger refuses UPDATE, DELETE and
 *   TRUNCATE), each row tagged with the revision that committed it.
 * - `blobs` + `blob_chunks`: artifacts by SHA-256, in 1 MiB `bytea` rows written in one
 *   transaction; every read fetches chunk by chunk into one buffer and verifies the digest.
 *
 * @module
 */
import { IntegrityError, ValidationError } from '@x/core';
import pg from 'pg';
import { emptyDocument, type RegistryDocument } from './document.js';
import { insertBlob, readBlob, sha256Hex } from './internal/pg-blobs.js';
import { wrapConnectionError } from './internal/pg-errors.js';
import { listen } from './internal/pg-listen.js';
import { migrate } from './internal/pg-schema.js';
import {
  assertDigest,
  type BlobInfo,
  type CasResult,
  type MetadataSnapshot,
  type RegistryStorage,
  type StorageProblem,
  type SweepOptions,
} from './storage.js';

export { StorageUnavailableError } from './errors.js';

/** Options of {@link PostgresStorage.connect}. */
export interface PostgresStorageOptions {
  /** The schema holding the registry's tables (created if needed). Default `'x_registry'`. */
  readonly schema?: string;
  /** Pool size. Default 10. */
  readonly maxConnections?: number;
  /** How long to wait for a connection before failing with `StorageUnavailableError`. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Size of a blob chunk row in bytes. Default 256 KiB. */
  readonly chunkBytes?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

interface LockedMeta {
  readonly revision: string;
  readonly audit_len: number;
  readonly document?: RegistryDocument;
}
const DATABASE_URL_SCHEMA = /^postgres(ql)?:\/\/.*[?&]schema=/;

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres (unparsable connection string)';
  }
}

/**
 * A {@link RegistryStorage} in PostgreSQL, over a `pg` connection pool, safe for any number of
 * processes on any number of machines.
 *
 * A request that meets a lost or refused connection rejects with a `StorageUnavailableError`
 * (the broken connection is discarded; the next request reconnects). A write that fails that
 * way is either committed whole or not at all: no half-written version or blob is ever visible.
 *
 * @example
 * ```ts
 * // not run: needs a PostgreSQL server
 * import { ModelRegistry } from '@x/registry';
 * import { PostgresStorage } from '@x/registry/postgres';
 *
 * const storage = await PostgresStorage.connect('postgres://registry@db.internal/models');
 * const registry = await ModelRegistry.open(storage, { actor: 'trainer-3' });
 * ```
 */
export class PostgresStorage implements RegistryStorage {
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly s: string;
  private readonly channel: string;
  private readonly chunkBytes: number;
  private readonly config: pg.ClientConfig;

  private constructor(config: pg.ClientConfig, schema: string, options: PostgresStorageOptions) {
    this.config = config;
    this.location = `${redact(config.connectionString ?? '')} (schema ${schema})`;
    this.s = `"${schema}"`;
    this.channel = `x_registry_${schema}`;
    this.chunkBytes = options.chunkBytes ?? 2 ** 18;
    this.pool = new pg.Pool({ ...config, max: options.maxConnections ?? 10 });
    // a pooled client whose connection drops: the pool discards it; never crash the process
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (c) => c.on('error', () => undefined));
  }

  /**
   * Connects, and creates or migrates the registry's schema.
   * @param url - a connection string, `postgres://user:password@host:port/database`; a
   *   `schema=NAME` query parameter picks the schema when `options.schema` does not
   * @param options - schema, pool size, connect timeout, chunk size
   * @throws `StorageUnavailableError` when the server cannot be reached; `ValidationError` for
   *   a bad schema name or chunk size; `UnsupportedError` when the schema was migrated by a
   *   newer release
   */
  static async connect(
    url: string,
    options: PostgresStorageOptions = {},
  ): Promise<PostgresStorage> {
    let connectionString = url;
    let schema = options.schema ?? 'x_registry';
    if (DATABASE_URL_SCHEMA.test(url)) {
      const u = new URL(url);
      schema = options.schema ?? u.searchParams.get('schema') ?? schema;
      u.searchParams.delete('schema');
      connectionString = u.toString();
    }
    if (!SCHEMA_NAME.test(schema)) {
      throw new ValidationError('schema must be a lowercase identifier of at most 48 characters', {
        field: 'schema',
        value: schema,
      });
    }
    const chunk = options.chunkBytes;
    if (chunk !== undefined && !(Number.isInteger(chunk) && chunk >= 1024 && chunk <= 2 ** 28)) {
      throw new ValidationError('chunkBytes must be an integer in [1024, 2^28]', {
        field: 'chunkBytes',
        value: chunk,
      });
    }
    const config = {
      connectionString,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    };
    const storage = new PostgresStorage(config, schema, options);
    try {
      await storage.run((c) => migrate(c, schema));
    } catch (e) {
      await storage.pool.end().catch(() => undefined);
      throw e;
    }
    return storage;
  }

  /** Runs `fn` on a pooled client, mapping connection failures to `StorageUnavailableError`. */
  private async run<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw wrapConnectionError(e, this.location);
    }
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (e) {
      const wrapped = wrapConnectionError(e, this.location);
      if (wrapped !== e) broken = e as Error;
      throw wrapped;
    } finally {
      client.release(broken);
    }
  }

  /** Runs `fn` in a transaction (rolled back when it throws). */
  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>, mode = 'BEGIN'): Promise<T> {
    return this.run(async (c) => {
      await c.query(mode);
      try {
        const out = await fn(c);
        await c.query('COMMIT');
        return out;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  async putBlob(bytes: Uint8Array): Promise<BlobInfo> {
    const digest = sha256Hex(bytes);
    const info = { digest, size: bytes.byteLength };
    if (await this.hasBlob(digest)) return info;
    await this.tx((c) => insertBlob(c, this.s, digest, bytes, this.chunkBytes));
    return info;
  }

  async getBlob(digest: string): Promise<Uint8Array> {
    assertDigest(digest);
    // one snapshot: a concurrent sweep cannot remove chunks halfway through the read
    return this.tx(
      (c) => readBlob(c, this.s, digest),
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  async hasBlob(digest: string): Promise<boolean> {
    assertDigest(digest);
    return this.run(async (c) => {
      const r = await c.query(`SELECT 1 FROM ${this.s}.blobs WHERE digest = $1`, [digest]);
      return r.rowCount === 1;
    });
  }

  async listBlobs(): Promise<BlobInfo[]> {
    return this.run(async (c) => {
      const r = await c.query<{ digest: string; size: string }>(
        `SELECT digest, size FROM ${this.s}.blobs ORDER BY digest COLLATE "C"`,
      );
      return r.rows.map((row) => ({ digest: row.digest, size: Number(row.size) }));
    });
  }

  async readMetadata(): Promise<MetadataSnapshot> {
    return this.run(async (c) => {
      const r = await c.query<{ revision: string; document: RegistryDocument }>(
        `SELECT revision, document FROM ${this.s}.meta WHERE id = 1`,
      );
      const row = r.rows[0];
      if (row === undefined) throw new IntegrityError(`${this.location}: the metadata row is gone`);
      const revision = Number(row.revision);
      return { revision, document: revision === 0 ? emptyDocument() : row.document };
    });
  }

  async compareAndSwap(
    expectedRevision: number,
    document: RegistryDocument,
    requiredBlobs: readonly string[],
  ): Promise<CasResult> {
    const text = JSON.stringify(document);
    // four round trips: BEGIN + row lock, blob check, update, audit + NOTIFY + COMMIT
    return this.run(async (c) => {
      try {
        return await this.swapIn(c, expectedRevision, text, document, requiredBlobs);
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  /**
   * The read-modify-write the registry uses: the metadata row is locked and read in the same
   * round trip as BEGIN, `change` runs on it, and the result is written as by
   * {@link PostgresStorage.compareAndSwap}. Concurrent writers wait on the row lock; none retries.
   * @param change - the new document and the blobs it needs, from the current snapshot
   */
  async update(
    change: (snapshot: MetadataSnapshot) => {
      readonly document: RegistryDocument;
      readonly requiredBlobs: readonly string[];
    },
  ): Promise<CasResult> {
    return this.run(async (c) => {
      try {
        const locked = await this.lockMeta(c, ', document');
        const revision = Number(locked.revision);
        const { document, requiredBlobs } = change({
          revision,
          document: revision === 0 ? emptyDocument() : locked.document!,
        });
        return await this.swapLocked(c, locked, JSON.stringify(document), document, requiredBlobs);
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  /** BEGIN and the metadata row lock, in one round trip. */
  private async lockMeta(c: pg.PoolClient, extra = ''): Promise<LockedMeta> {
    const results = (await c.query(
      `BEGIN; SELECT revision, audit_len${extra} FROM ${this.s}.meta WHERE id = 1 FOR UPDATE`,
    )) as unknown as pg.QueryResult<LockedMeta>[];
    const row = results[1]?.rows[0];
    if (row === undefined) throw new IntegrityError(`${this.location}: the metadata row is gone`);
    return row;
  }

  private async swapIn(
    c: pg.PoolClient,
    expectedRevision: number,
    text: string,
    document: RegistryDocument,
    requiredBlobs: readonly string[],
  ): Promise<CasResult> {
    const locked = await this.lockMeta(c);
    const current = Number(locked.revision);
    if (current !== expectedRevision) {
      await c.query('ROLLBACK');
      return { ok: false, reason: 'revision', currentRevision: current } as const;
    }
    return this.swapLocked(c, locked, text, document, requiredBlobs);
  }

  /** In a transaction holding the metadata row lock: blob check, write, audit, NOTIFY, COMMIT. */
  private async swapLocked(
    c: pg.PoolClient,
    locked: LockedMeta,
    text: string,
    document: RegistryDocument,
    requiredBlobs: readonly string[],
  ): Promise<CasResult> {
    const current = Number(locked.revision);
    if (requiredBlobs.length > 0) {
      const found = await c.query<{ digest: string }>(
        `SELECT digest FROM ${this.s}.blobs WHERE digest = ANY($1::text[]) FOR SHARE`,
        [requiredBlobs],
      );
      const have = new Set(found.rows.map((r) => r.digest));
      const missing = requiredBlobs.find((d) => !have.has(d));
      if (missing !== undefined) {
        await c.query('ROLLBACK');
        return {
          ok: false,
          reason: 'missing-blob',
          currentRevision: current,
          digest: missing,
        } as const;
      }
    }
    const revision = current + 1;
    await c.query(
      `UPDATE ${this.s}.meta SET revision = $1, audit_len = $2, document = $3, updated_at = now()
         WHERE id = 1`,
      [revision, document.audit.length, text],
    );
    const added = document.audit.slice(locked.audit_len);
    if (added.length > 0) {
      await c.query(
        `INSERT INTO ${this.s}.audit
             (revision, seq, at_ms, actor, model, action, target, from_value, to_value, reason)
           SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[],
             $7::text[], $8::text[], $9::text[], $10::text[])`,
        [
          revision,
          added.map((e) => e.seq),
          added.map((e) => e.at),
          added.map((e) => e.actor),
          added.map((e) => e.model),
          added.map((e) => e.action),
          added.map((e) => e.target),
          added.map((e) => e.from),
          added.map((e) => e.to),
          added.map((e) => e.reason),
        ],
      );
    }
    // channel: a checked identifier; revision: an integer (simple queries take no parameters)
    await c.query(`SELECT pg_notify('${this.channel}', '${revision}'); COMMIT`);
    return { ok: true, revision } as const;
  }

  async sweepBlobs(
    referenced: (document: RegistryDocument) => ReadonlySet<string>,
    options: SweepOptions = {},
  ): Promise<string[]> {
    return this.tx(async (c) => {
      const r = await c.query<{ document: RegistryDocument; revision: string }>(
        `SELECT revision, document FROM ${this.s}.meta WHERE id = 1 FOR UPDATE`,
      );
      const doc = Number(r.rows[0]!.revision) === 0 ? emptyDocument() : r.rows[0]!.document;
      const keep = [...referenced(doc)];
      const del = await c.query<{ digest: string }>(
        `DELETE FROM ${this.s}.blobs
         WHERE digest <> ALL($1::text[])
           AND created_at <= clock_timestamp() - make_interval(secs => $2::float8 / 1000)
         RETURNING digest`,
        [keep, options.minAgeMs ?? 0],
      );
      return del.rows.map((row) => row.digest).sort();
    });
  }

  /**
   * Every row of the append-only audit table, oldest first: the history as committed, kept
   * even when a document is replaced wholesale.
   * @returns the entries with the revision that committed each
   */
  async auditLog(): Promise<(RegistryDocument['audit'][number] & { revision: number })[]> {
    return this.run(async (c) => {
      const r = await c.query<Record<string, string | number | null>>(
        `SELECT revision, seq, at_ms, actor, model, action, target, from_value, to_value, reason
         FROM ${this.s}.audit ORDER BY id`,
      );
      return r.rows.map((row) => ({
        revision: Number(row.revision),
        seq: Number(row.seq),
        at: Number(row.at_ms),
        actor: String(row.actor),
        model: String(row.model),
        action: row.action as RegistryDocument['audit'][number]['action'],
        target: String(row.target),
        from: row.from_value === null ? null : String(row.from_value),
        to: row.to_value === null ? null : String(row.to_value),
        reason: String(row.reason),
      }));
    });
  }

  async check(): Promise<StorageProblem[]> {
    const problems: StorageProblem[] = [];
    try {
      await this.readMetadata();
    } catch (e) {
      problems.push({ kind: 'metadata-unreadable', message: (e as Error).message });
    }
    for (const { digest } of await this.listBlobs()) {
      try {
        await this.getBlob(digest);
      } catch (e) {
        if ((e as { code?: string }).code === 'NOT_FOUND') continue; // swept meanwhile
        if ((e as { code?: string }).code === 'UNAVAILABLE') throw e;
        problems.push({
          kind: IntegrityError.isInstance(e) ? 'blob-corrupt' : 'blob-unreadable',
          digest,
          message: (e as Error).message,
        });
      }
    }
    return problems;
  }

  /**
   * Calls `onChange` after every committed metadata change (from any process), through
   * `LISTEN`/`NOTIFY` on a dedicated connection that reconnects by itself; also called once
   * after each reconnect, since notifications sent meanwhile are lost.
   * @param onChange - called with no argument; read the metadata to see what changed
   * @returns a function that stops listening
   */
  async subscribe(onChange: () => void): Promise<() => Promise<void>> {
    return listen(this.config, this.channel, onChange);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
