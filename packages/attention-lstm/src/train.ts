/**
 * Training: minibatch backpropagation through time with the chosen optimiser, schedule and
 * clipping while the health monitor watches every step; early stopping; a synchronous and an
 * asynchronous (event-loop friendly) driver with identical numbers.
 *
 * @module
 */
import type { Clock, Tensor } from '@x/core';
import type { HealthEvent, HealthEventType } from './health.js';
import { prepareInput } from './internal/input.js';
import { lossAndGradientsOf, lossOnBuffer, Trainer } from './internal/trainer.js';
import { checkTargets, type LossKind, type Targets } from './losses.js';
import type { AttentionLstm } from './model.js';
import type { LrSchedule, OptimizerOptions } from './optim.js';

/** Per-epoch summary of training. */
export interface EpochSummary {
  /** Epoch (0-based). */
  readonly epoch: number;
  /** Mean training loss over the epoch's applied steps (NaN when none was applied; the run then stops). */
  readonly trainLoss: number;
  /** Validation loss, when a validation set is given. */
  readonly validationLoss: number | undefined;
  /** Learning rate used. */
  readonly learningRate: number;
  /** Mean global gradient norm (before clipping). */
  readonly meanGradNorm: number;
  /** Largest global gradient norm (before clipping). */
  readonly maxGradNorm: number;
  /** Gradient L2 norm per parameter group at the last applied step (NaN before any step was applied). */
  readonly groupGradNorms: Readonly<Record<string, number>>;
  /** Weight L2 norm per parameter group at the end of the epoch. */
  readonly groupWeightNorms: Readonly<Record<string, number>>;
  /** Fraction of sigmoid gate activations (i, f, o) below 0.01 or above 0.99. */
  readonly saturatedGateFraction: number;
  /** Fraction of LSTM units whose |h| never exceeded 1e-3 over the epoch. */
  readonly deadUnitFraction: number;
  /** Steps skipped because of a non-finite loss or gradient. */
  readonly skippedSteps: number;
  /** Health events of the epoch, by type. */
  readonly eventCounts: Readonly<Partial<Record<HealthEventType, number>>>;
  /** Training throughput, sequences per second (forward + backward + update). */
  readonly sequencesPerSecond: number;
}

/** Progress report passed to {@link TrainOptions.onProgress}. */
export interface TrainProgress {
  /** Epoch (0-based). */
  readonly epoch: number;
  /** Step within the epoch (0-based). */
  readonly step: number;
  /** Steps per epoch. */
  readonly stepsPerEpoch: number;
  /** Loss of this step's batch. */
  readonly loss: number;
  /** Throughput so far in the epoch, sequences per second. */
  readonly sequencesPerSecond: number;
}

/** Settings of {@link trainAttentionLstm}; omitted fields take the defaults shown. */
export interface TrainOptions {
  /** Loss. Default `'mse'`. */
  readonly loss?: LossKind;
  /** Epochs. Default 10. */
  readonly epochs?: number;
  /** Sequences per batch. Default 32. */
  readonly batchSize?: number;
  /** Optimiser. Default Adam with lr 1e-3. */
  readonly optimizer?: OptimizerOptions;
  /** Learning-rate schedule per epoch. Default constant. */
  readonly lrSchedule?: LrSchedule;
  /** Clip the global gradient norm to this (PyTorch `clip_grad_norm_`). Default: no clipping. */
  readonly clipNorm?: number;
  /** Shuffle sequences every epoch. Default true. */
  readonly shuffle?: boolean;
  /** Seed for shuffling. Default 0. */
  readonly seed?: number;
  /** Validation set for validation loss and early stopping. */
  readonly validation?: {
    /** Inputs `[n, steps, inputSize]`. */
    readonly x: Tensor;
    /** Targets. */
    readonly y: Targets;
  };
  /** Stop when the validation loss has not improved by `minDelta` for `patience` epochs. */
  readonly earlyStopping?: {
    /** Epochs without improvement before stopping. */
    readonly patience: number;
    /** Smallest decrease counted as improvement. Default 0. */
    readonly minDelta?: number;
    /** Restore the weights of the best epoch when stopping or finishing. Default true. */
    readonly restoreBest?: boolean;
  };
  /** What to do when a loss or gradient is NaN/Inf: the update is always skipped; then stop (default) or go on. */
  readonly onNonFinite?: 'stop' | 'skip';
  /** Flag an exploding gradient when the global norm exceeds this many times its running mean of the earlier applied steps (from the second step on). Default 10. */
  readonly explodingFactor?: number;
  /** Flag a vanishing gradient in a group when gradNorm / weightNorm falls below this. Default 1e-7. */
  readonly vanishingRatio?: number;
  /** Flag gate saturation when the saturated fraction of an epoch exceeds this. Default 0.5. */
  readonly saturationThreshold?: number;
  /** Flag a plateau when the training loss has not improved by 0.1% for this many epochs. Default 5. */
  readonly plateauPatience?: number;
  /** The run fails (`stopReason: 'too-many-skipped'`) when more than this fraction of its steps were skipped as non-finite. Default 0.5. */
  readonly maxSkippedFraction?: number;
  /** Warn (`worse-than-baseline`) when the final training loss exceeds this many times the loss of predicting the target mean. Default 2. */
  readonly baselineFactor?: number;
  /** Called after every step. */
  readonly onProgress?: (p: TrainProgress) => void;
  /** Called for every health event as it happens. */
  readonly onEvent?: (e: HealthEvent) => void;
  /** Called after every epoch. */
  readonly onEpoch?: (s: EpochSummary) => void;
  /** Clock for throughput figures. Default the system clock. */
  readonly clock?: Clock;
}

/** What {@link trainAttentionLstm} returns. */
export interface TrainingReport {
  /** One summary per epoch run. */
  readonly epochs: readonly EpochSummary[];
  /** Every health event, in order. */
  readonly events: readonly HealthEvent[];
  /** Why training ended. */
  readonly stopReason: 'completed' | 'early-stopping' | 'non-finite' | 'too-many-skipped';
  /** The epoch with the best validation loss (or training loss without validation). */
  readonly bestEpoch: number;
  /** Optimiser steps applied. */
  readonly steps: number;
}

/**
 * The batch-mean loss and the gradient of every parameter (left in `model.grads`, replacing
 * what was there). Dropout is off. This is what a training step differentiates; the tests check
 * it against PyTorch autograd and finite differences.
 *
 * @param model - the model
 * @param x - inputs `[batch, steps, inputSize]`
 * @param y - targets (see {@link Targets})
 * @param loss - the loss kind. Default `'mse'`.
 * @returns the loss
 * @throws `ValidationError` (from `@x/core`) on wrongly shaped or non-finite inputs or targets
 */
export function lossAndGradients(
  model: AttentionLstm,
  x: Tensor,
  y: Targets,
  loss: LossKind = 'mse',
): number {
  return lossAndGradientsOf(model, x, y, loss);
}

/**
 * Trains the model in place with minibatch backpropagation through time, the chosen optimiser,
 * schedule and clipping, while a health monitor watches every step. A step whose loss or
 * gradient is not finite is never applied, so the weights are never corrupted. Every option is
 * checked at run time (options loaded from JSON are checked like typed literals).
 *
 * @param model - the model, updated in place
 * @param data - training inputs `[n, steps, inputSize]` and targets
 * @param options - training settings
 * @returns per-epoch summaries, health events and why training stopped
 * @throws `ValidationError` (from `@x/core`) on malformed data or options
 *
 * @example
 * ```ts
 * // 8 sequences of 5 steps × 2 features; the target is the sum of the last step's features
 * const x = tensor('float32', [8, 5, 2], Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)));
 * const y = Float64Array.from({ length: 8 }, (_, s) => x.get(s, 4, 0) + x.get(s, 4, 1));
 * const model = AttentionLstm.create({ inputSize: 2, hiddenSize: 8, seed: 1 });
 * const report = trainAttentionLstm(model, { x, y }, { epochs: 20, optimizer: { type: 'adam', lr: 3e-3 } });
 * console.log(report.epochs.at(-1)?.trainLoss); // below report.epochs[0].trainLoss
 * ```
 */
export function trainAttentionLstm(
  model: AttentionLstm,
  data: { readonly x: Tensor; readonly y: Targets },
  options: TrainOptions = {},
): TrainingReport {
  const trainer = new Trainer(model, data, options);
  while (trainer.runEpoch());
  return trainer.finish();
}

/**
 * {@link trainAttentionLstm} that yields to the event loop between epochs (a server or UI stays
 * responsive during a long run), with bit-for-bit the same numbers. The training data and
 * model are plain typed arrays, so the same call also runs inside a worker thread.
 *
 * @param model - the model, updated in place
 * @param data - training inputs `[n, steps, inputSize]` and targets
 * @param options - training settings
 * @returns a promise of the same report as {@link trainAttentionLstm}
 * @throws `ValidationError` (from `@x/core`) on malformed data or options (the promise rejects)
 *
 * @example
 * ```ts
 * // 8 sequences of 5 steps × 2 features; the target is the sum of the last step's features
 * const x = tensor('float32', [8, 5, 2], Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)));
 * const y = Float64Array.from({ length: 8 }, (_, s) => x.get(s, 4, 0) + x.get(s, 4, 1));
 * const model = AttentionLstm.create({ inputSize: 2, hiddenSize: 8, seed: 1 });
 * const report = await trainAttentionLstmAsync(model, { x, y }, { epochs: 200 });
 * ```
 */
export async function trainAttentionLstmAsync(
  model: AttentionLstm,
  data: { readonly x: Tensor; readonly y: Targets },
  options: TrainOptions = {},
): Promise<TrainingReport> {
  const trainer = new Trainer(model, data, options);
  while (trainer.runEpoch()) await new Promise<void>((resolve) => setTimeout(resolve, 0));
  return trainer.finish();
}

/**
 * The batch-mean loss of the model on `x` (inference mode).
 * @param model - the model
 * @param x - inputs `[batch, steps, inputSize]`
 * @param y - targets
 * @param loss - the loss kind. Default `'mse'`.
 * @returns the loss
 * @throws `ValidationError` (from `@x/core`) on wrongly shaped or non-finite inputs or targets
 */
export function evaluateLoss(
  model: AttentionLstm,
  x: Tensor,
  y: Targets,
  loss: LossKind = 'mse',
): number {
  const { xs, B, T } = prepareInput(model.config, x);
  checkTargets(model.config.outputSize, loss, y, B);
  return lossOnBuffer(model, xs, B, T, y, loss);
}
