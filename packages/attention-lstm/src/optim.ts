/**
 * Optimisers with PyTorch's update rules (`torch.optim.Adam`, `AdamW`, `SGD`), gradient clipping
 * with `clip_grad_norm_` semantics, and the learning-rate schedules (`StepLR`,
 * `CosineAnnealingLR`), each with run-time validation of its settings.
 *
 * @module
 */
import { assertInteger, assertNonNegative, assertPositive, ValidationError } from '@x/core';
import { bool, inRange, knownKeys, obj, oneOf } from './internal/check.js';

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
  assertPositive(maxNorm, 'maxNorm');
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
  readonly #m: Float64Array;
  readonly #v: Float64Array;
  #t = 0;

  /**
   * @param size - number of parameters
   * @param options - optimiser settings
   * @throws `ValidationError` (from `@x/core`) on an unknown type, a non-positive learning rate or
   * invalid coefficients (as PyTorch: negative ε, Nesterov without momentum)
   */
  constructor(size: number, options: OptimizerOptions) {
    this.options = resolveOptimizer(options);
    this.lr = this.options.lr;
    this.#m = new Float64Array(size);
    this.#v = new Float64Array(this.options.type === 'adam' ? size : 0);
  }

  /**
   * Applies one update.
   * @param params - the parameters, updated in place
   * @param grads - their gradients (not modified)
   */
  step(params: Float32Array | Float64Array, grads: Float64Array): void {
    const o = this.options;
    const lr = this.lr;
    const m = this.#m;
    this.#t++;
    if (o.type === 'adam') {
      const { beta1: b1, beta2: b2, eps, weightDecay: wd, decoupled } = o;
      const bc1 = 1 - b1 ** this.#t;
      const bc2 = Math.sqrt(1 - b2 ** this.#t);
      const stepSize = lr / bc1;
      const v = this.#v;
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
      const first = this.#t === 1;
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

/**
 * Fills the defaults of optimiser settings and checks every field at run time (settings loaded
 * from JSON are checked like typed literals), with PyTorch's refusals.
 * @internal
 */
export function resolveOptimizer(options: OptimizerOptions): Required<OptimizerOptions> {
  obj(options, 'optimizer');
  const type = oneOf(options.type, 'optimizer.type', ['adam', 'sgd'] as const);
  knownKeys(
    options,
    'optimizer',
    type === 'adam'
      ? ['type', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'decoupled']
      : ['type', 'lr', 'momentum', 'nesterov', 'weightDecay'],
  );
  let o: Required<OptimizerOptions>;
  if (type === 'adam') {
    const a = options as Extract<OptimizerOptions, { type: 'adam' }>;
    o = {
      type,
      lr: a.lr ?? 1e-3,
      beta1: inRange(a.beta1 ?? 0.9, 'beta1', 0, 1),
      beta2: inRange(a.beta2 ?? 0.999, 'beta2', 0, 1),
      eps: a.eps ?? 1e-8,
      weightDecay: a.weightDecay ?? 0,
      decoupled: bool(a.decoupled, 'decoupled', false),
    };
    assertNonNegative(o.eps, 'eps');
  } else {
    const s = options as Extract<OptimizerOptions, { type: 'sgd' }>;
    o = {
      type,
      lr: s.lr ?? 1e-2,
      momentum: s.momentum ?? 0,
      nesterov: bool(s.nesterov, 'nesterov', false),
      weightDecay: s.weightDecay ?? 0,
    };
    assertNonNegative(o.momentum, 'momentum');
    if (o.nesterov && !(o.momentum > 0)) {
      throw new ValidationError('Nesterov momentum needs momentum > 0 (as torch.optim.SGD)', {
        field: 'nesterov',
        value: o.momentum,
      });
    }
  }
  assertPositive(o.lr, 'lr');
  assertNonNegative(o.weightDecay, 'weightDecay');
  return o;
}

/**
 * Checks a schedule at run time: a known type, a positive integer `stepSize` / `epochs`, a
 * positive `gamma`, a non-negative `minLr`.
 * @internal
 */
export function checkSchedule(s: LrSchedule): LrSchedule {
  obj(s, 'lrSchedule');
  const type = oneOf(s.type, 'lrSchedule.type', ['constant', 'step', 'cosine'] as const);
  const keys = {
    constant: ['type'],
    step: ['type', 'stepSize', 'gamma'],
    cosine: ['type', 'epochs', 'minLr'],
  };
  knownKeys(s, 'lrSchedule', keys[type]);
  if (type === 'step') {
    const st = s as Extract<LrSchedule, { type: 'step' }>;
    assertInteger(st.stepSize, 'lrSchedule.stepSize', 1);
    assertPositive(st.gamma, 'lrSchedule.gamma');
  } else if (type === 'cosine') {
    const c = s as Extract<LrSchedule, { type: 'cosine' }>;
    assertInteger(c.epochs, 'lrSchedule.epochs', 1);
    if (c.minLr !== undefined) assertNonNegative(c.minLr, 'lrSchedule.minLr');
  }
  return s;
}

/**
 * The learning rate of an epoch under a schedule.
 * @internal
 */
export function scheduledLr(s: LrSchedule, epoch: number, baseLr: number): number {
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
