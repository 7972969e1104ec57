/**
 * What every reader shares: options (skip policy, name for errors), the stats of a read, and the
 * {@link RecordReader} shape (`for await`, or the faster `forEach`).
 *
 * @module
 */
import type { ValidationError } from '@x/core';

/**
 * Where a reader's bytes come from: a file path (read in 1 MiB chunks), or any async iterable or
 * iterable of byte chunks, which a Node readable stream (`fs.createReadStream`, a socket, a
 * response body) is. Input that starts with the gzip magic bytes is inflated on the way through,
 * whatever its name. The type names no Node type, so it needs no `@types/node` in your project.
 */
export type ByteSource = string | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** What a reader does with a malformed line. */
export type OnInvalidLine = 'throw' | 'skip';

/** Options every reader takes. */
export interface ReadOptions {
  /** `'throw'` (default): a malformed line is a `ValidationError`; `'skip'`: counted and skipped. */
  readonly onInvalid?: OnInvalidLine;
  /** The name used in error messages (the path by default, `<stream>` for streams). */
  readonly name?: string;
  /** Lines to skip at the start before any header detection (0 by default). */
  readonly skipLines?: number;
}

/** What a finished read saw. */
export interface ReadStats {
  /** Lines read, including skipped and header lines. */
  lines: number;
  /** Records produced. */
  records: number;
  /** Malformed lines skipped under `onInvalid: 'skip'`. */
  skipped: number;
  /** The first skipped line's error, for a report (undefined when nothing was skipped). */
  firstSkipped: ValidationError | undefined;
}

/**
 * A streaming reader of one file or stream: iterate its records with `for await`, or pass a
 * callback to {@link RecordReader.forEach} (the fast path: records of each chunk of input are
 * handed over synchronously, one await per chunk rather than per record). Memory stays bounded by
 * one chunk (1 MiB of input) whatever the file's size. Each pass reads the source again (a path
 * can be read many times, a stream once); {@link RecordReader.stats} describes the last pass.
 */
export interface RecordReader<T> extends AsyncIterable<T> {
  /** What the last (or current) pass saw. */
  readonly stats: ReadStats;
  /**
   * Calls `fn` for each record, in order.
   * @param fn - the consumer, called synchronously within each chunk
   * @returns the stats once the source ends
   * @throws `ValidationError` on the first malformed line (policy `'throw'`), naming the file,
   *   line and column; I/O errors as Node reports them
   */
  forEach(fn: (record: T) => void): Promise<ReadStats>;
  /** Reads every record into an array (for small files and tests). */
  toArray(): Promise<T[]>;
}
