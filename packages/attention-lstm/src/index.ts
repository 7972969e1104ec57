export {
  type AttentionLstmConfig,
  type InitScheme,
  type Pooling,
  type PositionalEncoding,
  type ResolvedAttentionLstmConfig,
  resolveConfig,
} from './config.js';
export {
  ATTENTION_LSTM_CLASSIFIER_KIND,
  AttentionLstmClassifier,
  AttentionLstmRegressor,
  attentionLstmClassifierImporter,
  type EstimatorModelConfig,
} from './estimators.js';
export type {
  HealthEvent,
  HealthEventType,
  HealthThresholds,
} from './health.js';
export { simdKernelsAvailable, useSimdKernels } from './internal/wasm.js';
export type { LossKind, Targets } from './losses.js';
export {
  ATTENTION_LSTM_FORMAT_VERSION,
  ATTENTION_LSTM_KIND,
  AttentionLstm,
  attentionLstmImporter,
} from './model.js';
export { clipGradNorm, type LrSchedule, Optimizer, type OptimizerOptions } from './optim.js';
export { AttentionLstmStream } from './stream.js';
export {
  type EpochSummary,
  evaluateLoss,
  lossAndGradients,
  type TrainingReport,
  type TrainOptions,
  type TrainProgress,
  trainAttentionLstm,
  trainAttentionLstmAsync,
} from './train.js';
export type { ActivationStats, ParameterInfo, StateDictOptions } from './types.js';
