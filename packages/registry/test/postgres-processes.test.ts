/**
 * PostgresStorage with real processes on a real server: 8 writers on one model, the server
 * stopped and restarted under running writers, two services watching one canary.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/index.js';
import { PostgresStorage } from '../src/postgres.js';
import { bundle } from './children/bundle.js';
import { LineChild } from './children/lines.js';
import { tempDir } from './helpers.js';
import { tinyModel } from './models.js';
import { freshSchema, PG_URL, pgMissing, sql } from './pg.js';

const skip = pgMissing('postgres process tests');
const children = join(import.meta.dirname, 'children');
const pgServer = join(import.meta.dirname, '..', '..', '..', 'scripts', 'pg-server.mjs');
let worker = '';
let watcher = '';
const live: LineChild[] = [];
beforeAll(async () => {
  if (skip) return;
  [worker, watcher] = await Promise.all([
    bundle(join(children, 'pg-worker.ts')),
    bundle(join(children, 'pg-watcher.ts')),
  ]);
});
afterAll(() => {
  for (const c of live) c.proc.kill('SIGKILL');
});

function child(script: string, args: string[]): LineChild {
  const c = new LineChild(script, args);
  live.push(c);
  return c;
}

const oks = (c: LineChild) => c.matches(/^ok (\d+) (\S+)$/);

/** Checks a store after writers: every returned registration present once, aliases, audit. */
async function checkStore(url: string, schema: string, returned: [number, string][]) {
  const storage = await PostgresStorage.connect(url, { schema });
  const registry = await ModelRegistry.open(storage);
  const m = await registry.getModel('m');
  const byK = new Map(Object.values(m.versions).map((v) => [Number(v.tags.k), v.version]));
  expect(byK.size).toBe(Object.keys(m.versions).length); // no k registered twice
  for (const [k, version] of returned) expect(byK.get(k)).toBe(version);
  const report = await registry.verify();
  expect(report.problems).toEqual([]);
  const orphans = await sql(
    `SELECT count(*)::int AS n FROM "${schema}".blob_chunks c
     JOIN "${schema}".blobs b USING (digest) GROUP BY b.digest, b.chunks HAVING count(*) <> b.chunks`,
    [],
    url,
  );
  expect(orphans.rowCount).toBe(0); // every blob whole
  const history = await registry.history('m');
  expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
  expect((await storage.auditLog()).map(({ revision: _, ...e }) => e)).toEqual(history);
  expect(history.filter((e) => e.action === 'register')).toHaveLength(byK.size);
  await registry.close();
  return { m, history };
}

describe.skipIf(skip)('PostgresStorage, several processes', () => {
  it('8 processes registering and moving pointers on one model: no lost update, no duplicate', async () => {
    const schema = freshSchema('conc'); // not created yet: the 8 processes race to migrate it
    const n = 8;
    const per = 6;
    const ws = Array.from({ length: n }, (_, id) =>
      child(worker, [PG_URL!, schema, 'm', String(per), String(id + 1)]),
    );
    expect(await Promise.all(ws.map((w) => w.exited))).toEqual(ws.map(() => 0));
    const returned = ws.flatMap((w) =>
      oks(w).map((x) => [Number(x[1]), x[2]!] as [number, string]),
    );
    expect(returned).toHaveLength(n * per);
    const migrations = await sql(`SELECT version FROM "${schema}".schema_migrations`);
    expect(migrations.rows).toEqual([{ version: 1 }]); // applied once
    expect(new Set(returned.map(([, v]) => v)).size).toBe(n * per); // no version handed out twice
    const { m, history } = await checkStore(PG_URL!, schema, returned);
    expect(Object.keys(m.versions)).toHaveLength(n * per);
    for (const [i, w] of ws.entries()) expect(m.aliases[`w${i + 1}`]).toBe(oks(w).at(-1)![2]);
    expect(history.filter((e) => e.action === 'alias')).toHaveLength(n * per);
    // each writer's own entries appear in the order it made them
    for (let id = 1; id <= n; id++) {
      const mine = history.filter((e) => e.actor === `w${id}` && e.action === 'alias');
      expect(mine.map((e) => e.to)).toEqual(oks(ws[id - 1]!).map((x) => x[2]));
    }
  });

  it.skipIf(!existsSync('/usr/lib/postgresql/15/bin/initdb') && process.env.PG_BIN === undefined)(
    'the server stopped and restarted under running writers: nothing returned is lost or torn',
    async () => {
      const state = join(tempDir(), 'pg.json');
      const server = (cmd: string) =>
        execFileSync(process.execPath, [pgServer, cmd, '--state', state], { stdio: 'pipe' });
      server('start');
      try {
        const url = (JSON.parse(readFileSync(state, 'utf8')) as { url: string }).url;
        const schema = freshSchema('fault');
        await (await PostgresStorage.connect(url, { schema })).close();
        const ws = [1, 2, 3].map((id) => child(worker, [url, schema, 'm', '0', String(id)]));
        await Promise.all(
          ws.map((w) => w.until((l) => oks(w).length >= 3 && l.length > 0, '3 oks')),
        );
        server('pause');
        await Promise.all(ws.map((w) => w.until((l) => l.includes('unavailable'), 'an outage')));
        const before = ws.map((w) => oks(w).length);
        server('resume');
        await Promise.all(
          ws.map((w, i) => w.until(() => oks(w).length >= before[i]! + 3, 'recovery')),
        );
        for (const w of ws) w.proc.kill('SIGKILL');
        await Promise.all(ws.map((w) => w.exited));
        const returned = ws.flatMap((w) =>
          oks(w).map((x) => [Number(x[1]), x[2]!] as [number, string]),
        );
        await checkStore(url, schema, returned);
      } finally {
        server('stop');
      }
    },
  );

  it('two services watching one canary: one breach, exactly one rollback, both follow it', async () => {
    const schema = freshSchema('canary');
    const interval = 1000;
    const registry = await ModelRegistry.open(await PostgresStorage.connect(PG_URL!, { schema }), {
      actor: 'setup',
    });
    for (const k of [1, 2]) {
      const v = await registry.register('m', tinyModel(k));
      await registry.setStage('m', v.version, 'staging');
    }
    await registry.promote('m', '1.0.0');
    await registry.setTraffic('m', '1.1.0', 10);
    const svcs = [1, 2].map(() => child(watcher, [PG_URL!, schema, 'm', String(interval)]));
    await Promise.all(svcs.map((s) => s.until((l) => l.includes('ready'), 'ready')));
    const decisions = (s: LineChild) => s.matches(/^decision (\S+) (\S+)$/);
    const tickAll = async () => {
      const before = svcs.map((s) => decisions(s).length);
      for (const s of svcs) s.send('tick');
      await Promise.all(
        svcs.map((s, i) => s.until(() => decisions(s).length > before[i]!, 'a decision')),
      );
      return svcs.map((s) => decisions(s).at(-1)!.slice(1).join(' '));
    };
    expect(await tickAll()).toEqual(['passed false', 'passed false']); // healthy: no rollback
    for (const s of svcs) s.send('breach');
    const verdicts = await tickAll(); // the same window in both: both see the breach
    await Promise.all(
      svcs.map((s) => s.until(() => s.matches(/^state \d+ 1\.0\.0 -$/).length > 0, 'canary gone')),
    );
    const rollbacks = svcs.flatMap((s) => s.matches(/^rollback (\d+) (\S+) (\S+)$/));
    expect(rollbacks.map((r) => [r[2], r[3]])).toEqual([['1.1.0', '1.0.0']]);
    // the other either lost the race at the guarded update (preempted) or already saw no canary
    expect(verdicts.sort()).toEqual(
      verdicts.includes('idle false')
        ? ['failed false', 'idle false']
        : ['failed false', 'failed true'],
    );
    expect(await tickAll()).toEqual(['idle false', 'idle false']); // and no second rollback later
    const at = Number(rollbacks[0]![1]);
    for (const s of svcs) {
      const seen = s.matches(/^state (\d+) 1\.0\.0 -$/)[0]!;
      expect(Number(seen[1]) - at).toBeLessThan(interval); // every service follows within one interval
      expect(s.lines.filter((l) => l.startsWith('error'))).toEqual([]);
    }
    const aborts = (await registry.history('m')).filter((e) => e.action === 'canary-abort');
    expect(aborts).toHaveLength(1);
    expect((await registry.getModel('m')).traffic).toBeNull();
    for (const s of svcs) s.send('exit');
    await Promise.all(svcs.map((s) => s.exited));
    await registry.close();
  });
});
