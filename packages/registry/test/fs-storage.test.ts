import {
  closeSync,
  openSync,
  readdirSync,
  readSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { IntegrityError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { FsStorage, referencedDigests } from '../src/index.js';
import { storageConformance } from '../src/testing.js';
import { tempDir } from './helpers.js';

function flipByte(path: string, at: number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, at);
  b[0] = b[0]! ^ 0x01;
  writeSync(fd, b, 0, 1, at);
  closeSync(fd);
}

describe('FsStorage passes the storage conformance suite', () => {
  for (const c of storageConformance({
    create: () => FsStorage.open(tempDir()),
    reopen: (s) => FsStorage.open(s.location),
    corrupt: async (s, digest) => flipByte(join(s.location, 'blobs', 'sha256', digest), 3),
  })) {
    it(c.name, c.run);
  }
});

describe('FsStorage on disk', () => {
  it('lays out blobs/sha256/<hex> and registry.json, leaving no temporary file', async () => {
    const root = tempDir();
    const s = await FsStorage.open(root);
    const b = await s.putBlob(new Uint8Array([1, 2, 3]));
    expect(readdirSync(join(root, 'blobs', 'sha256'))).toEqual([b.digest]);
    await s.compareAndSwap(0, { schema: 1, models: {}, audit: [] }, []);
    expect(readdirSync(root).sort()).toEqual(['blobs', 'registry.json']);
  });

  it('check() ignores crash leftovers, reports stray files; a sweep removes old leftovers', async () => {
    const root = tempDir();
    const s = await FsStorage.open(root, { tempMaxAgeMs: 1000 });
    const blobDir = join(root, 'blobs', 'sha256');
    writeFileSync(join(blobDir, '.tmp-blob.123.abc'), 'half a blob');
    writeFileSync(join(root, '.tmp-registry.json.123.abc'), '{"revision":');
    expect(await s.check()).toEqual([]);
    writeFileSync(join(blobDir, 'notes.txt'), 'x');
    expect((await s.check()).map((p) => p.kind)).toEqual(['stray-file']);
    await s.sweepBlobs(referencedDigests);
    expect(readdirSync(blobDir)).toContain('.tmp-blob.123.abc'); // young: a writer may own it
    const old = (Date.now() - 5000) / 1000;
    utimesSync(join(blobDir, '.tmp-blob.123.abc'), old, old);
    utimesSync(join(root, '.tmp-registry.json.123.abc'), old, old);
    await s.sweepBlobs(referencedDigests);
    expect(readdirSync(blobDir)).toEqual(['notes.txt']);
    expect(readdirSync(root).sort()).toEqual(['blobs']);
  });

  it('every flipped byte of a blob is detected on load and by check()', async () => {
    const s = await FsStorage.open(tempDir());
    const bytes = new Uint8Array(64).map((_, i) => i * 7);
    const { digest } = await s.putBlob(bytes);
    const path = join(s.location, 'blobs', 'sha256', digest);
    for (let at = 0; at < bytes.length; at++) {
      flipByte(path, at);
      await expect(s.getBlob(digest)).rejects.toSatisfy(IntegrityError.isInstance);
      expect((await s.check()).map((p) => p.kind)).toEqual(['blob-corrupt']);
      flipByte(path, at);
    }
    expect([...(await s.getBlob(digest))]).toEqual([...bytes]);
  });

  it('a torn or garbled registry.json is an IntegrityError, reported by check()', async () => {
    const root = tempDir();
    const s = await FsStorage.open(root);
    writeFileSync(join(root, 'registry.json'), '{"revision":3,"docu');
    await expect(s.readMetadata()).rejects.toSatisfy(IntegrityError.isInstance);
    expect((await s.check()).map((p) => p.kind)).toEqual(['metadata-unreadable']);
  });
});
