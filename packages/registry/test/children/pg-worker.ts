/**
 * Child process of the PostgreSQL concurrency and fault tests: registers versions of one model
 * and after each moves its own alias `w<id>` to it, printing `ok <k> <version>` once both have
 * returned. On a lost database it prints `unavailable` and retries the same step (the pool
 * reconnects; the process is never restarted).
 * argv: url schema model count(0 = forever) id
 */
import { ModelRegistry, StorageUnavailableError } from '../../src/index.js';
import { PostgresStorage } from '../../src/postgres.js';
import { tinyModel } from '../models.js';

async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!StorageUnavailableError.isInstance(e)) throw e;
      process.stdout.write('unavailable\n');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function main(): Promise<void> {
  const [url, schema, model, countArg, id] = process.argv.slice(2);
  const count = Number(countArg);
  const storage = await PostgresStorage.connect(url!, { schema: schema!, maxConnections: 2 });
  const registry = await ModelRegistry.open(storage, { actor: `w${id}` });
  process.stdout.write('ready\n');
  for (let i = 0; count === 0 || i < count; i++) {
    const k = Number(id) * 100_000 + i;
    // a retry after an ambiguous failure may find the first attempt committed: look it up first
    const rec = await retrying(async () => {
      const doc = await registry.snapshot();
      const done = Object.values(doc.models[model!]?.versions ?? {}).find(
        (v) => v.tags.k === String(k),
      );
      return done ?? registry.register(model!, tinyModel(k), { tags: { k: String(k) } });
    });
    await retrying(() => registry.setAlias(model!, `w${id}`, rec.version));
    process.stdout.write(`ok ${k} ${rec.version}\n`);
  }
  await registry.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
