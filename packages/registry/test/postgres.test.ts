/**
 * PostgresStorage against a real server: the storage conformance suite unchanged, migrations
 * racing, the append-only audit table, connection failures as typed errors.
 */
import { describe, expect, it } from 'vitest';
import { ModelRegistry, StorageUnavailableError } from '../src/index.js';
import { PostgresStorage } from '../src/postgres.js';
import { storageConformance } from '../src/testing.js';
import { tinyModel } from './models.js';
import { freshSchema, PG_URL, pgMissing, sql } from './pg.js';

const skip = pgMissing('postgres storage tests');

describe.skipIf(skip)('PostgresStorage conformance', () => {
  const schemaOf = new WeakMap<object, string>();
  for (const c of storageConformance({
    create: async () => {
      const schema = freshSchema('conf');
      const s = await PostgresStorage.connect(PG_URL!, { schema, maxConnections: 4 });
      schemaOf.set(s, schema);
      return s;
    },
    reopen: async (s) => PostgresStorage.connect(PG_URL!, { schema: schemaOf.get(s)! }),
    corrupt: async (s, digest) => {
      await sql(
        `UPDATE "${schemaOf.get(s)}".blob_chunks SET data = set_byte(data, 0, get_byte(data, 0) # 1)
         WHERE digest = $1 AND idx = 0`,
        [digest],
      );
    },
  })) {
    it(c.name, c.run);
  }
});

describe.skipIf(skip)('PostgresStorage', () => {
  it('migrates once when several processes connect at the same moment', async () => {
    const schema = freshSchema('mig');
    const all = await Promise.all(
      Array.from({ length: 6 }, () =>
        PostgresStorage.connect(PG_URL!, { schema, maxConnections: 1 }),
      ),
    );
    const r = await sql(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    expect(r.rows.map((row) => row.version)).toEqual([1]);
    await Promise.all(all.map((s) => s.close()));
  });

  it('refuses a schema migrated by a newer release', async () => {
    const schema = freshSchema('new');
    await (await PostgresStorage.connect(PG_URL!, { schema })).close();
    await sql(`INSERT INTO "${schema}".schema_migrations (version) VALUES (99)`);
    await expect(PostgresStorage.connect(PG_URL!, { schema })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });
  });

  it('keeps the audit history in an append-only table, in order', async () => {
    const schema = freshSchema('aud');
    const storage = await PostgresStorage.connect(PG_URL!, { schema });
    const registry = await ModelRegistry.open(storage, { actor: 'tester' });
    const v1 = await registry.register('m', tinyModel(1));
    await registry.setStage('m', v1.version, 'staging');
    await registry.promote('m', v1.version);
    const log = await storage.auditLog();
    expect(log.map((e) => [e.seq, e.action, e.to])).toEqual([
      [1, 'register', '1.0.0'],
      [2, 'stage', 'staging'],
      [3, 'stage', 'production'],
    ]);
    expect(log.map(({ revision: _, ...e }) => e)).toEqual(await registry.history());
    await expect(sql(`UPDATE "${schema}".audit SET actor = 'forger'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql(`DELETE FROM "${schema}".audit`)).rejects.toThrow(/append-only/);
    await expect(sql(`TRUNCATE "${schema}".audit`)).rejects.toThrow(/append-only/);
    await registry.close();
  });

  it('a change that throws inside the locked update changes nothing', async () => {
    const storage = await PostgresStorage.connect(PG_URL!, { schema: freshSchema('upd') });
    const registry = await ModelRegistry.open(storage, { actor: 'tester' });
    const v1 = await registry.register('m', tinyModel(1));
    await registry.setStage('m', v1.version, 'staging');
    await registry.promote('m', v1.version);
    const before = await storage.readMetadata();
    await expect(registry.rollback('m', { expectedVersion: '9.9.9' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(registry.register('Bad Name!', tinyModel(2))).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(await storage.readMetadata()).toEqual(before);
    expect(await storage.auditLog()).toHaveLength(3);
    // and the pooled connection is healthy afterwards (the transaction was rolled back)
    await registry.setAlias('m', 'champion', v1.version);
    expect((await storage.readMetadata()).revision).toBe(before.revision + 1);
    await registry.close();
  });

  it('an unreachable server is a StorageUnavailableError', async () => {
    const url = new URL(PG_URL!);
    url.port = '1'; // nothing listens there
    const e = await PostgresStorage.connect(url.toString(), { connectTimeoutMs: 2000 }).catch(
      (x) => x,
    );
    expect(StorageUnavailableError.isInstance(e)).toBe(true);
    expect((e as StorageUnavailableError).code).toBe('UNAVAILABLE');
  });

  it('validates its options', async () => {
    await expect(PostgresStorage.connect(PG_URL!, { schema: 'Bad-Name' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(PostgresStorage.connect(PG_URL!, { chunkBytes: 10 })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});
