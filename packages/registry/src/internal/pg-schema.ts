/**
 * The PostgreSQL schema of `PostgresStorage` and its versioned migrations. Each migration runs
 * once, in order, inside one transaction that first takes a transaction-scoped advisory lock on
 * the schema's name, so two processes starting at once apply it exactly once (the second waits,
 * then finds it applied). A database migrated by a newer release is refused, not guessed at.
 */
import { UnsupportedError } from '@x/core';
import type { PoolClient } from 'pg';

/** SQL of each migration, `$S` standing for the quoted schema name; index + 1 = version. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE $S.meta (
    id int PRIMARY KEY CHECK (id = 1),
    revision bigint NOT NULL,
    audit_len int NOT NULL,
    document json NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  INSERT INTO $S.meta (id, revision, audit_len, document)
    VALUES (1, 0, 0, '{"schema":1,"models":{},"audit":[]}');
  CREATE TABLE $S.blobs (
    digest text PRIMARY KEY CHECK (digest ~ '^[0-9a-f]{64}$'),
    size bigint NOT NULL CHECK (size >= 0),
    chunks int NOT NULL CHECK (chunks >= 0),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
  );
  CREATE TABLE $S.blob_chunks (
    digest text NOT NULL REFERENCES $S.blobs ON DELETE CASCADE,
    idx int NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (digest, idx)
  );
  ALTER TABLE $S.blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
  CREATE TABLE $S.audit (
    id bigserial PRIMARY KEY,
    revision bigint NOT NULL,
    seq int NOT NULL,
    at_ms bigint NOT NULL,
    actor text NOT NULL,
    model text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    from_value text,
    to_value text,
    reason text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE FUNCTION $S.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the registry audit history is append-only'; END
  $$;
  CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON $S.audit
    FOR EACH ROW EXECUTE FUNCTION $S.refuse_audit_change();
  CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON $S.audit
    FOR EACH STATEMENT EXECUTE FUNCTION $S.refuse_audit_change();
  `,
];

/** The schema version this release writes. */
const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings `schema` to {@link SCHEMA_VERSION}; `client` must be outside a transaction. */
export async function migrate(client: PoolClient, schema: string): Promise<void> {
  const s = `"${schema}"`;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `x-registry:${schema}`,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
        version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${s}.schema_migrations`,
    );
    const at = rows[0]?.v ?? 0;
    if (at > SCHEMA_VERSION) {
      throw new UnsupportedError(
        `registry schema ${schema} is at version ${at}; this release knows up to ${SCHEMA_VERSION}`,
        { details: { schema, version: at, known: SCHEMA_VERSION } },
      );
    }
    for (let v = at + 1; v <= SCHEMA_VERSION; v++) {
      await client.query(MIGRATIONS[v - 1]!.replaceAll('$S', s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version) VALUES ($1)`, [v]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
