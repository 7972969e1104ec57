/** Which node-postgres failures mean "the database is unreachable" rather than a bad request. */
import { StorageUnavailableError } from '../errors.js';

const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections
const SQL_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = [
  'Connection terminated',
  'connection error',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
];

/** Whether `e` is a lost or refused connection. */
function isConnectionError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (NET_CODES.has(code) || SQL_STATES.has(code))) return true;
  if (typeof code === 'string' && code.startsWith('08')) return true; // connection_exception
  const msg = (e as { message?: unknown }).message;
  if (typeof msg === 'string' && MESSAGES.some((m) => msg.includes(m))) return true;
  const errors = (e as { errors?: unknown }).errors; // AggregateError of a dual-stack connect
  return Array.isArray(errors) && errors.some(isConnectionError);
}

/** `e` as a {@link StorageUnavailableError} when it is a connection failure, else unchanged. */
export function wrapConnectionError(e: unknown, location: string): unknown {
  if (!isConnectionError(e) || StorageUnavailableError.isInstance(e)) return e;
  return new StorageUnavailableError(
    `PostgreSQL at ${location} is unavailable: ${(e as Error).message}`,
    { location, cause: e },
  );
}
