/**
 * A `LISTEN` on a dedicated connection that reconnects by itself (every 500 ms while the server
 * is away) and reports each reconnect as a change, since notifications sent meanwhile are lost.
 */
import pg from 'pg';

const RETRY_MS = 500;

/** Listens on `channel`; resolves once the first attempt has connected or failed. */
export async function listen(
  config: pg.ClientConfig,
  channel: string,
  onChange: () => void,
): Promise<() => Promise<void>> {
  let closed = false;
  let current: pg.Client | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const schedule = () => {
    if (closed || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void open(false);
    }, RETRY_MS);
    timer.unref?.();
  };

  const open = async (first: boolean) => {
    const c = new pg.Client(config);
    c.on('error', () => undefined);
    c.on('notification', (n) => {
      if (n.channel === channel) onChange();
    });
    c.on('end', () => {
      if (current === c) current = undefined;
      schedule();
    });
    try {
      await c.connect();
      await c.query(`LISTEN "${channel}"`);
    } catch {
      await c.end().catch(() => undefined);
      schedule();
      return;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    current = c;
    if (!first) onChange();
  };

  await open(true);
  return async () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    await current?.end().catch(() => undefined);
  };
}
