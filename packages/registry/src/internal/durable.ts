/**
 * Durable file writes: a temporary file in the target's directory, fsync, then rename (or link)
 * into place and fsync the directory, so a crash leaves either the old file or the new one,
 * never a torn one, and a completed write survives power loss.
 */
import { createHash, type Hash, randomBytes } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Prefix of every temporary file; `verify()` and `gc()` recognise them by it. */
export const TEMP_PREFIX = '.tmp-';

/** A unique temporary path beside `target`. */
export function tempPathFor(target: string): string {
  return join(
    dirname(target),
    `${TEMP_PREFIX}${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}`,
  );
}

/** fsync a directory so a rename or unlink in it is durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const CHUNK = 1 << 20;

/**
 * Writes `bytes` to a new file at `path` in 1 MiB chunks, hashing each chunk just before writing
 * it, then fsyncs and closes. Returns the SHA-256 (hex).
 */
export async function writeHashed(path: string, bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(path, 'wx');
  try {
    for (let at = 0; at < bytes.byteLength; at += CHUNK) {
      const chunk = bytes.subarray(at, Math.min(bytes.byteLength, at + CHUNK));
      hash.update(chunk);
      let done = 0;
      while (done < chunk.byteLength) {
        const { bytesWritten } = await fh.write(chunk, done, chunk.byteLength - done);
        done += bytesWritten;
      }
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

async function readInto(fh: FileHandle, out: Uint8Array, hash: Hash): Promise<number> {
  let at = 0;
  while (at < out.byteLength) {
    const want = Math.min(CHUNK * 4, out.byteLength - at);
    const { bytesRead } = await fh.read(out, at, want, at);
    if (bytesRead === 0) break;
    hash.update(out.subarray(at, at + bytesRead));
    at += bytesRead;
  }
  return at;
}

/**
 * Reads a whole file into a fresh (hence aligned) buffer, hashing while reading.
 * @returns the bytes and their SHA-256 (hex); `truncated` when the file shrank while read
 */
export async function readHashed(
  path: string,
): Promise<{ bytes: Uint8Array; digest: string; truncated: boolean }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const bytes = new Uint8Array(size);
    const hash = createHash('sha256');
    const got = await readInto(fh, bytes, hash);
    return { bytes, digest: hash.digest('hex'), truncated: got !== size };
  } finally {
    await fh.close();
  }
}
