/**
 * `@x/microstructure`: streaming and batch order-book features.
 *
 * @packageDocumentation
 */

export {
  type CancelBurst,
  CancelBurstDetector,
  type CancelBurstOptions,
} from './cancel-burst.js';
export {
  BookFeatures,
  type BookFeaturesOptions,
  depthImbalance,
  depthImbalanceBatch,
  type ImbalanceOptions,
} from './imbalance.js';
export {
  fitIntegratedOfi,
  IntegratedOfi,
  type IntegratedOfiFit,
  type IntegratedOfiWalkForward,
  integratedOfi,
  integratedOfiWalkForward,
  scaledOfi,
} from './integrated-ofi.js';
export type { InvalidPolicy } from './internal/book.js';
export { L3QueueTracker, type L3QueueTrackerOptions } from './l3-queue.js';
export {
  fitStoikovMicroPrice,
  imbalanceWeightedMid,
  MicroPriceTracker,
  type MicroPriceTrackerOptions,
  type QuoteSeries,
  StoikovMicroPrice,
  type StoikovMicroPriceState,
  type StoikovOptions,
} from './microprice.js';
export {
  MultiLevelOfi,
  type MultiLevelOfiOptions,
  type OfiLevelMode,
  ofiContribution,
} from './ofi.js';
export { type L2Rows, type MultiLevelOfiBatch, multiLevelOfiBatch } from './ofi-batch.js';
export { OfiWindow, type OfiWindowOptions, type OfiWindowRecord } from './ofi-window.js';
export {
  DepletionRate,
  type DepletionRateOptions,
  expectedTimeToFill,
  fillProbability,
  type L2QueueModel,
  L2QueuePosition,
  type L2QueuePositionOptions,
} from './queue.js';
export {
  KaplanMeier,
  type KaplanMeierOptions,
  type LevelEnd,
  type SurvivalCurve,
  TopOfBookSurvival,
  type TopOfBookSurvivalOptions,
} from './survival.js';
export {
  executionSlippage,
  type PriceDeviation,
  priceDeviation,
  RollingTwap,
  RollingVwap,
  type RollingWindowOptions,
} from './vwap.js';
