/**
 * Run-time validation of every training option, so options loaded from JSON are checked like a
 * typed literal: unknown loss, optimiser or schedule names, non-integer counts, NaN rates and
 * PyTorch's refusals are `ValidationError`s naming the field.
 * @internal
 */
import {
  assertInteger,
  assertNonNegative,
  assertPositive,
  type Clock,
  systemClock,
  ValidationError,
} from '@x/core';
import { type HealthThresholds, resolveThresholds } from '../health.js';
import { LOSS_KINDS, type LossKind } from '../losses.js';
import {
  checkSchedule,
  type LrSchedule,
  type OptimizerOptions,
  resolveOptimizer,
} from '../optim.js';
import type { TrainOptions } from '../train.js';
import { bool, knownKeys, obj, oneOf, optFn } from './check.js';

const TRAIN_KEYS = [
  'loss',
  'epochs',
  'batchSize',
  'optimizer',
  'lrSchedule',
  'clipNorm',
  'shuffle',
  'seed',
  'validation',
  'earlyStopping',
  'onNonFinite',
  'explodingFactor',
  'vanishingRatio',
  'saturationThreshold',
  'plateauPatience',
  'maxSkippedFraction',
  'baselineFactor',
  'onProgress',
  'onEvent',
  'onEpoch',
  'clock',
];

/** Training options with every default filled and every field checked. */
export interface ResolvedTrainOptions {
  readonly loss: LossKind;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: Required<OptimizerOptions>;
  readonly lrSchedule: LrSchedule;
  readonly clipNorm: number | undefined;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly earlyStopping:
    | { readonly patience: number; readonly minDelta: number; readonly restoreBest: boolean }
    | undefined;
  readonly onNonFinite: 'stop' | 'skip';
  readonly thresholds: HealthThresholds;
  readonly clock: Clock;
  readonly onProgress: TrainOptions['onProgress'];
  readonly onEpoch: TrainOptions['onEpoch'];
}

function earlyStoppingOf(o: TrainOptions): ResolvedTrainOptions['earlyStopping'] {
  const es = o.earlyStopping;
  if (es === undefined) return undefined;
  obj(es, 'earlyStopping');
  knownKeys(es, 'earlyStopping', ['patience', 'minDelta', 'restoreBest']);
  if (o.validation === undefined) {
    throw new ValidationError('earlyStopping needs a validation set', { field: 'earlyStopping' });
  }
  assertInteger(es.patience, 'earlyStopping.patience', 1);
  const minDelta = es.minDelta ?? 0;
  assertNonNegative(minDelta, 'earlyStopping.minDelta');
  return {
    patience: es.patience,
    minDelta,
    restoreBest: bool(es.restoreBest, 'earlyStopping.restoreBest', true),
  };
}

/**
 * Fills the defaults of training options and checks every field.
 * @throws `ValidationError` (from `@x/core`) naming the first invalid field
 */
export function resolveTrainOptions(o: TrainOptions): ResolvedTrainOptions {
  obj(o, 'options');
  knownKeys(o, 'options', TRAIN_KEYS);
  const epochs = o.epochs ?? 10;
  const batchSize = o.batchSize ?? 32;
  assertInteger(epochs, 'epochs', 1);
  assertInteger(batchSize, 'batchSize', 1);
  if (o.clipNorm !== undefined) assertPositive(o.clipNorm, 'clipNorm');
  const seed = o.seed ?? 0;
  assertInteger(seed, 'seed');
  if (o.validation !== undefined) obj(o.validation, 'validation');
  optFn(o.onProgress, 'onProgress');
  optFn(o.onEvent, 'onEvent');
  optFn(o.onEpoch, 'onEpoch');
  const clock = o.clock ?? systemClock;
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
    throw new ValidationError('clock must have a now() method', { field: 'clock' });
  }
  return {
    loss: oneOf(o.loss ?? 'mse', 'loss', LOSS_KINDS),
    epochs,
    batchSize,
    optimizer: resolveOptimizer(o.optimizer ?? { type: 'adam' }),
    lrSchedule: checkSchedule(o.lrSchedule ?? { type: 'constant' }),
    clipNorm: o.clipNorm,
    shuffle: bool(o.shuffle, 'shuffle', true),
    seed,
    earlyStopping: earlyStoppingOf(o),
    onNonFinite: oneOf(o.onNonFinite ?? 'stop', 'onNonFinite', ['stop', 'skip'] as const),
    thresholds: resolveThresholds({
      ...(o.explodingFactor !== undefined && { explodingFactor: o.explodingFactor }),
      ...(o.vanishingRatio !== undefined && { vanishingRatio: o.vanishingRatio }),
      ...(o.saturationThreshold !== undefined && { saturationThreshold: o.saturationThreshold }),
      ...(o.plateauPatience !== undefined && { plateauPatience: o.plateauPatience }),
      ...(o.maxSkippedFraction !== undefined && { maxSkippedFraction: o.maxSkippedFraction }),
      ...(o.baselineFactor !== undefined && { baselineFactor: o.baselineFactor }),
    }),
    clock,
    onProgress: o.onProgress,
    onEpoch: o.onEpoch,
  };
}
