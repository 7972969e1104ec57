import { closeSync, openSync, readdirSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AttentionLstm, attentionLstmImporter } from '@x/attention-lstm';
import {
  ConflictError,
  IntegrityError,
  InvalidStateError,
  ManualClock,
  NotFoundError,
  tensor,
  tensorsBitEqual,
  ValidationError,
} from '@x/core';
import {
  exportStacking,
  LinearRegression,
  Ridge,
  StackingRegressor,
  stackingRegressorImporter,
} from '@x/ensemble';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canTransition, ModelRegistry, STAGES, type Stage } from '../src/index.js';
import { tempDir } from './helpers.js';
import { tinyModel } from './models.js';

async function fresh() {
  const clock = new ManualClock(1_700_000_000_000);
  const registry = await ModelRegistry.open(tempDir(), { clock, actor: 'tester' });
  return { registry, clock };
}

describe('versions', () => {
  it('auto-bumps from 1.0.0, takes given versions, rejects duplicates and bad versions', async () => {
    const { registry, clock } = await fresh();
    const a = await registry.register('mid', tinyModel(1), {
      metrics: { mse: 0.5 },
      tags: { data: 'sim' },
    });
    expect(a).toMatchObject({
      version: '1.0.0',
      stage: 'registered',
      kind: 'test:Linear',
      formatVersion: 1,
      config: { seed: 1, layers: [2, 3], name: 'm1' },
      metrics: { mse: 0.5 },
      tags: { data: 'sim' },
      createdBy: 'tester',
      createdAt: 1_700_000_000_000,
    });
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    clock.advance(10);
    expect((await registry.register('mid', tinyModel(2))).version).toBe('1.1.0');
    expect((await registry.register('mid', tinyModel(3), { bump: 'patch' })).version).toBe('1.1.1');
    expect((await registry.register('mid', tinyModel(4), { bump: 'major' })).version).toBe('2.0.0');
    expect((await registry.register('mid', tinyModel(5), { version: '1.5.0' })).version).toBe(
      '1.5.0',
    );
    expect((await registry.register('mid', tinyModel(6))).version).toBe('2.1.0');
    await expect(registry.register('mid', tinyModel(7), { version: '1.5.0' })).rejects.toSatisfy(
      ConflictError.isInstance,
    );
    for (const version of ['1.5', 'v1.6.0', 'latest']) {
      await expect(registry.register('mid', tinyModel(7), { version })).rejects.toSatisfy(
        ValidationError.isInstance,
      );
    }
    await expect(registry.register('../x', tinyModel(7))).rejects.toSatisfy(
      ValidationError.isInstance,
    );
    await expect(
      registry.register('mid', tinyModel(7), { metrics: { mse: Number.NaN } }),
    ).rejects.toSatisfy(ValidationError.isInstance);
    expect(Object.keys((await registry.getModel('mid')).versions)).toHaveLength(6);
  });

  it('identical artifacts share one blob', async () => {
    const { registry } = await fresh();
    const a = await registry.register('a', tinyModel(1));
    const b = await registry.register('b', tinyModel(1));
    expect(a.digest).toBe(b.digest);
    expect(await registry.storage.listBlobs()).toHaveLength(1);
  });

  it('round-trips an @x/attention-lstm model bit for bit through the store', async () => {
    const { registry } = await fresh();
    const model = AttentionLstm.create({
      inputSize: 3,
      hiddenSize: 8,
      numLayers: 2,
      numHeads: 2,
      seed: 7,
    });
    const exported = model.exportModel();
    const rec = await registry.register('lstm', exported);
    // a second registry instance: nothing cached
    const other = await ModelRegistry.open(registry.storage.location);
    const back = await other.load('lstm', rec.version);
    expect(back.kind).toBe(exported.kind);
    expect(back.formatVersion).toBe(exported.formatVersion);
    expect(back.config).toEqual(exported.config);
    expect(Object.keys(back.tensors)).toEqual(Object.keys(exported.tensors));
    for (const [name, t] of Object.entries(exported.tensors)) {
      expect(tensorsBitEqual(back.tensors[name]!, t), name).toBe(true);
    }
    const live = await other.loadModel('lstm', rec.version, attentionLstmImporter);
    const x = new Float32Array(5 * 3).map((_, i) => Math.cos(i));
    const input = tensor('float32', [1, 5, 3], x);
    expect([...live.forward(input).data]).toEqual([...model.forward(input).data]);
  });

  it('round-trips an @x/ensemble stacking model bit for bit, and it predicts the same', async () => {
    const { registry } = await fresh();
    const n = 60;
    const x = tensor(
      'float64',
      [n, 2],
      Float64Array.from({ length: 2 * n }, (_, k) => Math.sin(k * 0.37)),
    );
    const y = Float64Array.from({ length: n }, (_, i) => 2 * x.get(i, 0) - x.get(i, 1) + 0.01 * i);
    const stack = new StackingRegressor({
      estimators: [
        { name: 'ols', create: () => new LinearRegression() },
        { name: 'ridge', create: () => new Ridge({ alpha: 3 }) },
      ],
      finalEstimator: () => new Ridge({ alpha: 1 }),
    });
    await stack.fit(x, y);
    const exported = exportStacking(stack);
    const rec = await registry.register('stack', exported);
    const other = await ModelRegistry.open(registry.storage.location);
    const back = await other.load('stack', rec.version);
    expect(back.config).toEqual(exported.config);
    for (const [name, t] of Object.entries(exported.tensors)) {
      expect(tensorsBitEqual(back.tensors[name]!, t), name).toBe(true);
    }
    const live = await other.loadModel(
      'stack',
      rec.version,
      stackingRegressorImporter([LinearRegression.importer, Ridge.importer]),
    );
    expect([...live.predict(x)]).toEqual([...stack.predict(x)]);
  });

  it('property: any float32/float64 model round-trips bit for bit, in tensor order', async () => {
    const { registry } = await fresh();
    const bits = fc.oneof(
      fc.float32Array({ maxLength: 12 }).map((d) => tensor('float32', [d.length], d)),
      fc.float64Array({ maxLength: 12 }).map((d) => tensor('float64', [d.length], d)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), bits, { maxKeys: 5 }),
        fc.jsonValue().map((v) => ({ v })),
        async (tensors, config) => {
          fc.pre(!('__metadata__' in tensors));
          const exported = {
            kind: 'p:K',
            formatVersion: 3,
            config: JSON.parse(JSON.stringify(config)),
            tensors,
          };
          const rec = await registry.register('prop', exported);
          const other = await ModelRegistry.open(registry.storage.location);
          const back = await other.load('prop', rec.version);
          expect(back.config).toEqual(exported.config);
          expect(Object.keys(back.tensors)).toEqual(Object.keys(tensors));
          for (const [n, t] of Object.entries(tensors)) {
            expect(tensorsBitEqual(back.tensors[n]!, t)).toBe(true);
          }
        },
      ),
      fcParams({ numRuns: 30 }),
    );
  });
});

describe('lifecycle', () => {
  it('allows only the documented moves', () => {
    const allowed = STAGES.flatMap((a) =>
      STAGES.filter((b) => canTransition(a, b)).map((b) => `${a}>${b}`),
    );
    expect(allowed).toEqual([
      'registered>staging',
      'registered>shadow',
      'registered>archived',
      'staging>production',
      'staging>shadow',
      'staging>archived',
      'production>archived',
      'shadow>staging',
      'shadow>production',
      'shadow>archived',
      'archived>staging',
    ]);
  });

  it('promotes, archives the replaced production, keeps pointers and audit consistent', async () => {
    const { registry, clock } = await fresh();
    for (let i = 1; i <= 3; i++) await registry.register('mid', tinyModel(i));
    await expect(registry.promote('mid', '1.0.0')).rejects.toSatisfy(InvalidStateError.isInstance);
    await registry.setStage('mid', '1.0.0', 'staging');
    await registry.promote('mid', '1.0.0', { reason: 'first', actor: 'alice' });
    clock.advance(1000);
    await registry.setStage('mid', '1.1.0', 'staging');
    await registry.promote('mid', '1.1.0', { reason: 'better loss' });
    let m = await registry.getModel('mid');
    expect(m.production).toBe('1.1.0');
    expect(m.versions['1.0.0']!.stage).toBe('archived');
    expect(m.productionHistory).toEqual(['1.0.0']);
    await registry.setStage('mid', '1.2.0', 'shadow');
    expect((await registry.getModel('mid')).shadow).toBe('1.2.0');
    await registry.setAlias('mid', 'champion', '1.1.0');
    await registry.setAlias('mid', 'challenger', '1.2.0');
    expect((await registry.resolve('mid', 'champion')).version).toBe('1.1.0');
    expect((await registry.resolve('mid', 'shadow')).version).toBe('1.2.0');
    expect((await registry.resolve('mid', 'latest')).version).toBe('1.2.0');
    await expect(registry.setAlias('mid', '1.0.0', '1.1.0')).rejects.toSatisfy(
      ValidationError.isInstance,
    );
    await expect(registry.setAlias('mid', 'nope', null)).rejects.toSatisfy(
      NotFoundError.isInstance,
    );
    await expect(registry.resolve('mid', 'canary')).rejects.toSatisfy(NotFoundError.isInstance);
    await expect(registry.setStage('mid', '1.0.0', 'production')).rejects.toSatisfy(
      InvalidStateError.isInstance,
    );
    const h = await registry.history('mid');
    expect(h.map((e) => e.seq)).toEqual(h.map((_, i) => i + 1));
    expect(
      h.filter((e) => e.action === 'stage' && e.target === '1.0.0').map((e) => [e.from, e.to]),
    ).toEqual([
      ['registered', 'staging'],
      ['staging', 'production'],
      ['production', 'archived'],
    ]);
    const first = h.find((e) => e.to === 'production')!;
    expect(first).toMatchObject({
      actor: 'alice',
      reason: 'first',
      at: 1_700_000_000_000,
      model: 'mid',
    });
    m = await registry.getModel('mid');
    expect(m.aliases).toEqual({ champion: '1.1.0', challenger: '1.2.0' });
    expect((await registry.verify()).ok).toBe(true);
  });

  it('canary traffic needs production and a staging version; rollback returns to the previous production', async () => {
    const { registry } = await fresh();
    for (let i = 1; i <= 3; i++) await registry.register('mid', tinyModel(i));
    await registry.setStage('mid', '1.1.0', 'staging');
    await expect(registry.setTraffic('mid', '1.1.0', 10)).rejects.toSatisfy(
      InvalidStateError.isInstance,
    );
    await registry.setStage('mid', '1.0.0', 'staging');
    await registry.promote('mid', '1.0.0');
    await expect(registry.rollback('mid')).rejects.toSatisfy(InvalidStateError.isInstance);
    await expect(registry.setTraffic('mid', '1.1.0', 101)).rejects.toSatisfy(
      ValidationError.isInstance,
    );
    await expect(registry.setTraffic('mid', '1.2.0', 10)).rejects.toSatisfy(
      InvalidStateError.isInstance,
    );
    await registry.setTraffic('mid', '1.1.0', 10);
    await registry.setTraffic('mid', '1.1.0', 25);
    expect((await registry.getModel('mid')).traffic).toEqual({ canary: '1.1.0', percent: 25 });
    await registry.promote('mid', '1.1.0');
    expect((await registry.getModel('mid')).traffic).toBeNull();
    expect(await registry.rollback('mid', { reason: 'bad fills' })).toEqual({
      from: '1.1.0',
      to: '1.0.0',
    });
    const m = await registry.getModel('mid');
    expect(m.production).toBe('1.0.0');
    expect(m.versions['1.1.0']!.stage).toBe('archived');
    expect(m.productionHistory).toEqual([]);
    const last = (await registry.history('mid')).at(-1)!;
    expect(last).toMatchObject({
      action: 'rollback',
      from: '1.1.0',
      to: '1.0.0',
      reason: 'bad fills',
    });
    await registry.setStage('mid', '1.2.0', 'staging');
    await registry.setTraffic('mid', '1.2.0', 5);
    expect(await registry.abortCanary('mid')).toBe('1.2.0');
    expect((await registry.getModel('mid')).versions['1.2.0']!.stage).toBe('archived');
    expect((await registry.verify()).ok).toBe(true);
  });

  it('property: any sequence of operations keeps the document consistent and the audit append-only', async () => {
    const { registry } = await fresh();
    const stages: Stage[] = ['staging', 'production', 'shadow', 'archived', 'registered'];
    const op = fc.oneof(
      fc.constant({ t: 'register' as const }),
      fc.record({ t: fc.constant('stage' as const), v: fc.nat(5), s: fc.constantFrom(...stages) }),
      fc.record({
        t: fc.constant('traffic' as const),
        v: fc.nat(5),
        p: fc.integer({ min: 0, max: 100 }),
      }),
      fc.record({ t: fc.constant('alias' as const), v: fc.nat(5) }),
      fc.constant({ t: 'rollback' as const }),
      fc.constant({ t: 'abort' as const }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const name = `p${n++}`;
        const versions: string[] = [];
        let before = await registry.history();
        for (const o of ops) {
          const v = versions[('v' in o ? o.v : 0) % Math.max(1, versions.length)] ?? '9.9.9';
          try {
            if (o.t === 'register')
              versions.push((await registry.register(name, tinyModel(n))).version);
            else if (o.t === 'stage') await registry.setStage(name, v, o.s);
            else if (o.t === 'traffic') await registry.setTraffic(name, v, o.p);
            else if (o.t === 'alias') await registry.setAlias(name, 'champion', v);
            else if (o.t === 'rollback') await registry.rollback(name);
            else await registry.abortCanary(name);
          } catch (e) {
            const code = (e as { code?: string }).code;
            expect(['INVALID_STATE', 'NOT_FOUND', 'VALIDATION']).toContain(code);
          }
          const after = await registry.history();
          expect(after.slice(0, before.length)).toEqual(before);
          before = after;
        }
        const report = await registry.verify();
        expect(report.problems).toEqual([]);
      }),
      fcParams({ numRuns: 15 }),
    );
  });
});

describe('integrity, verify and gc', () => {
  it('any flipped byte of any blob is detected on load and by verify(), and never returned', async () => {
    const { registry } = await fresh();
    const recs = [
      await registry.register('a', tinyModel(1)),
      await registry.register('b', tinyModel(2)),
    ];
    const dir = join(registry.storage.location, 'blobs', 'sha256');
    for (const rec of recs) {
      const path = join(dir, rec.digest);
      const fd = openSync(path, 'r+');
      const size = rec.size;
      for (let at = 0; at < size; at++) {
        const b = Buffer.alloc(1);
        readSync(fd, b, 0, 1, at);
        const orig = b[0]!;
        b[0] = orig ^ (1 << (at % 8));
        writeSync(fd, b, 0, 1, at);
        const cold = await ModelRegistry.open(registry.storage.location);
        await expect(cold.load(rec === recs[0] ? 'a' : 'b', rec.version)).rejects.toSatisfy(
          IntegrityError.isInstance,
        );
        if (at % 16 === 0) {
          const report = await cold.verify();
          expect(report.ok).toBe(false);
          expect(report.problems.map((p) => [p.kind, p.digest])).toEqual([
            ['blob-corrupt', rec.digest],
          ]);
        }
        b[0] = orig;
        writeSync(fd, b, 0, 1, at);
      }
      closeSync(fd);
    }
    expect((await registry.verify()).ok).toBe(true);
  });

  it('verify() reports every problem: missing blobs, corrupt blobs, bad pointers', async () => {
    const { registry } = await fresh();
    const a = await registry.register('a', tinyModel(1));
    const b = await registry.register('b', tinyModel(2));
    const dir = join(registry.storage.location, 'blobs', 'sha256');
    writeFileSync(join(dir, a.digest), 'garbage');
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, b.digest));
    const snap = await registry.storage.readMetadata();
    const doc = structuredClone(snap.document) as {
      models: Record<string, { production: string | null }>;
    };
    doc.models.a!.production = '7.7.7';
    await registry.storage.compareAndSwap(snap.revision, doc as never, []);
    const report = await registry.verify();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind).sort()).toEqual([
      'blob-corrupt',
      'missing-blob',
      'pointer',
    ]);
  });

  it('gc removes only unreferenced blobs and the cache reports hits, misses, evictions, bytes', async () => {
    const root = tempDir();
    const registry = await ModelRegistry.open(root, { cacheBytes: 600 });
    const a = await registry.register('a', tinyModel(1));
    await registry.storage.putBlob(new Uint8Array([9, 9, 9]));
    expect(readdirSync(join(root, 'blobs', 'sha256'))).toHaveLength(2);
    const report = await registry.gc();
    expect(report.deleted).toHaveLength(1);
    expect(readdirSync(join(root, 'blobs', 'sha256'))).toEqual([a.digest]);
    await registry.load('a', a.version);
    await registry.load('a', a.version);
    const b = await registry.register('b', tinyModel(2));
    await registry.load('b', b.version); // evicts a (two artifacts exceed 600 bytes)
    expect(registry.cacheStats()).toMatchObject({
      hits: 1,
      misses: 2,
      evictions: 1,
      entries: 1,
      bytes: b.size,
    });
    const first = await registry.load('b', b.version);
    expect(await registry.load('b', b.version)).toBe(first);
  });
});
