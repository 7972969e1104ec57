/**
 * One training run as a state machine of epochs, driven by `trainAttentionLstm` (all epochs in
 * one call) or `trainAttentionLstmAsync` (yielding between epochs): the same object, so both
 * produce the same numbers bit for bit.
 * @internal
 */
import { Rng, type Tensor } from '@x/core';
import { HealthMonitor } from '../health.js';
import {
  baselineLoss,
  checkTargets,
  type LossKind,
  lossScale,
  meanLoss,
  sampleLoss,
  type Targets,
} from '../losses.js';
import { type AttentionLstm, netOf } from '../model.js';
import { clipGradNorm, Optimizer, scheduledLr } from '../optim.js';
import type { EpochSummary, TrainingReport, TrainOptions } from '../train.js';
import type { ActivationStats } from '../types.js';
import { prepareInput } from './input.js';
import type { FArray } from './kernels.js';
import { allocFloat } from './layout.js';
import type { Net } from './net.js';
import { type ResolvedTrainOptions, resolveTrainOptions } from './train-options.js';

/**
 * Forward + backward of sequences `idx[from..to)` of x (in the net's current mode), the
 * gradients accumulated into `net.grads`; returns the batch-mean loss.
 */
function batchLossAndGrad(
  net: Net,
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
): number {
  const { inputSize: D, outputSize: O } = net.config;
  const scale = lossScale(kind, to - from, O);
  let loss = 0;
  for (let k = from; k < to; k++) {
    const b = idx === null ? k : idx[k]!;
    net.forward(x, b * T * D, T, false, stats);
    if (activity !== undefined) net.recordActivity(T, activity);
    loss += sampleLoss(kind, net.outBuf, 0, O, y, b, scale, dOut);
    net.backward(x, b * T * D, T, dOut);
  }
  return loss;
}

/** See `lossAndGradients`. */
export function lossAndGradientsOf(
  model: AttentionLstm,
  x: Tensor,
  y: Targets,
  loss: LossKind,
): number {
  const { xs, B, T } = prepareInput(model.config, x);
  checkTargets(model.config.outputSize, loss, y, B);
  const net = netOf(model);
  net.prepareBiases();
  net.setTraining(false);
  net.grads.fill(0);
  return batchLossAndGrad(
    net,
    xs,
    T,
    y,
    loss,
    null,
    0,
    B,
    new Float64Array(model.config.outputSize),
    undefined,
    undefined,
  );
}

/** The batch-mean loss of the model on a prepared buffer (inference mode). */
export function lossOnBuffer(
  model: AttentionLstm,
  xs: FArray,
  B: number,
  T: number,
  y: Targets,
  kind: LossKind,
): number {
  const O = model.config.outputSize;
  const out = allocFloat(model.config.dtype, B * O);
  model.forwardInto(xs, B, T, out);
  return meanLoss(kind, out, B, O, y);
}

/** Per-epoch accumulators. */
interface EpochState {
  lossSum: number;
  applied: number;
  skipped: number;
  normSum: number;
  normMax: number;
  seqs: number;
  stats: ActivationStats;
}

/** A training run, one epoch per {@link Trainer.runEpoch}. */
export class Trainer {
  private readonly model: AttentionLstm;
  private readonly net: Net;
  private readonly o: ResolvedTrainOptions;
  private readonly xs: FArray;
  private readonly N: number;
  private readonly T: number;
  private readonly y: Targets;
  private readonly val: { xs: FArray; B: number; T: number; y: Targets } | undefined;
  private readonly opt: Optimizer;
  private readonly baseLr: number;
  private readonly rng: Rng;
  private readonly idx: Int32Array;
  private readonly dOut: Float64Array;
  private readonly activity: Float64Array;
  private readonly wNorm: Float64Array;
  private readonly backup: FArray;
  private readonly best: FArray;
  private readonly monitor: HealthMonitor;
  private readonly summaries: EpochSummary[] = [];
  private readonly stepsPerEpoch: number;
  private bestLoss = Number.POSITIVE_INFINITY;
  private bestEpoch = 0;
  private sinceBest = 0;
  private globalStep = 0;
  private attempted = 0;
  private skippedTotal = 0;
  private epoch = 0;
  private stopReason: TrainingReport['stopReason'] = 'completed';

  constructor(
    model: AttentionLstm,
    data: { readonly x: Tensor; readonly y: Targets },
    options: TrainOptions,
  ) {
    this.o = resolveTrainOptions(options);
    const kind = this.o.loss;
    const O = model.config.outputSize;
    const { xs, B: N, T } = prepareInput(model.config, data.x);
    checkTargets(O, kind, data.y, N);
    if (options.validation !== undefined) {
      const v = prepareInput(model.config, options.validation.x);
      checkTargets(O, kind, options.validation.y, v.B);
      this.val = { ...v, y: options.validation.y };
    }
    this.model = model;
    this.net = netOf(model);
    this.xs = xs;
    this.N = N;
    this.T = T;
    this.y = data.y;
    this.opt = new Optimizer(model.params.length, this.o.optimizer);
    this.baseLr = this.opt.lr;
    this.rng = Rng.fromSeed(this.o.seed);
    this.idx = new Int32Array(N);
    for (let i = 0; i < N; i++) this.idx[i] = i;
    this.dOut = new Float64Array(O);
    this.activity = new Float64Array(model.config.numLayers * model.config.hiddenSize);
    this.monitor = new HealthMonitor(this.o.thresholds, model.parameterInfo, options.onEvent);
    this.wNorm = new Float64Array(this.monitor.groups.length);
    this.backup = allocFloat(model.config.dtype, model.params.length);
    this.best = allocFloat(model.config.dtype, model.params.length);
    this.stepsPerEpoch = Math.ceil(N / this.o.batchSize);
  }

  /** Runs the next epoch; returns whether another one follows. */
  runEpoch(): boolean {
    if (this.epoch >= this.o.epochs || this.stopReason !== 'completed') return false;
    const epoch = this.epoch;
    const o = this.o;
    this.opt.lr = scheduledLr(o.lrSchedule, epoch, this.baseLr);
    if (o.shuffle) this.rng.shuffle(this.idx);
    this.monitor.beginEpoch();
    this.activity.fill(0);
    const st: EpochState = {
      lossSum: 0,
      applied: 0,
      skipped: 0,
      normSum: 0,
      normMax: 0,
      seqs: 0,
      stats: { gateCount: 0, gateSaturated: 0 },
    };
    const t0 = o.clock.now();
    for (let s = 0; s < this.stepsPerEpoch && this.stopReason === 'completed'; s++)
      this.step(epoch, s, st, t0);
    this.skippedTotal += st.skipped;
    this.endEpoch(epoch, st, t0);
    this.epoch++;
    return this.epoch < o.epochs && this.stopReason === 'completed';
  }

  private step(epoch: number, s: number, st: EpochState, t0: number): void {
    const { o, net, model } = this;
    const from = s * o.batchSize;
    const to = Math.min(this.N, from + o.batchSize);
    net.setTraining(true);
    net.prepareBiases();
    net.grads.fill(0);
    const loss = batchLossAndGrad(
      net,
      this.xs,
      this.T,
      this.y,
      o.loss,
      this.idx,
      from,
      to,
      this.dOut,
      st.stats,
      this.activity,
    );
    net.setTraining(false);
    st.seqs += to - from;
    this.attempted++;
    const g = net.grads;
    const total = this.monitor.checkGradient(g, loss, epoch, this.globalStep);
    if (Number.isNaN(total)) {
      this.skip(st);
      return;
    }
    if (o.clipNorm !== undefined) clipGradNorm(g, o.clipNorm);
    const params = model.params;
    this.backup.set(params);
    this.opt.step(params, g);
    for (let i = 0; i < params.length; i++) {
      if (!Number.isFinite(params[i]!)) {
        params.set(this.backup);
        this.monitor.nonFinite(
          epoch,
          this.globalStep,
          Number.NaN,
          'update produced non-finite weights; reverted',
        );
        this.skip(st);
        return;
      }
    }
    this.monitor.applied(total);
    st.normSum += total;
    if (total > st.normMax) st.normMax = total;
    st.lossSum += loss;
    st.applied++;
    const elapsed = Math.max(o.clock.now() - t0, 1e-3);
    o.onProgress?.({
      epoch,
      step: s,
      stepsPerEpoch: this.stepsPerEpoch,
      loss,
      sequencesPerSecond: (st.seqs * 1000) / elapsed,
    });
    this.globalStep++;
  }

  private skip(st: EpochState): void {
    st.skipped++;
    if (this.o.onNonFinite === 'stop') this.stopReason = 'non-finite';
  }

  private endEpoch(epoch: number, st: EpochState, t0: number): void {
    const { model, monitor, o } = this;
    const info = model.parameterInfo;
    const wNorm = this.wNorm;
    wNorm.fill(0);
    for (let pi = 0; pi < info.length; pi++) {
      const p = info[pi]!;
      let acc = 0;
      for (let i = p.offset; i < p.offset + p.size; i++) acc += model.params[i]! ** 2;
      const k = monitor.groupIdx[pi]!;
      wNorm[k] = wNorm[k]! + acc;
    }
    const groupGradNorms: Record<string, number> = {};
    const groupWeightNorms: Record<string, number> = {};
    for (let k = 0; k < monitor.groups.length; k++) {
      wNorm[k] = Math.sqrt(wNorm[k]!);
      groupGradNorms[monitor.groups[k]!] = monitor.lastNorm[k]!;
      groupWeightNorms[monitor.groups[k]!] = wNorm[k]!;
    }
    if (st.applied > 0) monitor.checkVanishing(epoch, wNorm);
    const saturated = st.stats.gateCount > 0 ? st.stats.gateSaturated / st.stats.gateCount : 0;
    const deadFraction = monitor.checkActivations(epoch, saturated, this.activity, st.seqs);
    const trainLoss = st.applied > 0 ? st.lossSum / st.applied : Number.NaN;
    monitor.checkPlateau(epoch, trainLoss);
    let validationLoss: number | undefined;
    const val = this.val;
    if (val !== undefined)
      validationLoss = lossOnBuffer(model, val.xs, val.B, val.T, val.y, o.loss);
    this.trackBest(epoch, validationLoss ?? trainLoss);
    const elapsed = Math.max(o.clock.now() - t0, 1e-3);
    const summary: EpochSummary = {
      epoch,
      trainLoss,
      validationLoss,
      learningRate: this.opt.lr,
      meanGradNorm: st.applied > 0 ? st.normSum / st.applied : Number.NaN,
      maxGradNorm: st.normMax,
      groupGradNorms,
      groupWeightNorms,
      saturatedGateFraction: saturated,
      deadUnitFraction: deadFraction,
      skippedSteps: st.skipped,
      eventCounts: monitor.counts,
      sequencesPerSecond: (st.seqs * 1000) / elapsed,
    };
    if (
      this.stopReason === 'completed' &&
      monitor.checkSkipped(epoch, this.skippedTotal, this.attempted, st.applied === 0)
    ) {
      this.stopReason = 'too-many-skipped';
    }
    const es = o.earlyStopping;
    if (es !== undefined && this.sinceBest >= es.patience && this.stopReason === 'completed') {
      this.stopReason = 'early-stopping';
      monitor.emit({
        type: 'early-stop',
        epoch,
        step: -1,
        value: this.bestLoss,
        message: `no validation improvement for ${this.sinceBest} epochs; best epoch ${this.bestEpoch}`,
      });
    }
    this.summaries.push(summary);
    o.onEpoch?.(summary);
  }

  private trackBest(epoch: number, monitored: number): void {
    const minDelta = this.o.earlyStopping?.minDelta ?? 0;
    if (monitored < this.bestLoss - minDelta) {
      this.bestLoss = monitored;
      this.bestEpoch = epoch;
      this.sinceBest = 0;
      this.best.set(this.model.params);
    } else {
      this.sinceBest++;
    }
  }

  /** Restores the best weights when asked, runs the run-level checks, and returns the report. */
  finish(): TrainingReport {
    const es = this.o.earlyStopping;
    if (es?.restoreBest && this.bestLoss < Number.POSITIVE_INFINITY) {
      this.model.params.set(this.best);
    }
    const last = this.summaries.at(-1);
    if (
      last !== undefined &&
      this.stopReason !== 'too-many-skipped' &&
      Number.isFinite(last.trainLoss)
    ) {
      const O = this.model.config.outputSize;
      this.monitor.checkBaseline(
        last.epoch,
        last.trainLoss,
        baselineLoss(this.o.loss, this.y, this.N, O),
      );
    }
    return {
      epochs: this.summaries,
      events: this.monitor.events,
      stopReason: this.stopReason,
      bestEpoch: this.bestEpoch,
      steps: this.globalStep,
    };
  }
}
