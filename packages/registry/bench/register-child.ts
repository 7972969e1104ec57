/**
 * Child of the concurrent-registration bench: opens the store (a directory or a postgres URL
 * with `?schema=`), prints `ready`, waits for `go` on stdin, registers `count` versions of one
 * model and prints `done <startMs> <endMs>`.
 * argv: store model count id
 */
import { createInterface } from 'node:readline';
import { tensor } from '@x/core';
import { FsStorage, ModelRegistry, type RegistryStorage } from '../src/index.js';
import { PostgresStorage } from '../src/postgres.js';

async function main(): Promise<void> {
  const [store, model, countArg, id] = process.argv.slice(2);
  const storage: RegistryStorage = store!.startsWith('postgres')
    ? await PostgresStorage.connect(store!, { maxConnections: 2 })
    : await FsStorage.open(store!);
  const registry = await ModelRegistry.open(storage, { actor: `bench-${id}` });
  process.stdout.write('ready\n');
  await new Promise<void>((r) => createInterface({ input: process.stdin }).once('line', () => r()));
  const start = Date.now();
  for (let i = 0; i < Number(countArg); i++) {
    const w = new Float32Array(256).fill(Number(id) * 1000 + i);
    await registry.register(model!, {
      kind: 'bench:Small',
      formatVersion: 1,
      config: { i },
      tensors: { w: tensor('float32', [256], w) },
    });
  }
  process.stdout.write(`done ${start} ${Date.now()}\n`);
  await registry.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
