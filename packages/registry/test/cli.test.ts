import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_EXIT, ModelRegistry } from '../src/index.js';
import { PostgresStorage } from '../src/postgres.js';
import { bundle } from './children/bundle.js';
import { tempDir } from './helpers.js';
import { tinyModel } from './models.js';
import { freshSchema, PG_URL, pgMissing, sql } from './pg.js';

let bin = '';
beforeAll(async () => {
  bin = await bundle(join(import.meta.dirname, '..', 'src', 'bin.ts'));
});

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, X_REGISTRY_STORE: '', ...env },
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function store() {
  const root = tempDir();
  const registry = await ModelRegistry.open(root, { actor: 'setup' });
  for (let i = 1; i <= 3; i++) {
    const v = await registry.register('mid', tinyModel(i));
    await registry.setStage('mid', v.version, 'staging');
  }
  await registry.promote('mid', '1.0.0');
  return { root, registry };
}

describe('x-registry (spawned)', () => {
  it('lists, shows, promotes, splits traffic, rolls back and prints history, as text and JSON', async () => {
    const { root } = await store();
    const s = ['--store', root];
    let r = cli(['list', ...s]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^MODEL\s+VERSIONS\s+PRODUCTION\s+CANARY\s+SHADOW\nmid\s+3\s+1\.0\.0\s+-\s+-\n$/,
    );
    r = cli(['list', ...s, '--json']);
    expect(JSON.parse(r.out)).toEqual([
      { name: 'mid', versions: 3, production: '1.0.0', canary: null, shadow: null, aliases: {} },
    ]);
    r = cli(['set-traffic', 'mid', '1.1.0', '10', ...s, '--json', '--actor', 'ops']);
    expect([r.code, JSON.parse(r.out)]).toEqual([
      0,
      { model: 'mid', canary: '1.1.0', percent: 10 },
    ]);
    r = cli(['show', 'mid', 'canary', ...s, '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ version: '1.1.0', stage: 'staging' });
    r = cli(['promote', 'mid', '1.1.0', ...s, '--reason', 'canary looked good']);
    expect([r.code, r.out]).toEqual([0, 'mid: production is now 1.1.0\n']);
    r = cli(['rollback', 'mid', ...s, '--json'], { X_REGISTRY_STORE: root });
    expect(JSON.parse(r.out)).toEqual({ model: 'mid', from: '1.1.0', to: '1.0.0' });
    r = cli(['history', 'mid', ...s, '--json', '--limit', '2']);
    const h = JSON.parse(r.out) as { action: string; from: string; to: string }[];
    expect(h.map((e) => [e.action, e.from, e.to])).toEqual([
      ['stage', 'staging', 'production'],
      ['rollback', '1.1.0', '1.0.0'],
    ]);
    r = cli(['history', ...s]);
    expect(r.out.split('\n')[0]).toMatch(/^SEQ\s+AT\s+ACTOR/);
    expect(r.out).toContain('canary looked good');
    r = cli(['show', 'mid', ...s]);
    expect(r.out).toMatch(/^mid: production 1\.0\.0, canary -, shadow -\nVERSION/);
    r = cli(['stage', 'mid', '1.2.0', 'shadow', ...s]);
    expect([r.code, r.out]).toEqual([0, 'mid@1.2.0 -> shadow\n']);
  });

  it('exit codes: usage 2, not found 4, refused 5, verify problems 3, gc and verify ok 0', async () => {
    const { root, registry } = await store();
    const s = ['--store', root];
    expect(cli([]).code).toBe(CLI_EXIT.usage);
    expect(cli(['list']).code).toBe(CLI_EXIT.usage); // no store
    expect(cli(['frobnicate', ...s]).code).toBe(CLI_EXIT.usage);
    expect(cli(['list', '--store', join(root, 'typo')]).code).toBe(CLI_EXIT.notFound);
    expect(cli(['list', '--bogus', ...s]).code).toBe(CLI_EXIT.usage);
    expect(cli(['promote', 'mid', ...s]).code).toBe(CLI_EXIT.usage);
    expect(cli(['set-traffic', 'mid', '1.1.0', 'lots', ...s]).code).toBe(CLI_EXIT.usage);
    expect(cli(['stage', 'mid', '1.1.0', 'gold', ...s]).code).toBe(CLI_EXIT.usage);
    const help = cli(['--help']);
    expect([help.code, help.out.startsWith('usage: x-registry')]).toEqual([0, true]);
    const nf = cli(['show', 'nope', ...s, '--json']);
    expect(nf.code).toBe(CLI_EXIT.notFound);
    expect(JSON.parse(nf.out).error).toMatchObject({ code: 'NOT_FOUND', exitCode: 4 });
    expect(cli(['rollback', 'mid', ...s]).code).toBe(CLI_EXIT.refused); // nothing earlier
    const bad = cli(['promote', 'mid', '1.0.0', ...s]);
    expect(bad.code).toBe(CLI_EXIT.refused);
    expect(bad.err).toMatch(/cannot move from production to production/);
    expect(cli(['verify', ...s]).code).toBe(0);
    await registry.storage.putBlob(new Uint8Array([1, 2, 3]));
    const gc = cli(['gc', ...s, '--json']);
    expect([gc.code, JSON.parse(gc.out).deleted.length]).toEqual([0, 1]);
    const digest = (await registry.resolve('mid', '1.1.0')).digest;
    const fd = openSync(join(root, 'blobs', 'sha256', digest), 'r+');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, 40);
    b[0] = b[0]! ^ 0xff;
    writeSync(fd, b, 0, 1, 40);
    closeSync(fd);
    const v = cli(['verify', ...s, '--json']);
    expect(v.code).toBe(CLI_EXIT.verifyFailed);
    expect(JSON.parse(v.out).problems.map((p: { kind: string }) => p.kind)).toEqual([
      'blob-corrupt',
    ]);
    expect(cli(['verify', ...s]).out).toMatch(
      /^blob-corrupt: .*\n1 problem\(s\): 1 models, 3 versions/,
    );
  });
});

describe('x-registry on PostgreSQL (spawned)', () => {
  it('an unreachable database store exits 7 with a StorageUnavailableError', () => {
    const r = cli(['list', '--json'], { X_REGISTRY_STORE: 'postgres://nobody@127.0.0.1:1/none' });
    expect(r.code).toBe(CLI_EXIT.unavailable);
    expect(JSON.parse(r.out).error).toMatchObject({ code: 'UNAVAILABLE', exitCode: 7 });
  });

  it.skipIf(pgMissing('x-registry postgres test'))(
    'takes a postgres:// URL by --store or X_REGISTRY_STORE, with ?schema=',
    async () => {
      const schema = freshSchema('cli');
      const url = `${PG_URL}?schema=${schema}`;
      const registry = await ModelRegistry.open(await PostgresStorage.connect(url));
      const v = await registry.register('mid', tinyModel(1));
      await registry.setStage('mid', v.version, 'staging');
      let r = cli(['promote', 'mid', v.version, '--store', url, '--actor', 'ops']);
      expect([r.code, r.out]).toEqual([0, 'mid: production is now 1.0.0\n']);
      r = cli(['list', '--json'], { X_REGISTRY_STORE: url });
      expect(JSON.parse(r.out)).toEqual([
        { name: 'mid', versions: 1, production: '1.0.0', canary: null, shadow: null, aliases: {} },
      ]);
      expect((await registry.getModel('mid')).production).toBe('1.0.0');
      expect(cli(['verify', '--store', url]).code).toBe(0);
      const meta = await sql(`SELECT revision FROM "${schema}".meta`);
      expect(Number(meta.rows[0].revision)).toBe(3); // register, staging, promote: in that schema
      await registry.close();
    },
  );
});
