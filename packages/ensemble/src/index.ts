/**
 * `@x/ensemble`: stacking, blending, voting, Bayesian averaging and dynamic weighting of models,
 * with cross-validation that matches scikit-learn split for split and purged CV that removes
 * label leakage.
 *
 * @packageDocumentation
 */

export { BlendingRegressor, type BlendingRegressorOptions } from './blending.js';
export {
  bicWeights,
  gaussianLpd,
  type PointwiseLpd,
  type PseudoBmaPlusOptions,
  pseudoBmaPlusWeights,
  pseudoBmaWeights,
  stackingDistributionWeights,
} from './bma.js';
export {
  type BuiltinKind,
  type BuiltinMember,
  type BuiltinModels,
  type BuiltinOptions,
  builtinMember,
  type MemberSpec,
} from './builtin.js';
export {
  CombinatorialPurgedKFold,
  type CombinatorialPurgedKFoldOptions,
  type CombinatorialSplit,
} from './cv/combinatorial.js';
export { KFold, type KFoldOptions } from './cv/kfold.js';
export { type LabelTimes, PurgedKFold, type PurgedKFoldOptions } from './cv/purged.js';
export type { Split, SplitData, Splitter } from './cv/split.js';
export { StratifiedKFold, type StratifiedKFoldOptions } from './cv/stratified.js';
export { TimeSeriesSplit, type TimeSeriesSplitOptions } from './cv/timeseries.js';
export {
  type ClassifierDiversity,
  classifierDiversity,
  type DiversitySummary,
  type PairDiversity,
  type RegressorDiversity,
  regressorDiversity,
} from './diversity.js';
export { DynamicWeights, type DynamicWeightsOptions } from './dynamic.js';
export {
  type FitExecutor,
  type FitTask,
  type FoldJob,
  type FoldOutput,
  fitFold,
  inlineExecutor,
} from './executor.js';
export { exportStacking, stackingClassifierImporter, stackingRegressorImporter } from './export.js';
export {
  aggregateImportance,
  type PermutationImportance,
  type PermutationImportanceOptions,
  permutationImportance,
  r2Score,
} from './importance.js';
export {
  LogisticRegression,
  type LogisticRegressionOptions,
} from './linear/logistic.js';
export { LinearRegression, type LinearRegressionOptions } from './linear/regression.js';
export { Ridge, type RidgeOptions } from './linear/ridge.js';
export { isRowRegressor, type RowRegressor } from './linear/row.js';
export type { ClassifierMember, Member, RegressorMember } from './members.js';
export {
  type CrossValOptions,
  crossValPredict,
  crossValPredictProba,
  type OofPredictions,
  type OofProbabilities,
  type SampleArray,
} from './oof.js';
export {
  StackingClassifier,
  type StackingClassifierOptions,
  StackingRegressor,
  type StackingRegressorOptions,
} from './stacking.js';
export {
  ForestRegressor,
  type ForestRegressorOptions,
  type TreeNodeInfo,
  TreeRegressor,
  type TreeRegressorOptions,
} from './tree-regression.js';
export { ForestClassifier, type ForestOptions } from './trees.js';
export {
  VotingClassifier,
  type VotingClassifierOptions,
  VotingRegressor,
  type VotingRegressorOptions,
} from './voting.js';
