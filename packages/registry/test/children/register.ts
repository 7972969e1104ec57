/**
 * Child process for the crash and concurrency tests: registers versions of one model in a loop
 * and prints `ok <k> <version>` after each registration has returned (so it is durable).
 * argv: root model count(0 = forever) firstK lockStaleMs
 */
import { FsStorage, ModelRegistry } from '../../src/index.js';
import { tinyModel } from '../models.js';

async function main(): Promise<void> {
  const [root, model, countArg, firstArg, staleArg] = process.argv.slice(2);
  const count = Number(countArg);
  const storage = await FsStorage.open(root!, { lockStaleMs: Number(staleArg) });
  const registry = await ModelRegistry.open(storage, { actor: `pid-${process.pid}` });
  process.stdout.write('ready\n');
  for (let i = 0; count === 0 || i < count; i++) {
    const k = Number(firstArg) + i;
    const rec = await registry.register(model!, tinyModel(k), { tags: { k: String(k) } });
    process.stdout.write(`ok ${k} ${rec.version}\n`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
