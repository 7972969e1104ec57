/**
 * Training: losses, backpropagation through time over a batch, Adam and SGD with PyTorch's
 * update rules, gradient clipping with `clip_grad_norm_` semantics, learning-rate schedules,
 * a training-health monitor and early stopping.
 *
 * @module
 */
import { type Clock, Rng, systemClock, type Tensor, toContiguous, ValidationError } from '@x/core';
import type { FArray } from './internal/kernels.js';
import type { ActivationStats, AttentionLstm } from './model.js';

/** Training loss. `'huber'` uses δ = 1 (PyTorch `HuberLoss` default); all are batch means. */
export type LossKind = 'mse' | 'huber' | 'cross-entropy';

/**
 * Targets: `Float64Array` of `batch × outputSize` values for regression losses, `Int32Array` of
 * `batch` class indices in [0, outputSize) for cross-entropy.
 */
export type Targets = Float64Array | Int32Array;

/** Optimiser settings (PyTorch `torch.optim.Adam` / `AdamW` / `SGD` update rules). */
export type OptimizerOptions =
  | {
      /** Adam (Kingma & Ba 2015, Algorithm 1), or AdamW with `decoupled`. */
      readonly type: 'adam';
      /** Learning rate. Default 1e-3. */
      readonly lr?: number;
      /** β₁. Default 0.9. */
      readonly beta1?: number;
      /** β₂. Default 0.999. */
      readonly beta2?: number;
      /** ε. Default 1e-8. */
      readonly eps?: number;
      /** Weight decay. Default 0. */
      readonly weightDecay?: number;
      /** Decoupled weight decay (AdamW, Loshchilov & Hutter 2019) instead of L2 in the gradient. Default false. */
      readonly decoupled?: boolean;
    }
  | {
      /** Stochastic gradient descent with optional (Nesterov) momentum. */
      readonly type: 'sgd';
      /** Learning rate. Default 1e-2. */
      readonly lr?: number;
      /** Momentum. Default 0. */
      readonly momentum?: number;
      /** Nesterov momentum. Default false. */
      readonly nesterov?: boolean;
      /** L2 weight decay added to the gradient. Default 0. */
      readonly weightDecay?: number;
    };

/** Learning-rate schedule, applied per epoch as a multiplier of the base rate. */
export type LrSchedule =
  | {
      /** The base rate throughout. */
      readonly type: 'constant';
    }
  | {
      /** `StepLR`: lr·γ^⌊epoch / stepSize⌋. */
      readonly type: 'step';
      /** Epochs between decays. */
      readonly stepSize: number;
      /** Decay factor. */
      readonly gamma: number;
    }
  | {
      /** `CosineAnnealingLR`: η_min + (lr − η_min)(1 + cos(π·epoch/epochs))/2. */
      readonly type: 'cosine';
      /** Epochs of the half cosine (T_max). */
      readonly epochs: number;
      /** η_min. Default 0. */
      readonly minLr?: number;
    };

/** Kinds of training-health events. */
export type HealthEventType =
  | 'non-finite'
  | 'exploding-gradient'
  | 'vanishing-gradient'
  | 'gate-saturation'
  | 'dead-units'
  | 'loss-plateau'
  | 'early-stop';

/** One structured training-health event. */
export interface HealthEvent {
  /** What happened. */
  readonly type: HealthEventType;
  /** Epoch (0-based). */
  readonly epoch: number;
  /** Global optimiser step (0-based) when it happened, or -1 for epoch-level events. */
  readonly step: number;
  /** The parameter group concerned, such as `'lstm.l0'`, when there is one. */
  readonly group?: string;
  /** The measured value that triggered the event. */
  readonly value: number;
  /** Human-readable explanation. */
  readonly message: string;
}

/** Per-epoch summary of training. */
export interface EpochSummary {
  /** Epoch (0-based). */
  readonly epoch: number;
  /** Mean training loss over the epoch's applied steps. */
  readonly trainLoss: number;
  /** Validation loss, when a validation set is given. */
  readonly validationLoss: number | undefined;
  /** Learning rate used. */
  readonly learningRate: number;
  /** Mean global gradient norm (before clipping). */
  readonly meanGradNorm: number;
  /** Largest global gradient norm (before clipping). */
  readonly maxGradNorm: number;
  /** Gradient L2 norm per parameter group at the epoch's last step. */
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
  /** Flag an exploding gradient when the global norm exceeds this many times its running mean (after 5 steps). Default 10. */
  readonly explodingFactor?: number;
  /** Flag a vanishing gradient in a group when gradNorm / weightNorm falls below this. Default 1e-7. */
  readonly vanishingRatio?: number;
  /** Flag gate saturation when the saturated fraction of an epoch exceeds this. Default 0.5. */
  readonly saturationThreshold?: number;
  /** Flag a plateau when the training loss has not improved by 0.1% for this many epochs. Default 5. */
  readonly plateauPatience?: number;
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
  readonly stopReason: 'completed' | 'early-stopping' | 'non-finite';
  /** The epoch with the best validation loss (or training loss without validation). */
  readonly bestEpoch: number;
  /** Optimiser steps applied. */
  readonly steps: number;
}

/**
 * Computes the loss of the model on a batch and (when `dOut` is given) its gradient w.r.t. the
 * head output of one sequence.
 * @internal
 */
function sampleLoss(
  kind: LossKind,
  out: FArray,
  O: number,
  y: Targets,
  b: number,
  scale: number,
  dOut: Float64Array | null,
): number {
  if (kind === 'cross-entropy') {
    const label = (y as Int32Array)[b]!;
    let mx = Number.NEGATIVE_INFINITY;
    for (let o = 0; o < O; o++) if (out[o]! > mx) mx = out[o]!;
    let sum = 0;
    for (let o = 0; o < O; o++) sum += Math.exp(out[o]! - mx);
    const lse = mx + Math.log(sum);
    if (dOut !== null) {
      for (let o = 0; o < O; o++) {
        dOut[o] = (Math.exp(out[o]! - lse) - (o === label ? 1 : 0)) * scale;
      }
    }
    return (lse - out[label]!) * scale;
  }
  let loss = 0;
  for (let o = 0; o < O; o++) {
    const d = out[o]! - y[b * O + o]!;
    if (kind === 'mse') {
      loss += d * d;
      if (dOut !== null) dOut[o] = 2 * d * scale;
    } else {
      const a = Math.abs(d);
      loss += a < 1 ? 0.5 * d * d : a - 0.5;
      if (dOut !== null) dOut[o] = (a < 1 ? d : Math.sign(d)) * scale;
    }
  }
  return loss * scale;
}

function checkTargets(model: AttentionLstm, kind: LossKind, y: Targets, batch: number): void {
  const O = model.config.outputSize;
  if (kind === 'cross-entropy') {
    if (!(y instanceof Int32Array) || y.length !== batch) {
      throw new ValidationError(
        `tensor 'target' must be an Int32Array of ${batch} class indices for cross-entropy`,
        { field: 'target', details: { expected: [batch] } },
      );
    }
    for (let i = 0; i < batch; i++) {
      if (y[i]! < 0 || y[i]! >= O) {
        throw new ValidationError(`target class ${y[i]} at [${i}] is outside [0, ${O})`, {
          field: 'target',
          value: y[i],
        });
      }
    }
  } else {
    if (!(y instanceof Float64Array) || y.length !== batch * O) {
      throw new ValidationError(
        `tensor 'target' must be a Float64Array of shape [${batch}, ${O}] for ${kind}`,
        { field: 'target', details: { expected: [batch, O] } },
      );
    }
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i]!)) {
        throw new ValidationError(`tensor 'target' has a non-finite value at [${i}]`, {
          field: 'target',
          value: y[i],
        });
      }
    }
  }
}

/** @internal Forward + backward of sequences `idx[from..to)` of x; returns the batch loss. */
function batchLossAndGrad(
  model: AttentionLstm,
  x: FArray,
  T: number,
  y: Targets,
  kind: LossKind,
  idx: Int32Array | null,
  from: number,
  to: number,
  dOut: Float64Array,
  stats: ActivationStats | undefined,
  activity: Float64Array | undefined,
  yStaging: Targets,
): number {
  const { inputSize: D, outputSize: O } = model.config;
  const n = to - from;
  const scale =
    kind === 'cross-entropy' ? 1 / n : 1 / (n * (kind === 'mse' || kind === 'huber' ? O : 1));
  let loss = 0;
  for (let k = from; k < to; k++) {
    const b = idx === null ? k : idx[k]!;
    model.forwardSequence(x, b * T * D, T, false, stats);
    if (activity !== undefined) model.recordActivity(T, activity);
    // Targets of sample b, at position 0 of the staging array.
    if (kind === 'cross-entropy') (yStaging as Int32Array)[0] = (y as Int32Array)[b]!;
    else for (let o = 0; o < O; o++) yStaging[o] = y[b * O + o]!;
    loss += sampleLoss(kind, model.outBuf, O, yStaging, 0, scale, dOut);
    model.backwardSequence(x, b * T * D, T, dOut);
  }
  return loss;
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
  const { xs, B, T } = prepareInput(model, x);
  checkTargets(model, loss, y, B);
  model.ensure(T);
  model.prepareBiases();
  model.setTraining(false);
  model.zeroGrad();
  const O = model.config.outputSize;
  const staging = loss === 'cross-entropy' ? new Int32Array(1) : new Float64Array(O);
  return batchLossAndGrad(
    model,
    xs,
    T,
    y,
    loss,
    null,
    0,
    B,
    new Float64Array(O),
    undefined,
    undefined,
    staging,
  );
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
  const { xs, B, T } = prepareInput(model, x);
  checkTargets(model, loss, y, B);
  const O = model.config.outputSize;
  const out = model.config.dtype === 'float32' ? new Float32Array(B * O) : new Float64Array(B * O);
  model.forwardInto(xs, B, T, out);
  const scale = loss === 'cross-entropy' ? 1 / B : 1 / (B * O);
  let total = 0;
  for (let b = 0; b < B; b++)
    total += sampleLoss(loss, out.subarray(b * O, b * O + O), O, y, b, scale, null);
  return total;
}

function prepareInput(model: AttentionLstm, x: Tensor): { xs: FArray; B: number; T: number } {
  if (x.shape.length !== 3 || x.shape[2] !== model.config.inputSize) {
    throw new ValidationError(
      `tensor 'input' has shape [${x.shape.join(', ')}], expected [*, *, ${model.config.inputSize}]`,
      {
        field: 'input',
        details: { shape: [...x.shape], expected: [null, null, model.config.inputSize] },
      },
    );
  }
  const [B, T] = x.shape as [number, number, number];
  const c = toContiguous(x).data;
  let xs: FArray = c;
  if ((model.config.dtype === 'float32') !== c instanceof Float32Array) {
    xs = model.config.dtype === 'float32' ? Float32Array.from(c) : Float64Array.from(c);
  }
  model.checkInput(xs, B, T);
  return { xs, B, T };
}

/**
 * Scales gradients in place so that their global L2 norm is at most `maxNorm`, with PyTorch's
 * `torch.nn.utils.clip_grad_norm_` semantics: total = ‖g‖₂ over all parameters, and when
 * maxNorm / (total + 1e-6) < 1 every gradient is multiplied by that coefficient.
 *
 * @param grads - the flat gradients
 * @param maxNorm - the largest allowed norm (positive)
 * @returns the total norm before clipping
 * @throws `ValidationError` (from `@x/core`) when `maxNorm` is not positive
 *
 * @example
 * ```ts
 * const g = new Float64Array([3, 4]);
 * clipGradNorm(g, 1); // 5; g is now ≈ [0.6, 0.8]
 * ```
 */
export function clipGradNorm(grads: Float64Array, maxNorm: number): number {
  if (!(maxNorm > 0))
    throw new ValidationError('maxNorm must be positive', { field: 'maxNorm', value: maxNorm });
  let s = 0;
  for (let i = 0; i < grads.length; i++) s += grads[i]! * grads[i]!;
  const total = Math.sqrt(s);
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! * coef;
  return total;
}

/**
 * An optimiser over a flat parameter buffer, with PyTorch's update rules.
 */
export class Optimizer {
  /** The settings with defaults filled. */
  readonly options: Required<OptimizerOptions>;
  /** Current learning rate (the schedule sets it per epoch). */
  lr: number;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  /**
   * @param size - number of parameters
   * @param options - optimiser settings
   * @throws `ValidationError` (from `@x/core`) on a non-positive learning rate or invalid coefficients
   */
  constructor(size: number, options: OptimizerOptions) {
    if (options.type === 'adam') {
      this.options = {
        type: 'adam',
        lr: options.lr ?? 1e-3,
        beta1: options.beta1 ?? 0.9,
        beta2: options.beta2 ?? 0.999,
        eps: options.eps ?? 1e-8,
        weightDecay: options.weightDecay ?? 0,
        decoupled: options.decoupled ?? false,
      };
    } else {
      this.options = {
        type: 'sgd',
        lr: options.lr ?? 1e-2,
        momentum: options.momentum ?? 0,
        nesterov: options.nesterov ?? false,
        weightDecay: options.weightDecay ?? 0,
      };
    }
    const o = this.options;
    if (!(o.lr > 0)) throw new ValidationError('lr must be positive', { field: 'lr', value: o.lr });
    if (!(o.weightDecay >= 0)) {
      throw new ValidationError('weightDecay must be non-negative', {
        field: 'weightDecay',
        value: o.weightDecay,
      });
    }
    if (o.type === 'adam' && !(o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1)) {
      throw new ValidationError('beta1 and beta2 must be in [0, 1)', { field: 'beta1' });
    }
    if (o.type === 'sgd' && !(o.momentum >= 0)) {
      throw new ValidationError('momentum must be non-negative', {
        field: 'momentum',
        value: o.momentum,
      });
    }
    this.lr = o.lr;
    this.m = new Float64Array(size);
    this.v = new Float64Array(o.type === 'adam' ? size : 0);
  }

  /**
   * Applies one update.
   * @param params - the parameters, updated in place
   * @param grads - their gradients (not modified)
   */
  step(params: FArray, grads: Float64Array): void {
    const o = this.options;
    const lr = this.lr;
    const m = this.m;
    this.t++;
    if (o.type === 'adam') {
      const { beta1: b1, beta2: b2, eps, weightDecay: wd, decoupled } = o;
      const bc1 = 1 - b1 ** this.t;
      const bc2 = Math.sqrt(1 - b2 ** this.t);
      const stepSize = lr / bc1;
      const v = this.v;
      for (let i = 0; i < params.length; i++) {
        let p = params[i]!;
        let g = grads[i]!;
        if (wd !== 0) {
          if (decoupled) p *= 1 - lr * wd;
          else g += wd * p;
        }
        const mi = b1 * m[i]! + (1 - b1) * g;
        const vi = b2 * v[i]! + (1 - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] = p - (stepSize * mi) / (Math.sqrt(vi) / bc2 + eps);
      }
    } else {
      const { momentum: mu, nesterov, weightDecay: wd } = o;
      const first = this.t === 1;
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        let g = grads[i]! + wd * p;
        if (mu !== 0) {
          const buf = first ? g : mu * m[i]! + g;
          m[i] = buf;
          g = nesterov ? g + mu * buf : buf;
        }
        params[i] = p - lr * g;
      }
    }
  }
}

function scheduleFactor(s: LrSchedule, epoch: number, baseLr: number): number {
  switch (s.type) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * s.gamma ** Math.floor(epoch / s.stepSize);
    case 'cosine': {
      const minLr = s.minLr ?? 0;
      const e = Math.min(epoch, s.epochs);
      return minLr + ((baseLr - minLr) * (1 + Math.cos((Math.PI * e) / s.epochs))) / 2;
    }
  }
}

function groupOf(name: string): string {
  const m = /^lstm\.\w+_l(\d+)$/.exec(name);
  if (m !== null) return `lstm.l${m[1]}`;
  return name.split('.')[0]!;
}

/**
 * Trains the model in place with minibatch backpropagation through time, the chosen optimiser,
 * schedule and clipping, while a health monitor watches every step. A step whose loss or
 * gradient is not finite is never applied, so the weights are never corrupted.
 *
 * @param model - the model, updated in place
 * @param data - training inputs `[n, steps, inputSize]` and targets
 * @param options - training settings
 * @returns per-epoch summaries, health events and why training stopped
 * @throws `ValidationError` (from `@x/core`) on malformed data or options
 *
 * @example
 * ```ts
 * const report = trainAttentionLstm(model, { x, y }, { epochs: 20, optimizer: { type: 'adam', lr: 3e-3 } });
 * console.log(report.epochs.at(-1)?.trainLoss);
 * ```
 */
export function trainAttentionLstm(
  model: AttentionLstm,
  data: { readonly x: Tensor; readonly y: Targets },
  options: TrainOptions = {},
): TrainingReport {
  const kind = options.loss ?? 'mse';
  const { xs, B: N, T } = prepareInput(model, data.x);
  checkTargets(model, kind, data.y, N);
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new ValidationError('epochs must be a positive integer', {
      field: 'epochs',
      value: epochs,
    });
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValidationError('batchSize must be a positive integer', {
      field: 'batchSize',
      value: batchSize,
    });
  if (options.clipNorm !== undefined && !(options.clipNorm > 0)) {
    throw new ValidationError('clipNorm must be positive', {
      field: 'clipNorm',
      value: options.clipNorm,
    });
  }
  let val: { xs: FArray; B: number; T: number; y: Targets } | undefined;
  if (options.validation !== undefined) {
    const v = prepareInput(model, options.validation.x);
    checkTargets(model, kind, options.validation.y, v.B);
    val = { ...v, y: options.validation.y };
  }
  if (options.earlyStopping !== undefined && val === undefined) {
    throw new ValidationError('earlyStopping needs a validation set', { field: 'earlyStopping' });
  }
  const opt = new Optimizer(model.params.length, options.optimizer ?? { type: 'adam' });
  const baseLr = opt.lr;
  const schedule = options.lrSchedule ?? { type: 'constant' };
  const clock = options.clock ?? systemClock;
  const rng = Rng.fromSeed(options.seed ?? 0);
  const idx = new Int32Array(N);
  for (let i = 0; i < N; i++) idx[i] = i;
  const O = model.config.outputSize;
  const dOut = new Float64Array(O);
  const staging = kind === 'cross-entropy' ? new Int32Array(1) : new Float64Array(O);
  const { hiddenSize: H, numLayers: L } = model.config;
  const activity = new Float64Array(L * H);
  const groups = [...new Set(model.parameterInfo.map((p) => groupOf(p.name)))];
  const groupIdx = model.parameterInfo.map((p) => groups.indexOf(groupOf(p.name)));
  const gNorm = new Float64Array(groups.length);
  const wNorm = new Float64Array(groups.length);
  const backup =
    model.config.dtype === 'float32'
      ? new Float32Array(model.params.length)
      : new Float64Array(model.params.length);
  const best =
    model.config.dtype === 'float32'
      ? new Float32Array(model.params.length)
      : new Float64Array(model.params.length);
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let sinceBest = 0;
  let plateauBest = Number.POSITIVE_INFINITY;
  let sincePlateauBest = 0;
  const plateauPatience = options.plateauPatience ?? 5;
  const explodingFactor = options.explodingFactor ?? 10;
  const vanishingRatio = options.vanishingRatio ?? 1e-7;
  const saturationThreshold = options.saturationThreshold ?? 0.5;
  const events: HealthEvent[] = [];
  const summaries: EpochSummary[] = [];
  let normEma = 0;
  let globalStep = 0;
  let stopReason: TrainingReport['stopReason'] = 'completed';
  const stepsPerEpoch = Math.ceil(N / batchSize);
  model.ensure(T);

  for (let epoch = 0; epoch < epochs && stopReason === 'completed'; epoch++) {
    opt.lr = scheduleFactor(schedule, epoch, baseLr);
    if (options.shuffle ?? true) rng.shuffle(idx);
    const counts: Partial<Record<HealthEventType, number>> = {};
    const emit = (e: HealthEvent): void => {
      events.push(e);
      counts[e.type] = (counts[e.type] ?? 0) + 1;
      options.onEvent?.(e);
    };
    const stats: ActivationStats = { gateCount: 0, gateSaturated: 0 };
    activity.fill(0);
    let lossSum = 0;
    let applied = 0;
    let skipped = 0;
    let normSum = 0;
    let normMax = 0;
    let seqs = 0;
    const t0 = clock.now();
    for (let s = 0; s < stepsPerEpoch; s++) {
      const from = s * batchSize;
      const to = Math.min(N, from + batchSize);
      model.setTraining(true);
      model.prepareBiases();
      model.zeroGrad();
      const loss = batchLossAndGrad(
        model,
        xs,
        T,
        data.y,
        kind,
        idx,
        from,
        to,
        dOut,
        stats,
        activity,
        staging,
      );
      model.setTraining(false);
      seqs += to - from;
      // ---- health checks before touching the weights ----
      gNorm.fill(0);
      const g = model.grads;
      let finite = Number.isFinite(loss);
      for (let pi = 0; pi < model.parameterInfo.length; pi++) {
        const info = model.parameterInfo[pi]!;
        let acc = 0;
        for (let i = info.offset; i < info.offset + info.size; i++) acc += g[i]! * g[i]!;
        if (!Number.isFinite(acc)) finite = false;
        gNorm[groupIdx[pi]!] = gNorm[groupIdx[pi]!]! + acc;
      }
      if (!finite) {
        skipped++;
        emit({
          type: 'non-finite',
          epoch,
          step: globalStep,
          value: loss,
          message: `non-finite loss or gradient at step ${globalStep}; update skipped, weights untouched`,
        });
        if ((options.onNonFinite ?? 'stop') === 'stop') {
          stopReason = 'non-finite';
          break;
        }
        continue;
      }
      let total = 0;
      for (let k = 0; k < groups.length; k++) {
        total += gNorm[k]!;
        gNorm[k] = Math.sqrt(gNorm[k]!);
      }
      total = Math.sqrt(total);
      if (globalStep >= 5 && total > explodingFactor * normEma) {
        emit({
          type: 'exploding-gradient',
          epoch,
          step: globalStep,
          value: total,
          message: `gradient norm ${total.toPrecision(4)} is over ${explodingFactor}x its running mean ${normEma.toPrecision(4)}`,
        });
      }
      normEma = globalStep === 0 ? total : 0.9 * normEma + 0.1 * total;
      normSum += total;
      if (total > normMax) normMax = total;
      if (options.clipNorm !== undefined) clipGradNorm(g, options.clipNorm);
      backup.set(model.params);
      opt.step(model.params, g);
      let ok = true;
      for (let i = 0; i < model.params.length; i++) {
        if (!Number.isFinite(model.params[i]!)) {
          ok = false;
          break;
        }
      }
      if (!ok) {
        model.params.set(backup);
        skipped++;
        emit({
          type: 'non-finite',
          epoch,
          step: globalStep,
          value: Number.NaN,
          message: 'update produced non-finite weights; reverted',
        });
        if ((options.onNonFinite ?? 'stop') === 'stop') {
          stopReason = 'non-finite';
          break;
        }
        continue;
      }
      lossSum += loss;
      applied++;
      const elapsed = Math.max(clock.now() - t0, 1e-3);
      options.onProgress?.({
        epoch,
        step: s,
        stepsPerEpoch,
        loss,
        sequencesPerSecond: (seqs * 1000) / elapsed,
      });
      globalStep++;
    }
    // ---- epoch-level health ----
    wNorm.fill(0);
    for (let pi = 0; pi < model.parameterInfo.length; pi++) {
      const info = model.parameterInfo[pi]!;
      let acc = 0;
      for (let i = info.offset; i < info.offset + info.size; i++) acc += model.params[i]! ** 2;
      wNorm[groupIdx[pi]!] = wNorm[groupIdx[pi]!]! + acc;
    }
    const groupGradNorms: Record<string, number> = {};
    const groupWeightNorms: Record<string, number> = {};
    for (let k = 0; k < groups.length; k++) {
      wNorm[k] = Math.sqrt(wNorm[k]!);
      groupGradNorms[groups[k]!] = gNorm[k]!;
      groupWeightNorms[groups[k]!] = wNorm[k]!;
      if (applied > 0 && wNorm[k]! > 0 && gNorm[k]! / wNorm[k]! < vanishingRatio) {
        emit({
          type: 'vanishing-gradient',
          epoch,
          step: -1,
          group: groups[k]!,
          value: gNorm[k]! / wNorm[k]!,
          message: `gradient/weight norm ratio of ${groups[k]} is ${(gNorm[k]! / wNorm[k]!).toExponential(2)}`,
        });
      }
    }
    const saturated = stats.gateCount > 0 ? stats.gateSaturated / stats.gateCount : 0;
    if (saturated > saturationThreshold) {
      emit({
        type: 'gate-saturation',
        epoch,
        step: -1,
        value: saturated,
        message: `${(saturated * 100).toFixed(1)}% of LSTM gates saturated`,
      });
    }
    let dead = 0;
    for (let k = 0; k < activity.length; k++) if (activity[k]! < 1e-3) dead++;
    const deadFraction = dead / activity.length;
    if (dead > 0 && seqs > 0) {
      emit({
        type: 'dead-units',
        epoch,
        step: -1,
        value: deadFraction,
        message: `${dead} of ${activity.length} LSTM units never exceeded |h| 1e-3`,
      });
    }
    const trainLoss = applied > 0 ? lossSum / applied : Number.NaN;
    if (trainLoss < plateauBest * (1 - 1e-3)) {
      plateauBest = trainLoss;
      sincePlateauBest = 0;
    } else if (++sincePlateauBest === plateauPatience) {
      emit({
        type: 'loss-plateau',
        epoch,
        step: -1,
        value: trainLoss,
        message: `training loss has not improved by 0.1% for ${plateauPatience} epochs`,
      });
    }
    let validationLoss: number | undefined;
    if (val !== undefined) validationLoss = lossOnBuffer(model, val.xs, val.B, val.T, val.y, kind);
    const monitored = validationLoss ?? trainLoss;
    const minDelta = options.earlyStopping?.minDelta ?? 0;
    if (monitored < bestLoss - minDelta) {
      bestLoss = monitored;
      bestEpoch = epoch;
      sinceBest = 0;
      best.set(model.params);
    } else {
      sinceBest++;
    }
    const elapsed = Math.max(clock.now() - t0, 1e-3);
    const summary: EpochSummary = {
      epoch,
      trainLoss,
      validationLoss,
      learningRate: opt.lr,
      meanGradNorm: applied > 0 ? normSum / applied : Number.NaN,
      maxGradNorm: normMax,
      groupGradNorms,
      groupWeightNorms,
      saturatedGateFraction: saturated,
      deadUnitFraction: deadFraction,
      skippedSteps: skipped,
      eventCounts: counts,
      sequencesPerSecond: (seqs * 1000) / elapsed,
    };
    if (
      options.earlyStopping !== undefined &&
      sinceBest >= options.earlyStopping.patience &&
      stopReason === 'completed'
    ) {
      stopReason = 'early-stopping';
      emit({
        type: 'early-stop',
        epoch,
        step: -1,
        value: bestLoss,
        message: `no validation improvement for ${sinceBest} epochs; best epoch ${bestEpoch}`,
      });
    }
    summaries.push(summary);
    options.onEpoch?.(summary);
  }
  if (
    options.earlyStopping !== undefined &&
    (options.earlyStopping.restoreBest ?? true) &&
    bestLoss < Number.POSITIVE_INFINITY
  ) {
    model.params.set(best);
  }
  return { epochs: summaries, events, stopReason, bestEpoch, steps: globalStep };
}

function lossOnBuffer(
  model: AttentionLstm,
  xs: FArray,
  B: number,
  T: number,
  y: Targets,
  kind: LossKind,
): number {
  const O = model.config.outputSize;
  const out = model.config.dtype === 'float32' ? new Float32Array(B * O) : new Float64Array(B * O);
  model.forwardInto(xs, B, T, out);
  const scale = kind === 'cross-entropy' ? 1 / B : 1 / (B * O);
  let total = 0;
  for (let b = 0; b < B; b++)
    total += sampleLoss(kind, out.subarray(b * O, b * O + O), O, y, b, scale, null);
  return total;
}
