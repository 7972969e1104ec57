/**
 * Where independent fits run. An ensemble's out-of-fold stage is a list of independent jobs (one
 * per member and fold, plus one full refit per member); a {@link FitExecutor} runs them, on the
 * calling thread ({@link inlineExecutor}, the default) or on worker threads (`WorkerPool` from
 * `@x/ensemble/workers`). Both run every job through the same {@link fitFold}, so results do not
 * depend on where a job ran.
 *
 * @module
 */
import type { Classifier, ExportedModel, Regressor } from '@x/core';
import type { MemberSpec } from './builtin.js';
import { columnMap, pick } from './internal/pick.js';
import { takeRows } from './internal/rows.js';
import type { Member } from './members.js';
import type { SampleArray } from './oof.js';

/** One independent fit: a member fitted on some rows, predicting others. */
export interface FoldJob {
  /** Index of the member in {@link FitTask.members}. */
  readonly member: number;
  /** Training rows, ascending; `undefined` for all rows (a full refit). */
  readonly train: Int32Array | undefined;
  /** Rows to predict after fitting (may be empty). */
  readonly test: Int32Array;
  /** Return the fitted model (full refits, whose models predict at inference). */
  readonly keepModel: boolean;
}

/** What one {@link FoldJob} produced. */
export interface FoldOutput {
  /**
   * Predictions of the test rows: one per row for regression; for classification
   * [test rows, classes] row-major, columns in the order of {@link FitTask.classes}, 0 for a
   * class the fold's training rows lacked.
   */
  readonly predictions: Float64Array;
  /** The fitted model, when the job kept it and it ran on this thread. */
  readonly model?: unknown;
  /** The fitted model's export, when the job kept it and it ran elsewhere. */
  readonly exported?: ExportedModel;
}

/** A batch of independent jobs over one data set. */
export interface FitTask<X extends SampleArray = SampleArray> {
  /** `'regression'` predicts values, `'proba'` class probabilities. */
  readonly mode: 'regression' | 'proba';
  /** The members the jobs refer to. */
  readonly members: readonly Member<Regressor<X> | Classifier<X>>[];
  /**
   * Each member's spec when it is a built-in member (from `builtinMember`), else undefined: an
   * executor that runs elsewhere rebuilds members from these.
   */
  readonly specs: readonly (MemberSpec | undefined)[];
  /** Inputs, samples first. */
  readonly x: X;
  /** Targets (regression) or integer labels (classification). */
  readonly y: Float64Array | Int32Array;
  /** Sorted classes of the whole `y` (empty for regression). */
  readonly classes: Int32Array;
  /** The jobs, run in any order; outputs come back in this order. */
  readonly jobs: readonly FoldJob[];
}

/** Runs a batch of independent fits and returns their outputs in job order. */
export interface FitExecutor {
  /**
   * @param task - the data, members and jobs
   * @returns one output per job, in order
   */
  run<X extends SampleArray>(task: FitTask<X>): Promise<FoldOutput[]>;
}

type AnyModel = {
  fit(x: unknown, y: unknown): void | Promise<void>;
  predict(x: unknown): unknown;
  predictProba?(x: unknown): {
    data: ArrayLike<number>;
    offset: number;
    stride: readonly number[];
  };
  classes?: Int32Array;
};

/**
 * Fits `model` as `job` says and predicts its test rows: the one fitting routine of every
 * executor, on the calling thread and inside workers alike.
 *
 * @param model - a fresh, unfitted model
 * @param task - the data (its `members` and `jobs` are not read)
 * @param job - which rows to fit and predict
 * @returns the test predictions, and the model when the job keeps it
 * @throws whatever the model's `fit` or `predict` throws
 */
export async function fitFold<X extends SampleArray>(
  model: Regressor<X> | Classifier<X>,
  task: Pick<FitTask<X>, 'mode' | 'x' | 'y' | 'classes'>,
  job: FoldJob,
): Promise<FoldOutput> {
  const m = model as unknown as AnyModel;
  const { x, y } = task;
  if (job.train === undefined) await m.fit(x, y);
  else await m.fit(takeRows(x, job.train), pick(y, job.train));
  const t = job.test.length;
  let predictions: Float64Array;
  if (t === 0) predictions = new Float64Array(0);
  else if (task.mode === 'regression') {
    predictions = Float64Array.from(m.predict(takeRows(x, job.test)) as ArrayLike<number>);
  } else {
    const K = task.classes.length;
    const p = m.predictProba!(takeRows(x, job.test));
    const cols = columnMap(m.classes!, task.classes);
    predictions = new Float64Array(t * K);
    for (let r = 0; r < t; r++) {
      for (let c = 0; c < cols.length; c++)
        predictions[r * K + cols[c]!] = p.data[p.offset + r * p.stride[0]! + c * p.stride[1]!]!;
    }
  }
  return job.keepModel ? { predictions, model } : { predictions };
}

/**
 * The default executor: every job on the calling thread, one after another, in order. Works
 * with any member, closures included.
 */
export const inlineExecutor: FitExecutor = {
  async run<X extends SampleArray>(task: FitTask<X>): Promise<FoldOutput[]> {
    const out: FoldOutput[] = [];
    for (const job of task.jobs)
      out.push(await fitFold(task.members[job.member]!.create(), task, job));
    return out;
  },
};
