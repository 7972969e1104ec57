export {
  type AttentionLstmConfig,
  type InitScheme,
  type Pooling,
  type PositionalEncoding,
  type ResolvedAttentionLstmConfig,
  resolveConfig,
} from './config.js';
export {
  AttentionLstmClassifier,
  AttentionLstmRegressor,
  type EstimatorModelConfig,
} from './estimators.js';
export type { FArray } from './internal/kernels.js';
export { simdKernelsAvailable, useSimdKernels } from './internal/wasm.js';
export {
  type ActivationStats,
  ATTENTION_LSTM_FORMAT_VERSION,
  ATTENTION_LSTM_KIND,
  AttentionLstm,
  attentionLstmImporter,
  type ParameterInfo,
} from './model.js';
export { AttentionLstmStream } from './stream.js';
export {
  clipGradNorm,
  type EpochSummary,
  evaluateLoss,
  type HealthEvent,
  type HealthEventType,
  type LossKind,
  type LrSchedule,
  lossAndGradients,
  Optimizer,
  type OptimizerOptions,
  type Targets,
  type TrainingReport,
  type TrainOptions,
  type TrainProgress,
  trainAttentionLstm,
} from './train.js';
