/**
 * The embedded backend: a directory on the local filesystem, no server.
 *
 * ```
 * <root>/registry.json        {"revision":N,"document":{...}}: the metadata
 * <root>/registry.lock/       proper-lockfile's lock, held only around the swap
 * <root>/blobs/sha256/<hex>   artifacts, content-addressed, written once
 * ```
 *
 * Blobs are written to a temporary file in their directory (SHA-256 computed while writing),
 * fsynced, linked into place (never overwriting) and the directory fsynced. The metadata swap
 * writes and fsyncs the new document beside `registry.json` before taking the lock, then under
 * the lock checks the revision and the required blobs and renames; the directory is fsynced
 * before the swap returns.
 *
 * @module
 */
import { link, mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { IntegrityError, NotFoundError } from '@x/core';
import lockfile from 'proper-lockfile';
import { emptyDocument, type RegistryDocument } from './document.js';
import { fsyncDir, readHashed, TEMP_PREFIX, tempPathFor, writeHashed } from './internal/durable.js';
import {
  assertDigest,
  type BlobInfo,
  type CasResult,
  isDigest,
  type MetadataSnapshot,
  type RegistryStorage,
  type StorageProblem,
  type SweepOptions,
} from './storage.js';

/** Options of {@link FsStorage.open}. */
export interface FsStorageOptions {
  /**
   * A lock not refreshed for this long is taken over (a writer that died holding it). At least
   * 2000 ms (proper-lockfile's floor); default 10 000.
   */
  readonly lockStaleMs?: number;
  /** How long to keep trying for the lock before failing, in milliseconds. Default 60 000. */
  readonly lockTimeoutMs?: number;
  /** Temporary files older than this are removed by a sweep (crash leftovers). Default 1 hour. */
  readonly tempMaxAgeMs?: number;
}

const META = 'registry.json';
const REVISION = /^\{"revision":(\d+),/;

function isMissing(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'ENOENT';
}

/**
 * A {@link RegistryStorage} in a local directory, safe for several processes at once.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { FsStorage } from '@x/registry';
 *
 * const storage = await FsStorage.open(mkdtempSync(join(tmpdir(), 'reg-')));
 * const blob = await storage.putBlob(new TextEncoder().encode('weights'));
 * (await storage.getBlob(blob.digest)).byteLength; // 7
 * ```
 */
export class FsStorage implements RegistryStorage {
  readonly location: string;
  private readonly blobDir: string;
  private readonly metaPath: string;
  private readonly staleMs: number;
  private readonly lockTimeoutMs: number;
  private readonly tempMaxAgeMs: number;

  private constructor(root: string, options: FsStorageOptions) {
    this.location = root;
    this.blobDir = join(root, 'blobs', 'sha256');
    this.metaPath = join(root, META);
    this.staleMs = Math.max(2000, options.lockStaleMs ?? 10_000);
    this.lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
    this.tempMaxAgeMs = options.tempMaxAgeMs ?? 3_600_000;
  }

  /**
   * Opens (creating if needed) a store in `root`.
   * @param root - the directory
   * @param options - lock and clean-up settings
   */
  static async open(root: string, options: FsStorageOptions = {}): Promise<FsStorage> {
    const s = new FsStorage(root, options);
    await mkdir(s.blobDir, { recursive: true });
    return s;
  }

  private blobPath(digest: string): string {
    assertDigest(digest);
    return join(this.blobDir, digest);
  }

  async putBlob(bytes: Uint8Array): Promise<BlobInfo> {
    const tmp = tempPathFor(join(this.blobDir, 'blob'));
    try {
      const digest = await writeHashed(tmp, bytes);
      try {
        await link(tmp, this.blobPath(digest));
        await fsyncDir(this.blobDir);
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST') throw e;
      }
      return { digest, size: bytes.byteLength };
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  async getBlob(digest: string): Promise<Uint8Array> {
    const path = this.blobPath(digest);
    let read: Awaited<ReturnType<typeof readHashed>>;
    try {
      read = await readHashed(path);
    } catch (e) {
      if (isMissing(e)) throw new NotFoundError('blob', digest);
      throw e;
    }
    if (read.truncated || read.digest !== digest) {
      throw new IntegrityError(`blob ${digest} does not match its SHA-256 (found ${read.digest})`, {
        details: { digest, actual: read.digest, rule: 'sha256' },
      });
    }
    return read.bytes;
  }

  async hasBlob(digest: string): Promise<boolean> {
    try {
      return (await stat(this.blobPath(digest))).isFile();
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  async listBlobs(): Promise<BlobInfo[]> {
    const out: BlobInfo[] = [];
    for (const name of await readdir(this.blobDir)) {
      if (!isDigest(name)) continue;
      try {
        out.push({ digest: name, size: (await stat(join(this.blobDir, name))).size });
      } catch (e) {
        if (!isMissing(e)) throw e; // swept meanwhile
      }
    }
    return out.sort((a, b) => (a.digest < b.digest ? -1 : 1));
  }

  async readMetadata(): Promise<MetadataSnapshot> {
    let text: string;
    try {
      text = await readFile(this.metaPath, 'utf8');
    } catch (e) {
      if (isMissing(e)) return { revision: 0, document: emptyDocument() };
      throw e;
    }
    try {
      const parsed = JSON.parse(text) as { revision: number; document: RegistryDocument };
      if (!Number.isSafeInteger(parsed.revision) || typeof parsed.document !== 'object') {
        throw new Error('missing revision or document');
      }
      return parsed;
    } catch (cause) {
      throw new IntegrityError(`${this.metaPath} is not a valid registry document`, {
        cause,
        details: { rule: 'metadata' },
      });
    }
  }

  private async currentRevision(): Promise<number> {
    try {
      const head = (await readFile(this.metaPath, 'utf8')).slice(0, 40);
      const m = REVISION.exec(head);
      if (m === null) throw new IntegrityError(`${this.metaPath} has no revision`);
      return Number(m[1]);
    } catch (e) {
      if (isMissing(e)) return 0;
      throw e;
    }
  }

  /** Runs `fn` holding the store's lock. */
  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    let compromised: Error | undefined;
    const release = await lockfile.lock(this.location, {
      lockfilePath: join(this.location, 'registry.lock'),
      realpath: false,
      stale: this.staleMs,
      retries: {
        retries: Math.ceil(this.lockTimeoutMs / 25),
        minTimeout: 2,
        maxTimeout: 50,
        randomize: true,
      },
      onCompromised: (err) => {
        compromised = err;
      },
    });
    try {
      const out = await fn();
      if (compromised !== undefined) throw compromised;
      return out;
    } finally {
      await release().catch(() => undefined);
    }
  }

  async compareAndSwap(
    expectedRevision: number,
    document: RegistryDocument,
    requiredBlobs: readonly string[],
  ): Promise<CasResult> {
    const tmp = tempPathFor(this.metaPath);
    const text = `{"revision":${expectedRevision + 1},"document":${JSON.stringify(document)}}`;
    await writeHashed(tmp, new TextEncoder().encode(text));
    try {
      const result: CasResult = await this.locked(async () => {
        const current = await this.currentRevision();
        if (current !== expectedRevision) {
          return { ok: false, reason: 'revision', currentRevision: current } as const;
        }
        for (const d of requiredBlobs) {
          if (!(await this.hasBlob(d))) {
            return {
              ok: false,
              reason: 'missing-blob',
              currentRevision: current,
              digest: d,
            } as const;
          }
        }
        await rename(tmp, this.metaPath);
        return { ok: true, revision: expectedRevision + 1 } as const;
      });
      // Durable before returning. Outside the lock: an fsync of the directory persists its
      // latest entries, so a later writer's fsync also covers this rename, and nobody returns
      // before the state it built on is on disk.
      if (result.ok) await fsyncDir(this.location);
      return result;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  async sweepBlobs(
    referenced: (document: RegistryDocument) => ReadonlySet<string>,
    options: SweepOptions = {},
  ): Promise<string[]> {
    const minAge = options.minAgeMs ?? 0;
    return this.locked(async () => {
      const keep = referenced((await this.readMetadata()).document);
      const now = Date.now();
      const deleted: string[] = [];
      for (const [dir, names] of [
        [this.blobDir, await readdir(this.blobDir)],
        [this.location, await readdir(this.location)],
      ] as const) {
        for (const name of names) {
          const path = join(dir, name);
          const isTemp = name.startsWith(TEMP_PREFIX);
          if (!isTemp && (dir !== this.blobDir || !isDigest(name) || keep.has(name))) continue;
          try {
            const st = await stat(path);
            if (now - st.mtimeMs < (isTemp ? Math.max(minAge, this.tempMaxAgeMs) : minAge)) {
              continue;
            }
            await unlink(path);
            if (!isTemp) deleted.push(name);
          } catch (e) {
            if (!isMissing(e)) throw e;
          }
        }
        await fsyncDir(dir);
      }
      return deleted.sort();
    });
  }

  async check(): Promise<StorageProblem[]> {
    const problems: StorageProblem[] = [];
    try {
      await this.readMetadata();
    } catch (e) {
      problems.push({ kind: 'metadata-unreadable', message: (e as Error).message });
    }
    for (const name of await readdir(this.blobDir)) {
      if (name.startsWith(TEMP_PREFIX)) continue;
      if (!isDigest(name)) {
        problems.push({ kind: 'stray-file', message: `unexpected file blobs/sha256/${name}` });
        continue;
      }
      try {
        await this.getBlob(name);
      } catch (e) {
        if (NotFoundError.isInstance(e)) continue; // swept meanwhile
        problems.push({
          kind: IntegrityError.isInstance(e) ? 'blob-corrupt' : 'blob-unreadable',
          digest: name,
          message: (e as Error).message,
        });
      }
    }
    return problems;
  }

  async close(): Promise<void> {
    // nothing held between calls
  }
}
