/**
 * Byte sources: a file path, a Node readable stream, or any (async) iterable of byte chunks, read
 * in chunks with bounded memory; gzip input (by its magic bytes) is inflated on the way through.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ByteSource } from '../reader.js';

const CHUNK = 1 << 20;

function asIterable(src: ByteSource): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  if (typeof src === 'string') return createReadStream(src, { highWaterMark: CHUNK });
  return src as AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

async function* prepend(
  first: Uint8Array,
  rest: AsyncIterator<Uint8Array> | Iterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield first;
  for (let r = await rest.next(); r.done !== true; r = await rest.next()) yield r.value;
}

/**
 * The source's bytes in chunks, inflated when they start with the gzip magic bytes (1f 8b).
 * @param src - the source
 * @returns chunks as Buffers, in order
 */
export async function* byteChunks(src: ByteSource): AsyncGenerator<Buffer> {
  const iterable = asIterable(src);
  const it =
    Symbol.asyncIterator in iterable
      ? (iterable as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
      : (iterable as Iterable<Uint8Array>)[Symbol.iterator]();
  // the first two bytes decide gzip: gather them even when the chunks are tiny
  let head: Uint8Array = new Uint8Array(0);
  while (head.length < 2) {
    const r = await it.next();
    if (r.done === true) break;
    head = head.length === 0 ? r.value : Buffer.concat([head, r.value]);
  }
  if (head.length === 0) return;
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: 1 << 16 });
    // pipeline destroys the gunzip stream with any error of the source, so iterating it throws it
    pipeline(Readable.from(prepend(head, it)), gunzip, () => {});
    for await (const c of gunzip) yield c as Buffer;
    return;
  }
  yield Buffer.isBuffer(head) ? head : Buffer.from(head.buffer, head.byteOffset, head.length);
  for (let r = await it.next(); r.done !== true; r = await it.next()) {
    const v = r.value;
    yield Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length);
  }
}

/** A printable name for a source, for error messages. */
export function sourceName(src: ByteSource, given: string | undefined): string {
  if (given !== undefined) return given;
  return typeof src === 'string' ? src : '<stream>';
}
