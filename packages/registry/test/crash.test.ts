/**
 * Crash safety and concurrency with real processes: children register versions and are killed
 * with SIGKILL at random points; several children register versions of one model at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { tensorsBitEqual } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/index.js';
import { bundleChild } from './children/bundle.js';
import { tempDir } from './helpers.js';
import { tinyModel } from './models.js';

let child = '';
const live = new Set<ChildProcess>();
beforeAll(async () => {
  child = await bundleChild();
});
afterAll(() => {
  for (const c of live) c.kill('SIGKILL');
});

interface Run {
  readonly proc: ChildProcess;
  readonly returned: Map<number, string>; // k -> version, for every registration that returned
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
}

function start(root: string, model: string, count: number, firstK: number): Run {
  const proc = spawn(
    process.execPath,
    [child, root, model, String(count), String(firstK), '2000'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  live.add(proc);
  const returned = new Map<number, string>();
  let buf = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => {
    onReady = r;
  });
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line === 'ready') onReady();
      const m = /^ok (\d+) (\S+)$/.exec(line);
      if (m !== null) returned.set(Number(m[1]), m[2]!);
      nl = buf.indexOf('\n');
    }
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    proc.on('exit', (code) => {
      live.delete(proc);
      onReady();
      if (code !== 0 && code !== null) console.error(err);
      resolve(code);
    });
  });
  return { proc, returned, ready, exited };
}

async function checkStore(
  root: string,
  model: string,
  returned: Map<number, string>,
  fresh: Map<number, string> = returned,
) {
  const registry = await ModelRegistry.open(root);
  const report = await registry.verify();
  expect(report.problems).toEqual([]);
  const m = returned.size === 0 ? undefined : await registry.getModel(model);
  for (const [k, version] of returned) {
    expect(m!.versions[version]?.tags.k, `${model}@${version}`).toBe(String(k));
  }
  for (const [k, version] of fresh) {
    const loaded = await registry.load(model, version);
    const want = tinyModel(k);
    for (const name of Object.keys(want.tensors)) {
      expect(tensorsBitEqual(loaded.tensors[name]!, want.tensors[name]!)).toBe(true);
    }
  }
  return registry;
}

describe('crash safety', () => {
  it('SIGKILL at random points, 100 times: the store opens, verify() is clean, every returned version loads', async () => {
    const lanes = 4;
    const killsPerLane = 25;
    let seed = 20261202;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let kills = 0;
    let registered = 0;
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        const root = tempDir();
        const returned = new Map<number, string>();
        let nextK = lane * 100_000;
        for (let i = 0; i < killsPerLane; i++) {
          const run = start(root, 'crashy', 0, nextK);
          await run.ready;
          await new Promise((r) => setTimeout(r, rand() * 250));
          run.proc.kill('SIGKILL');
          const code = await run.exited;
          expect(code).toBeNull(); // killed, not failed
          kills++;
          for (const [k, v] of run.returned) returned.set(k, v);
          nextK += 1000;
          await checkStore(root, 'crashy', returned, run.returned);
        }
        registered += returned.size;
      }),
    );
    expect(kills).toBe(lanes * killsPerLane);
    console.log(`crash test: ${kills} kills, ${registered} registrations returned before a kill`);
    expect(registered).toBeGreaterThan(0);
  });
});

describe('concurrency', () => {
  it('4 processes registering versions of one model at once: no lost update, no duplicate', async () => {
    const root = tempDir();
    const perChild = 12;
    const runs = Array.from({ length: 4 }, (_, i) => start(root, 'shared', perChild, i * 1000));
    const codes = await Promise.all(runs.map((r) => r.exited));
    expect(codes).toEqual([0, 0, 0, 0]);
    const returned = new Map<number, string>();
    for (const r of runs) for (const [k, v] of r.returned) returned.set(k, v);
    expect(returned.size).toBe(4 * perChild);
    const versions = [...returned.values()];
    expect(new Set(versions).size).toBe(versions.length);
    const registry = await checkStore(root, 'shared', returned);
    const m = await registry.getModel('shared');
    expect(Object.keys(m.versions).sort()).toEqual([...versions].sort());
    const audit = await registry.history('shared');
    expect(audit.filter((e) => e.action === 'register')).toHaveLength(4 * perChild);
    expect(audit.map((e) => e.seq)).toEqual(audit.map((_, i) => i + 1));
  });
});
