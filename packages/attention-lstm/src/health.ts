/**
 * The training-health monitor: per-step gradient checks (non-finite values, exploding norms),
 * per-epoch checks (vanishing gradients per parameter group, saturated gates, dead units, loss
 * plateau), and run-level checks (a mostly-skipped run, a loss far worse than the constant mean
 * predictor). It owns its thresholds and its state; the trainer feeds it measurements.
 *
 * @module
 */
import { assertInteger, assertNonNegative, assertPositive } from '@x/core';
import { inRange } from './internal/check.js';
import type { ParameterInfo } from './types.js';

/** Kinds of training-health events. */
export type HealthEventType =
  | 'non-finite'
  | 'exploding-gradient'
  | 'vanishing-gradient'
  | 'gate-saturation'
  | 'dead-units'
  | 'loss-plateau'
  | 'early-stop'
  | 'too-many-skipped'
  | 'worse-than-baseline';

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

/** The thresholds of the monitor (see the fields of the same names in `TrainOptions`). */
export interface HealthThresholds {
  /** Global norm over this many times its running mean: exploding. */
  readonly explodingFactor: number;
  /** Group gradient / weight norm below this: vanishing. */
  readonly vanishingRatio: number;
  /** Saturated gate fraction above this: saturation. */
  readonly saturationThreshold: number;
  /** Epochs without a 0.1% improvement: plateau. */
  readonly plateauPatience: number;
  /** Skipped fraction of the run above this: failure. */
  readonly maxSkippedFraction: number;
  /** Final loss over this many times the mean predictor's: warning. */
  readonly baselineFactor: number;
}

/**
 * Fills the monitor's defaults and checks them.
 * @internal
 */
export function resolveThresholds(o: Partial<HealthThresholds>): HealthThresholds {
  const t: HealthThresholds = {
    explodingFactor: o.explodingFactor ?? 10,
    vanishingRatio: o.vanishingRatio ?? 1e-7,
    saturationThreshold: o.saturationThreshold ?? 0.5,
    plateauPatience: o.plateauPatience ?? 5,
    maxSkippedFraction: o.maxSkippedFraction ?? 0.5,
    baselineFactor: o.baselineFactor ?? 2,
  };
  assertPositive(t.explodingFactor, 'explodingFactor');
  assertNonNegative(t.vanishingRatio, 'vanishingRatio');
  inRange(t.saturationThreshold, 'saturationThreshold', 0, 1, true);
  assertInteger(t.plateauPatience, 'plateauPatience', 1);
  inRange(t.maxSkippedFraction, 'maxSkippedFraction', 0, 1, true);
  assertPositive(t.baselineFactor, 'baselineFactor');
  return t;
}

/** The parameter group of a tensor: `lstm.l<k>` per LSTM layer, else the module name. */
function groupOf(name: string): string {
  const m = /^lstm\.\w+_l(\d+)$/.exec(name);
  if (m !== null) return `lstm.l${m[1]}`;
  return name.split('.')[0]!;
}

/**
 * Watches a training run. Call {@link HealthMonitor.checkGradient} before every update,
 * {@link HealthMonitor.applied} after a successful one, and the epoch and run checks at their ends.
 * @internal
 */
export class HealthMonitor {
  /** Every event, in order. */
  readonly events: HealthEvent[] = [];
  /** Events of the current epoch by type. */
  counts: Partial<Record<HealthEventType, number>> = {};
  /** Group names, in parameter order. */
  readonly groups: readonly string[];
  /** The group index of each parameter tensor. */
  readonly groupIdx: readonly number[];
  private readonly stepNorm: Float64Array;
  /** Group gradient norms of the last applied step (NaN before any). */
  readonly lastNorm: Float64Array;
  private normEma = 0;
  private normSeen = 0;
  private plateauBest = Number.POSITIVE_INFINITY;
  private sincePlateauBest = 0;

  constructor(
    readonly thresholds: HealthThresholds,
    private readonly info: readonly ParameterInfo[],
    private readonly onEvent: ((e: HealthEvent) => void) | undefined,
  ) {
    this.groups = [...new Set(info.map((p) => groupOf(p.name)))];
    this.groupIdx = info.map((p) => this.groups.indexOf(groupOf(p.name)));
    this.stepNorm = new Float64Array(this.groups.length);
    this.lastNorm = new Float64Array(this.groups.length).fill(Number.NaN);
  }

  /** Records an event. */
  emit(e: HealthEvent): void {
    this.events.push(e);
    this.counts[e.type] = (this.counts[e.type] ?? 0) + 1;
    this.onEvent?.(e);
  }

  /** Starts an epoch's event counts. */
  beginEpoch(): void {
    this.counts = {};
  }

  /**
   * The global gradient norm of a step, or NaN when the loss or a gradient is not finite (then a
   * `non-finite` event is emitted). Flags an exploding gradient from the second step on.
   */
  checkGradient(g: Float64Array, loss: number, epoch: number, step: number): number {
    const norm = this.stepNorm;
    norm.fill(0);
    let finite = Number.isFinite(loss);
    for (let pi = 0; pi < this.info.length; pi++) {
      const p = this.info[pi]!;
      let acc = 0;
      for (let i = p.offset; i < p.offset + p.size; i++) acc += g[i]! * g[i]!;
      if (!Number.isFinite(acc)) finite = false;
      norm[this.groupIdx[pi]!] = norm[this.groupIdx[pi]!]! + acc;
    }
    if (!finite) {
      this.nonFinite(
        epoch,
        step,
        loss,
        `non-finite loss or gradient at step ${step}; update skipped, weights untouched`,
      );
      return Number.NaN;
    }
    let total = 0;
    for (let k = 0; k < norm.length; k++) {
      total += norm[k]!;
      norm[k] = Math.sqrt(norm[k]!);
    }
    total = Math.sqrt(total);
    const f = this.thresholds.explodingFactor;
    if (this.normSeen > 0 && total > f * this.normEma) {
      this.emit({
        type: 'exploding-gradient',
        epoch,
        step,
        value: total,
        message: `gradient norm ${total.toPrecision(4)} is over ${f}x its running mean ${this.normEma.toPrecision(4)}`,
      });
    }
    return total;
  }

  /** A `non-finite` event. */
  nonFinite(epoch: number, step: number, value: number, message: string): void {
    this.emit({ type: 'non-finite', epoch, step, value, message });
  }

  /** The step whose norm was last checked was applied: it enters the running mean and the group norms. */
  applied(total: number): void {
    this.normEma = this.normSeen === 0 ? total : 0.9 * this.normEma + 0.1 * total;
    this.normSeen++;
    this.lastNorm.set(this.stepNorm);
  }

  /** Vanishing gradients per group from the weight norms of the epoch's end (`wNorm` per group). */
  checkVanishing(epoch: number, wNorm: Float64Array): void {
    for (let k = 0; k < this.groups.length; k++) {
      const r = this.lastNorm[k]! / wNorm[k]!;
      if (wNorm[k]! > 0 && r < this.thresholds.vanishingRatio) {
        this.emit({
          type: 'vanishing-gradient',
          epoch,
          step: -1,
          group: this.groups[k]!,
          value: r,
          message: `gradient/weight norm ratio of ${this.groups[k]} is ${r.toExponential(2)}`,
        });
      }
    }
  }

  /** Saturated gates and dead units of an epoch. */
  checkActivations(epoch: number, saturated: number, activity: Float64Array, seqs: number): number {
    if (saturated > this.thresholds.saturationThreshold) {
      this.emit({
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
      this.emit({
        type: 'dead-units',
        epoch,
        step: -1,
        value: deadFraction,
        message: `${dead} of ${activity.length} LSTM units never exceeded |h| 1e-3`,
      });
    }
    return deadFraction;
  }

  /** A plateau of the training loss. */
  checkPlateau(epoch: number, trainLoss: number): void {
    const patience = this.thresholds.plateauPatience;
    if (trainLoss < this.plateauBest * (1 - 1e-3)) {
      this.plateauBest = trainLoss;
      this.sincePlateauBest = 0;
    } else if (++this.sincePlateauBest === patience) {
      this.emit({
        type: 'loss-plateau',
        epoch,
        step: -1,
        value: trainLoss,
        message: `training loss has not improved by 0.1% for ${patience} epochs`,
      });
    }
  }

  /**
   * True (with an event) when more than `maxSkippedFraction` of the run's steps were skipped, or
   * every step of the epoch (`epochEmpty`).
   */
  checkSkipped(epoch: number, skipped: number, attempted: number, epochEmpty: boolean): boolean {
    const f = attempted > 0 ? skipped / attempted : 0;
    if (skipped === 0 || (!epochEmpty && f <= this.thresholds.maxSkippedFraction)) return false;
    this.emit({
      type: 'too-many-skipped',
      epoch,
      step: -1,
      value: f,
      message: `${skipped} of ${attempted} steps skipped (over ${this.thresholds.maxSkippedFraction} of the run): training failed`,
    });
    return true;
  }

  /** Warns when the final loss is far worse than the constant predictor's `baseline`. */
  checkBaseline(epoch: number, loss: number, baseline: number): void {
    const f = this.thresholds.baselineFactor;
    if (loss > f * baseline && loss > 1e-12) {
      this.emit({
        type: 'worse-than-baseline',
        epoch,
        step: -1,
        value: loss,
        message: `final training loss ${loss.toPrecision(4)} is over ${f}x the loss ${baseline.toPrecision(4)} of predicting the target mean`,
      });
    }
  }
}
