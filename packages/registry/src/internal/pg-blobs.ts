/**
 * Blobs in PostgreSQL: one `blobs` row (digest, size, chunk count) and the content in
 * `blob_chunks` rows of at most `chunkBytes` each, written in one transaction (a blob is there
 * whole or not at all). A read is one binary `COPY` of the chunks, in order, straight into a single buffer of
 * the final size, hashed as it arrives, so a large artifact is never held twice (and never as
 * hex text).
 */
import { createHash } from 'node:crypto';
import { IntegrityError, NotFoundError } from '@x/core';
import type { PoolClient } from 'pg';
import { BinaryCopyInto } from './pg-copy.js';

/** SHA-256 of `bytes`, hashed in 1 MiB views (no copy). */
export function sha256Hex(bytes: Uint8Array): string {
  const hash = createHash('sha256');
  for (let at = 0; at < bytes.byteLength; at += 1 << 20) {
    hash.update(bytes.subarray(at, Math.min(bytes.byteLength, at + (1 << 20))));
  }
  return hash.digest('hex');
}

function view(bytes: Uint8Array, at: number, end: number): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset + at, end - at);
}

/**
 * Inserts a blob inside the caller's transaction unless it exists (a concurrent writer of the
 * same digest makes the insert wait for it, then do nothing).
 */
export async function insertBlob(
  c: PoolClient,
  s: string,
  digest: string,
  bytes: Uint8Array,
  chunkBytes: number,
): Promise<void> {
  const chunks = Math.ceil(bytes.byteLength / chunkBytes);
  const made = await c.query(
    `INSERT INTO ${s}.blobs (digest, size, chunks) VALUES ($1, $2, $3)
     ON CONFLICT (digest) DO NOTHING RETURNING 1`,
    [digest, bytes.byteLength, chunks],
  );
  if (made.rowCount === 0) return;
  for (let i = 0; i < chunks; i++) {
    const end = Math.min(bytes.byteLength, (i + 1) * chunkBytes);
    await c.query(`INSERT INTO ${s}.blob_chunks (digest, idx, data) VALUES ($1, $2, $3)`, [
      digest,
      i,
      view(bytes, i * chunkBytes, end),
    ]);
  }
}

/**
 * Reads and verifies a blob, inside the caller's (repeatable-read) transaction.
 * @throws `NotFoundError`; `IntegrityError` when a chunk is missing, resized or the SHA-256 differs
 */
export async function readBlob(c: PoolClient, s: string, digest: string): Promise<Uint8Array> {
  const head = await c.query<{ size: string; chunks: number }>(
    `SELECT size, chunks FROM ${s}.blobs WHERE digest = $1`,
    [digest],
  );
  const row = head.rows[0];
  if (row === undefined) throw new NotFoundError('blob', digest);
  const size = Number(row.size);
  const out = new Uint8Array(size);
  const hash = createHash('sha256');
  const corrupt = (why: string, actual?: string) =>
    new IntegrityError(`blob ${digest} ${why}`, {
      details: { digest, rule: 'sha256', ...(actual === undefined ? {} : { actual }) },
    });
  // the digest is validated hex, so it can be spelled into the COPY (which takes no parameters)
  const copy = new BinaryCopyInto(
    `COPY (SELECT data FROM ${s}.blob_chunks WHERE digest = '${digest}' ORDER BY idx)
     TO STDOUT (FORMAT binary)`,
    out,
    hash,
  );
  c.query(copy);
  try {
    await copy.done;
  } catch (e) {
    if (e instanceof RangeError) throw corrupt('is longer than its recorded size');
    throw e;
  }
  if (copy.rows !== row.chunks) throw corrupt(`has ${copy.rows} chunks, not ${row.chunks}`);
  const at = copy.written;
  if (at !== size) throw corrupt(`is ${at} bytes, not its recorded ${size}`);
  const actual = hash.digest('hex');
  if (actual !== digest) throw corrupt(`does not match its SHA-256 (found ${actual})`, actual);
  return out;
}
