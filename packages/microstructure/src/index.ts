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
  type HasbrouckReturnEquation,
  type HasbrouckTradeEquation,
  type HasbrouckVar,
  type HasbrouckVarOptions,
  hasbrouckVar,
} from './hasbrouck-var.js';
export {
  type Estimate,
  type HuangStollFit,
  type HuangStollOptions,
  huangStoll,
} from './huang-stoll.js';
export {
  BookFeatures,
  type BookFeaturesOptions,
  depthImbalance,
  depthImbalanceBatch,
  type ImbalanceOptions,
} from './imbalance.js';
export {
  type InformationShare,
  type InformationShareOptions,
  informationShare,
} from './information-share.js';
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
  type CovType,
  hasbrouckLambda,
  type ImpactRegression,
  type ImpactRegressionOptions,
  kyleLambda,
  type TradeBars,
  tradeBars,
} from './lambda.js';
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
  type AutocovNoiseEstimate,
  type NoiseEstimate,
  type NoiseOptions,
  noiseVarianceAutocov,
  noiseVarianceRv,
  type OptimalSampling,
  type OptimalSamplingOptions,
  optimalSamplingFrequency,
  type RvNoiseEstimate,
  type RvNoiseOptions,
  type Tsrv,
  type TsrvOptions,
  tsrv,
} from './noise.js';
export {
  MultiLevelOfi,
  type MultiLevelOfiOptions,
  type OfiLevelMode,
  ofiContribution,
} from './ofi.js';
export { type MultiLevelOfiBatch, multiLevelOfiBatch } from './ofi-batch.js';
export { OfiWindow, type OfiWindowOptions, type OfiWindowRecord } from './ofi-window.js';
export {
  DepletionRate,
  type DepletionRateOptions,
  expectedTimeToFill,
  fillProbability,
  type L2QueueModel,
  L2QueuePosition,
  type L2QueuePositionOptions,
  l2QueueModel,
} from './queue.js';
export { RollingKyleLambda, type RollingKyleLambdaOptions } from './rolling-kyle.js';
export {
  type HorizonSpreads,
  type QuoteTape,
  type RollOptions,
  type RollSpread,
  rollSpread,
  type SpreadMeasure,
  type TradeSpreads,
  type TradeSpreadsOptions,
  tradeSpreads,
} from './spreads.js';
export {
  KaplanMeier,
  type KaplanMeierOptions,
  type LevelEnd,
  type SurvivalCurve,
  TopOfBookSurvival,
  type TopOfBookSurvivalOptions,
} from './survival.js';
export type { TradeColumns } from './trade-columns.js';
export {
  fitVecm,
  type VecmCointegration,
  type VecmDeterministic,
  type VecmFit,
  type VecmOptions,
} from './vecm.js';
export {
  type VpinClassification,
  type VpinOptions,
  type VpinSeries,
  VpinStream,
  vpin,
} from './vpin.js';
export {
  executionSlippage,
  type PriceDeviation,
  priceDeviation,
  RollingTwap,
  RollingVwap,
  type RollingWindowOptions,
} from './vwap.js';
