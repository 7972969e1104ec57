/**
 * `@x/registry/testing`: the conformance suite every {@link RegistryStorage} backend must pass.
 * It is framework-neutral: a list of named async cases that throw (`node:assert`) on failure,
 * to register with any test runner.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { FsStorage } from '@x/registry';
 * import { storageConformance } from '@x/registry/testing';
 *
 * for (const c of storageConformance({
 *   create: () => FsStorage.open(mkdtempSync(join(tmpdir(), 'conf-'))),
 * })) {
 *   await c.run(); // or: it(c.name, c.run)
 * }
 * ```
 *
 * @module
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { IntegrityError, NotFoundError, ValidationError } from '@x/core';
import { emptyDocument, type RegistryDocument, referencedDigests } from './document.js';
import { registerVersion } from './lifecycle.js';
import type { RegistryStorage } from './storage.js';

/** How the suite gets stores of the backend under test. */
export interface ConformanceTarget {
  /** A new, empty store. */
  create(): Promise<RegistryStorage>;
  /** A second handle on the same store (another connection or process view), when supported. */
  reopen?(storage: RegistryStorage): Promise<RegistryStorage>;
  /** Flips one byte of a stored blob behind the backend's back, to test tamper detection. */
  corrupt?(storage: RegistryStorage, digest: string): Promise<void>;
}

/** One case of the suite. */
export interface ConformanceCase {
  /** What the case checks. */
  readonly name: string;
  /** Runs it; rejects on failure. */
  run(): Promise<void>;
}

const enc = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function rejectsWith(p: Promise<unknown>, check: (e: unknown) => boolean, what: string) {
  try {
    await p;
  } catch (e) {
    assert.ok(check(e), `expected ${what}, got ${String(e)}`);
    return;
  }
  assert.fail(`expected ${what}, but it resolved`);
}

function docWith(digests: readonly string[], base = emptyDocument()): RegistryDocument {
  let doc = base;
  digests.forEach((digest, i) => {
    doc = registerVersion(
      doc,
      { model: 'm', digest, size: 1, kind: 'k', formatVersion: 1, config: { i } },
      { actor: 'conformance', at: i, reason: 'test' },
    ).document;
  });
  return doc;
}

async function withStore(target: ConformanceTarget, fn: (s: RegistryStorage) => Promise<void>) {
  const s = await target.create();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

type NamedCase = [string, (s: RegistryStorage) => Promise<void>];

/** Blob storage: content addressing, round trips, missing and malformed digests. */
const blobCases: NamedCase[] = [
  [
    'a new store is empty at revision 0',
    async (s) => {
      const snap = await s.readMetadata();
      assert.equal(snap.revision, 0);
      assert.deepEqual(snap.document, emptyDocument());
      assert.deepEqual(await s.listBlobs(), []);
      assert.deepEqual(await s.check(), []);
    },
  ],
  [
    'blobs are addressed by SHA-256, stored once and read back equal and aligned',
    async (s) => {
      const bytes = enc('hello registry');
      const a = await s.putBlob(bytes);
      assert.deepEqual(a, { digest: sha(bytes), size: bytes.byteLength });
      const b = await s.putBlob(enc('hello registry'));
      assert.deepEqual(b, a);
      assert.deepEqual(await s.listBlobs(), [a]);
      assert.equal(await s.hasBlob(a.digest), true);
      const back = await s.getBlob(a.digest);
      assert.deepEqual([...back], [...bytes]);
      assert.equal(back.byteOffset % 8, 0);
      bytes[0] = 0; // the caller's buffer is not the stored blob
      back[1] = 0;
      assert.equal(new TextDecoder().decode(await s.getBlob(a.digest)), 'hello registry');
    },
  ],
  [
    'empty and multi-megabyte blobs round-trip',
    async (s) => {
      const empty = await s.putBlob(new Uint8Array(0));
      assert.equal((await s.getBlob(empty.digest)).byteLength, 0);
      const big = new Uint8Array(3 * 2 ** 20 + 17);
      for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
      const info = await s.putBlob(big);
      assert.equal(info.digest, sha(big));
      const back = await s.getBlob(info.digest);
      assert.equal(sha(back), info.digest);
    },
  ],
  [
    'a missing blob is a NotFoundError, a malformed digest a ValidationError',
    async (s) => {
      const absent = sha(enc('absent'));
      assert.equal(await s.hasBlob(absent), false);
      await rejectsWith(s.getBlob(absent), NotFoundError.isInstance, 'NotFoundError');
      await rejectsWith(s.getBlob('../etc/passwd'), ValidationError.isInstance, 'ValidationError');
    },
  ],
];

/** Metadata: compare-and-swap, its refusal of missing blobs, concurrency and sweeping. */
const metadataCases: NamedCase[] = [
  [
    'compare-and-swap applies at the expected revision only, and the document reads back',
    async (s) => {
      const blob = await s.putBlob(enc('v1'));
      const doc = docWith([blob.digest]);
      assert.deepEqual(await s.compareAndSwap(0, doc, [blob.digest]), { ok: true, revision: 1 });
      const snap = await s.readMetadata();
      assert.equal(snap.revision, 1);
      assert.deepEqual(snap.document, doc);
      const stale = await s.compareAndSwap(0, emptyDocument(), []);
      assert.equal(stale.ok, false);
      assert.equal(!stale.ok && stale.reason, 'revision');
      assert.equal(!stale.ok && stale.currentRevision, 1);
      assert.deepEqual((await s.readMetadata()).document, doc);
    },
  ],
  [
    'compare-and-swap refuses a document whose blob is missing',
    async (s) => {
      const absent = sha(enc('never stored'));
      const r = await s.compareAndSwap(0, docWith([absent]), [absent]);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.reason, 'missing-blob');
      assert.equal((await s.readMetadata()).revision, 0);
    },
  ],
  [
    'of concurrent swaps from one revision exactly one wins',
    async (s) => {
      const blobs = await Promise.all(Array.from({ length: 8 }, (_, i) => s.putBlob(enc(`c${i}`))));
      const results = await Promise.all(
        blobs.map((b) => s.compareAndSwap(0, docWith([b.digest]), [b.digest])),
      );
      assert.equal(results.filter((r) => r.ok).length, 1);
      const winner = blobs[results.findIndex((r) => r.ok)]!;
      assert.deepEqual((await s.readMetadata()).document, docWith([winner.digest]));
    },
  ],
  [
    'a sweep deletes exactly the unreferenced blobs',
    async (s) => {
      const keep = await s.putBlob(enc('keep'));
      const drop = await s.putBlob(enc('drop'));
      assert.equal((await s.compareAndSwap(0, docWith([keep.digest]), [keep.digest])).ok, true);
      assert.deepEqual(await s.sweepBlobs(referencedDigests), [drop.digest]);
      assert.deepEqual(await s.listBlobs(), [keep]);
      assert.equal(await s.hasBlob(drop.digest), false);
      assert.deepEqual(await s.sweepBlobs(referencedDigests), []);
      assert.deepEqual(await s.check(), []);
    },
  ],
  [
    'a blob swept before its swap is reported missing, and the swap succeeds once re-put',
    async (s) => {
      const b = await s.putBlob(enc('late'));
      await s.sweepBlobs(referencedDigests);
      const r = await s.compareAndSwap(0, docWith([b.digest]), [b.digest]);
      assert.equal(!r.ok && r.reason, 'missing-blob');
      await s.putBlob(enc('late'));
      assert.equal((await s.compareAndSwap(0, docWith([b.digest]), [b.digest])).ok, true);
    },
  ],
];

/**
 * The conformance cases for a backend.
 * @param target - how to create (and optionally reopen or corrupt) stores
 * @returns the cases, to run in order or independently
 */
export function storageConformance(target: ConformanceTarget): ConformanceCase[] {
  const cases: NamedCase[] = [...blobCases, ...metadataCases];
  if (target.reopen !== undefined) {
    const reopen = target.reopen;
    cases.push([
      'a second handle sees blobs and swaps, and conflicts with the first',
      async (s) => {
        const t = await reopen(s);
        try {
          const b = await s.putBlob(enc('shared'));
          assert.deepEqual([...(await t.getBlob(b.digest))], [...enc('shared')]);
          assert.equal((await s.compareAndSwap(0, docWith([b.digest]), [b.digest])).ok, true);
          assert.equal((await t.readMetadata()).revision, 1);
          assert.equal((await t.compareAndSwap(0, emptyDocument(), [])).ok, false);
          assert.equal((await t.compareAndSwap(1, emptyDocument(), [])).ok, true);
          assert.equal((await s.readMetadata()).revision, 2);
        } finally {
          await t.close();
        }
      },
    ]);
  }
  if (target.corrupt !== undefined) {
    const corrupt = target.corrupt;
    cases.push([
      'a tampered blob is never returned and check() reports it',
      async (s) => {
        const b = await s.putBlob(enc('precious weights'));
        await corrupt(s, b.digest);
        await rejectsWith(s.getBlob(b.digest), IntegrityError.isInstance, 'IntegrityError');
        const problems = await s.check();
        assert.ok(problems.some((p) => p.digest === b.digest && p.kind === 'blob-corrupt'));
      },
    ]);
  }
  return cases.map(([name, fn]) => ({ name, run: () => withStore(target, fn) }));
}
