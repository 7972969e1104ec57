/**
 * `@x/data`: streaming readers for real market data. LOBSTER message and orderbook files,
 * incremental L2 CSV and trades CSV (gzip read directly, bounded memory), into `@x/core`'s
 * types, with typed errors naming file, line and column, or a counted skip policy.
 *
 * @packageDocumentation
 */
export { L2BookBuilder } from './book.js';
export {
  type CsvOptions,
  type L2Update,
  readL2Updates,
  readTrades,
  type TimeUnit,
} from './csv.js';
export {
  type LobsterBookOptions,
  type LobsterEventType,
  type LobsterMessage,
  type LobsterOptions,
  type LobsterRow,
  readLobster,
  readLobsterMessages,
  readLobsterOrderbook,
} from './lobster.js';
export type {
  ByteSource,
  OnInvalidLine,
  ReadOptions,
  ReadStats,
  RecordReader,
} from './reader.js';
