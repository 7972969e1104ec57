/**
 * `@x/microstructure`: streaming and batch order-book features.
 *
 * @packageDocumentation
 */
export type { InvalidPolicy } from './internal/book.js';
export {
  type L2Rows,
  MultiLevelOfi,
  type MultiLevelOfiBatch,
  type MultiLevelOfiOptions,
  multiLevelOfiBatch,
  type OfiLevelMode,
  OfiWindow,
  type OfiWindowOptions,
  ofiContribution,
} from './ofi.js';
