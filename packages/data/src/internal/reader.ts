/**
 * The loop every reader shares: chunks in, lines out, one record parsed per line by a parser that
 * reads fields from the bytes, with the skip policy and the error that names file, line, column.
 *
 * @module
 */
import { ValidationError, XError } from '@x/core';
import type { ByteSource, ReadOptions, ReadStats, RecordReader } from '../reader.js';
import { FieldCursor } from './fields.js';
import { byteChunks, sourceName } from './source.js';

/**
 * Parses one line at the cursor (the line's bytes are always followed by a byte of the same
 * buffer: its newline, or its CR): returns the record, `null` for a line that holds no record (a
 * header), or `undefined` when the cursor recorded a failure.
 */
export type LineParser<T> = (c: FieldCursor, line: number) => T | null | undefined;

/** The error for a line the parser refused. */
function lineError(name: string, line: number, column: number, reason: string): ValidationError {
  return new ValidationError(`${name}:${line}:${column}: ${reason}`, {
    field: 'line',
    value: line,
    details: { file: name, line, column, reason },
  });
}

function wrapIoError(e: unknown, name: string): unknown {
  if (XError.isInstance(e)) return e;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new ValidationError(`${name}: not a valid gzip stream (${code})`, {
      field: 'file',
      value: name,
      details: { file: name, code },
      cause: e,
    });
  }
  return e;
}

/** Appended to a last line without one: every line a parser sees is followed by its newline. */
const NEWLINE = Buffer.from('\n');

/**
 * Reads a source chunk by chunk, calling `emit` synchronously for each record of a chunk, then
 * yielding once, so the consumer sets the pace (memory is bounded by one chunk); `stats` is
 * updated as lines are read.
 */
async function* readChunks<T>(
  src: ByteSource,
  parse: LineParser<T>,
  stats: ReadStats,
  options: ReadOptions,
  emit: (record: T) => void,
): AsyncGenerator<void> {
  const name = sourceName(src, options.name);
  const skipMode = options.onInvalid === 'skip';
  if (options.onInvalid !== undefined && options.onInvalid !== 'throw' && !skipMode) {
    throw new ValidationError("onInvalid must be 'throw' or 'skip'", {
      field: 'onInvalid',
      value: options.onInvalid,
    });
  }
  const skipLines = options.skipLines ?? 0;
  if (!Number.isSafeInteger(skipLines) || skipLines < 0) {
    throw new ValidationError('skipLines must be an integer >= 0', {
      field: 'skipLines',
      value: skipLines,
    });
  }
  const cursor = new FieldCursor();
  const onLine = (buf: Buffer, start: number, end: number) => {
    const line = ++stats.lines;
    if (end > start && buf[end - 1] === 13) end--; // CRLF
    if (line <= skipLines || end === start) return;
    cursor.reset(buf, start, end);
    const r = parse(cursor, line);
    if (r === undefined || cursor.failed) {
      const err = lineError(name, line, cursor.failColumn || 1, cursor.failReason || 'malformed');
      if (!skipMode) throw err;
      stats.skipped++;
      stats.firstSkipped ??= err;
      return;
    }
    if (r !== null) {
      stats.records++;
      emit(r);
    }
  };
  let carry: Buffer | null = null;
  const chunks = byteChunks(src);
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (e) {
      throw wrapIoError(e, name);
    }
    if (next.done === true) break;
    const buf = next.value;
    let start = 0;
    if (carry !== null) {
      // only the line cut by the chunk boundary is joined (not the whole chunk, which would copy
      // every byte of the input once more)
      const nl = buf.indexOf(10);
      if (nl < 0) {
        carry = Buffer.concat([carry, buf]);
        yield;
        continue;
      }
      const joined = Buffer.concat([carry, buf.subarray(0, nl + 1)]); // with its newline
      carry = null;
      onLine(joined, 0, joined.length - 1);
      start = nl + 1;
    }
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      onLine(buf, start, nl);
      start = nl + 1;
    }
    if (start < buf.length) carry = buf.subarray(start);
    yield;
  }
  if (carry !== null) onLine(Buffer.concat([carry, NEWLINE]), 0, carry.length);
}

/** Fresh, empty stats. */
function newStats(): ReadStats {
  return { lines: 0, records: 0, skipped: 0, firstSkipped: undefined };
}

/** The one implementation of {@link RecordReader}. */
export class Reader<T> implements RecordReader<T> {
  readonly stats: ReadStats = newStats();

  constructor(
    private readonly src: ByteSource,
    private readonly parse: LineParser<T>,
    private readonly options: ReadOptions,
  ) {}

  async forEach(fn: (record: T) => void): Promise<ReadStats> {
    // records go straight to the consumer: none outlives its line unless the consumer keeps it
    for await (const _ of readChunks(this.src, this.parse, this.reset(), this.options, fn)) {
    }
    return this.stats;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    const batch: T[] = [];
    const push = (r: T) => {
      batch.push(r);
    };
    for await (const _ of readChunks(this.src, this.parse, this.reset(), this.options, push)) {
      yield* batch;
      batch.length = 0;
    }
    yield* batch;
  }

  async toArray(): Promise<T[]> {
    const out: T[] = [];
    await this.forEach((r) => {
      out.push(r);
    });
    return out;
  }

  private reset(): ReadStats {
    this.stats.lines = 0;
    this.stats.records = 0;
    this.stats.skipped = 0;
    this.stats.firstSkipped = undefined;
    return this.stats;
  }
}
