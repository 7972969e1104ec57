/**
 * The storage contract every registry backend implements: content-addressed blobs, and one
 * metadata document replaced by compare-and-swap on a revision. Nothing here assumes a
 * filesystem; a database backend implements the same methods and passes the same conformance
 * suite (`@x/registry/testing`).
 *
 * @module
 */
import { ValidationError } from '@x/core';
import type { RegistryDocument } from './document.js';

/** A stored blob: its SHA-256 digest (lowercase hex) and size. */
export interface BlobInfo {
  /** SHA-256 of the content, 64 lowercase hex digits. */
  readonly digest: string;
  /** Size in bytes. */
  readonly size: number;
}

/** The metadata document and the revision it was read at (0 for a new store). */
export interface MetadataSnapshot {
  /** Increases by one with every successful {@link RegistryStorage.compareAndSwap}. */
  readonly revision: number;
  /** The document. */
  readonly document: RegistryDocument;
}

/** The outcome of a {@link RegistryStorage.compareAndSwap}. */
export type CasResult =
  | {
      /** The document was replaced. */
      readonly ok: true;
      /** The new revision. */
      readonly revision: number;
    }
  | {
      /** Nothing changed. */
      readonly ok: false;
      /** `'revision'`: someone else wrote first; `'missing-blob'`: a required blob is gone (collected). */
      readonly reason: 'revision' | 'missing-blob';
      /** The revision found in the store. */
      readonly currentRevision: number;
      /** The missing digest, for `'missing-blob'`. */
      readonly digest?: string;
    };

/** A problem a backend found in its own storage (see {@link RegistryStorage.check}). */
export interface StorageProblem {
  /** A short machine-readable kind, such as `'blob-corrupt'` or `'stray-file'`. */
  readonly kind: string;
  /** The blob concerned, when there is one. */
  readonly digest?: string;
  /** What is wrong. */
  readonly message: string;
}

/** Options of {@link RegistryStorage.sweepBlobs}. */
export interface SweepOptions {
  /** Keep blobs (and temporary files) younger than this, in milliseconds. Default 0. */
  readonly minAgeMs?: number;
}

/**
 * A registry backend. Every method is asynchronous and safe to call from several processes at
 * once; the contract is checked by `storageConformance` in `@x/registry/testing`.
 *
 * - Blobs are immutable and addressed by their SHA-256: writing the same bytes twice stores one
 *   blob; a read verifies the digest and never returns corrupt bytes.
 * - The metadata document changes only through {@link RegistryStorage.compareAndSwap}, which is
 *   atomic and durable: after it resolves `ok`, a crash cannot lose or tear the document.
 */
export interface RegistryStorage {
  /** Where the store is, for messages (a directory, a connection string without secrets). */
  readonly location: string;
  /**
   * Stores bytes durably under their SHA-256 (computed while writing). Idempotent.
   * @param bytes - the content
   * @returns the digest and size
   */
  putBlob(bytes: Uint8Array): Promise<BlobInfo>;
  /**
   * Reads a blob and verifies its SHA-256.
   * @param digest - the blob's digest
   * @returns the content, in a buffer aligned for any typed-array view
   * @throws `NotFoundError` when absent; `IntegrityError` when the content does not match
   */
  getBlob(digest: string): Promise<Uint8Array>;
  /**
   * Whether a blob is present (without reading it).
   * @param digest - the blob's digest
   */
  hasBlob(digest: string): Promise<boolean>;
  /** Every stored blob. */
  listBlobs(): Promise<BlobInfo[]>;
  /** The current metadata document and its revision. */
  readMetadata(): Promise<MetadataSnapshot>;
  /**
   * Replaces the document if the store is still at `expectedRevision` and every digest in
   * `requiredBlobs` is present, atomically and durably.
   * @param expectedRevision - the revision the change was computed from
   * @param document - the new document
   * @param requiredBlobs - digests the new document references that must exist
   */
  compareAndSwap(
    expectedRevision: number,
    document: RegistryDocument,
    requiredBlobs: readonly string[],
  ): Promise<CasResult>;
  /**
   * Deletes the blobs the current document does not reference, under the same serialisation as
   * {@link RegistryStorage.compareAndSwap}, so a concurrent writer either sees its blob missing
   * (and writes it again) or the sweep sees it referenced.
   * @param referenced - the digests a document references
   * @param options - age threshold
   * @returns the deleted digests
   */
  sweepBlobs(
    referenced: (document: RegistryDocument) => ReadonlySet<string>,
    options?: SweepOptions,
  ): Promise<string[]>;
  /** Backend-level checks (every blob's digest, unreadable or stray entries); the registry's `verify()` adds the document checks. */
  check(): Promise<StorageProblem[]>;
  /**
   * Optional: a read-modify-write under the store's write lock. `change` gets the current
   * snapshot and returns the new document (or throws, which changes nothing and rejects with its
   * error); concurrent writers queue instead of losing a compare-and-swap and retrying. The
   * registry uses it when present, {@link RegistryStorage.compareAndSwap} otherwise.
   * @param change - computes the new document and the blobs it needs from the snapshot
   * @returns as {@link RegistryStorage.compareAndSwap}; `'missing-blob'` when a required blob is gone
   */
  update?(
    change: (snapshot: MetadataSnapshot) => {
      readonly document: RegistryDocument;
      readonly requiredBlobs: readonly string[];
    },
  ): Promise<CasResult>;
  /**
   * Optional push notification of changes made by any process (a database's `LISTEN`/`NOTIFY`).
   * Backends without it are polled; `ModelRegistry.watch` uses both when it is present.
   * @param onChange - called after a committed change (possibly spuriously); read the metadata
   * @returns a function that stops the notifications
   */
  subscribe?(onChange: () => void): Promise<() => Promise<void>>;
  /** Releases resources (connections, timers). */
  close(): Promise<void>;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Whether a string is a SHA-256 digest in the registry's form (64 lowercase hex digits).
 * @param digest - the candidate
 */
export function isDigest(digest: string): boolean {
  return HEX64.test(digest);
}

/**
 * Refuses a string that is not a digest in the registry's form (what every backend checks before
 * it touches a blob).
 * @param digest - the candidate
 * @throws `ValidationError` (from `@x/core`) naming the field `digest`
 */
export function assertDigest(digest: string): void {
  if (!isDigest(digest)) {
    throw new ValidationError('a digest is 64 lowercase hex digits', {
      field: 'digest',
      value: digest,
    });
  }
}
