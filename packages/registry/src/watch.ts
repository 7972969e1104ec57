/**
 * Following a registry's changes from any process: {@link ModelRegistry.watch}. A backend with
 * push notifications (`RegistryStorage.subscribe`, PostgreSQL's `LISTEN`/`NOTIFY`) reports a
 * change as soon as it commits; polling every `intervalMs` is the fallback that bounds the delay
 * when notifications are lost (a dropped connection) or the backend has none (a directory), so
 * every watcher sees every pointer move within one interval.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import type { RegistryDocument } from './document.js';
import type { MetadataSnapshot, RegistryStorage } from './storage.js';

/** Options of {@link ModelRegistry.watch}. */
export interface WatchOptions {
  /** Poll the revision this often, in milliseconds (also with notifications). */
  readonly intervalMs: number;
  /** Called when a poll or the listener fails (the watch goes on). Default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/** A running watch. */
export interface RegistryWatch {
  /** Stops polling and notifications. */
  close(): Promise<void>;
}

/** Called with the new document and its revision; awaited before the next call. */
export type WatchListener = (document: RegistryDocument, revision: number) => void | Promise<void>;

/** Starts a watch (see {@link ModelRegistry.watch}). */
export async function startWatch(
  storage: RegistryStorage,
  options: WatchOptions,
  onSnapshot: (snapshot: MetadataSnapshot) => void | Promise<void>,
): Promise<RegistryWatch> {
  const { intervalMs } = options;
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new ValidationError('intervalMs must be a positive finite number', {
      field: 'intervalMs',
      value: intervalMs,
    });
  }
  let last = -1;
  let running = false;
  let again = false;
  const check = async (): Promise<void> => {
    if (running) {
      again = true; // coalesce: one more read after the current one
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const snap = await storage.readMetadata();
        if (snap.revision !== last) {
          last = snap.revision;
          await onSnapshot(snap);
        }
      } while (again);
    } catch (e) {
      options.onError?.(e);
    } finally {
      running = false;
    }
  };
  await check();
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref?.();
  const unsubscribe = await storage.subscribe?.(() => void check());
  return {
    close: async () => {
      clearInterval(timer);
      await unsubscribe?.();
    },
  };
}
