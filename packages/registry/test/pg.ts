/**
 * The PostgreSQL server of the tests: `X_PG_URL` (set by `scripts/pg-server.mjs`, which `.ci/run`
 * starts). Absent, the tests that need it skip with a message; absent in CI (CI set), they fail.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { it } from 'vitest';

/** The server's URL, or undefined. */
export const PG_URL = process.env.X_PG_URL;

/** `describe.skipIf` argument; also registers a failing test in CI when the server is missing. */
export function pgMissing(what: string): boolean {
  if (PG_URL !== undefined) return false;
  console.warn(
    `${what}: X_PG_URL is not set${process.env.CI ? ' (CI: failing)' : ', skipping (node scripts/pg-server.mjs start)'}`,
  );
  if (process.env.CI) {
    it(`${what} needs a PostgreSQL server (X_PG_URL)`, () => {
      throw new Error('X_PG_URL is not set in CI');
    });
  }
  return true;
}

/** A schema name no other test uses. */
export function freshSchema(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Runs one SQL statement on a short-lived connection. */
export async function sql(
  text: string,
  values: unknown[] = [],
  url = PG_URL,
): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
}
