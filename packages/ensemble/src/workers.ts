/**
 * `@x/ensemble/workers`: fit an ensemble's independent members and folds on worker threads.
 *
 * @packageDocumentation
 */
import { availableParallelism } from 'node:os';
import { assertInteger, exportedModelFromJson, InvalidStateError, UnsupportedError } from '@x/core';
import type Tinypool from 'tinypool';
import type { MemberSpec } from './builtin.js';
import type { FitExecutor, FitTask, FoldOutput } from './executor.js';
import { errorFromWire } from './internal/rethrow.js';
import {
  shareSamples,
  shareTargets,
  type WorkerMessage,
  type WorkerReply,
} from './internal/wire.js';
import type { Member } from './members.js';
import type { SampleArray } from './oof.js';

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Worker threads (default: available cores minus one, at least one). */
  readonly threads?: number;
}

function workerFile(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  // running from src (tests, benches): a CommonJS bootstrap registers tsx and loads the TS worker
  if (here.endsWith('.ts')) {
    return {
      filename: new URL('./internal/worker-boot.cjs', here).href,
      execArgv: ['--conditions=@x/source'],
    };
  }
  return { filename: new URL('./worker.js', here).href, execArgv: [] };
}

function specsFor(task: FitTask<SampleArray>): MemberSpec[] {
  const used = new Set(task.jobs.map((j) => j.member));
  return task.members.map((m: Member<unknown>, k) => {
    const spec = task.specs[k];
    if (spec === undefined && used.has(k)) {
      throw new UnsupportedError(
        `member '${m.name}' cannot be sent to a worker thread: its create() is a closure, which ` +
          `cannot cross a thread boundary. Build it with builtinMember(name, kind, options), or ` +
          `fit without a WorkerPool`,
        { details: { field: 'estimators', member: m.name } },
      );
    }
    return spec as MemberSpec;
  });
}

/**
 * A pool of worker threads (tinypool) that fits an ensemble's independent jobs in parallel: pass
 * it as the `executor` of a stacking ensemble or of `crossValPredict`. The data set is copied
 * once per batch into SharedArrayBuffers that every worker reads; each job fits a member
 * rebuilt from its `builtinMember` spec with the same `fitFold` as the calling thread, so
 * predictions and fitted models are bit-identical to a single-threaded run. Full refits come
 * back as exports and are imported on the calling thread. A typed error thrown in a worker is
 * rethrown here as the same `@x/core` class with its message and fields.
 *
 * Call {@link WorkerPool.destroy} when done; an idle pool keeps the process alive.
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { builtinMember, KFold, StackingRegressor } from '@x/ensemble';
 * import { WorkerPool } from '@x/ensemble/workers';
 * const n = 200;
 * const x = tensor('float64', [n, 2], Float64Array.from({ length: 2 * n }, (_, k) => Math.sin(k)));
 * const y = Float64Array.from({ length: n }, (_, i) => x.get(i, 0) - 2 * x.get(i, 1));
 * const pool = new WorkerPool({ threads: 2 });
 * try {
 *   const stack = new StackingRegressor({
 *     estimators: [builtinMember('ols', 'LinearRegression'), builtinMember('ridge', 'Ridge', { alpha: 3 })],
 *     cv: new KFold({ nSplits: 4 }),
 *     executor: pool,
 *     shareLinearWork: false,
 *   });
 *   await stack.fit(x, y);
 *   console.log(stack.predict(x).length); // 200
 * } finally {
 *   await pool.destroy();
 * }
 * ```
 */
export class WorkerPool implements FitExecutor {
  /** The number of worker threads. */
  readonly threads: number;
  private pool: Promise<Tinypool> | undefined;
  private destroyed = false;

  /**
   * @param options - thread count
   * @throws ValidationError when `threads` is not a positive integer
   */
  constructor(options: WorkerPoolOptions = {}) {
    this.threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    assertInteger(this.threads, 'threads', 1, 1024);
  }

  private tinypool(): Promise<Tinypool> {
    if (this.destroyed)
      throw new InvalidStateError('the WorkerPool was destroyed', { state: 'destroyed' });
    this.pool ??= import('tinypool').then(({ default: Pool }) => {
      const { filename, execArgv } = workerFile();
      return new Pool({ filename, execArgv, minThreads: 0, maxThreads: this.threads });
    });
    return this.pool;
  }

  /**
   * Runs every job on the workers, in parallel, and returns the outputs in job order.
   * @param task - data, members (each from `builtinMember`) and jobs
   * @returns one output per job; full refits carry `exported`
   * @throws UnsupportedError when a member is not a `builtinMember` (a closure cannot be sent)
   * @throws InvalidStateError after {@link WorkerPool.destroy}
   * @throws the first job's error, in job order, as the class the worker threw
   */
  async run<X extends SampleArray>(task: FitTask<X>): Promise<FoldOutput[]> {
    const specs = specsFor(task as unknown as FitTask<SampleArray>);
    const pool = await this.tinypool();
    const x = shareSamples(task.x);
    const y = shareTargets(task.y);
    const replies = await Promise.all(
      task.jobs.map((job) => {
        const msg: WorkerMessage = {
          mode: task.mode,
          spec: specs[job.member]!,
          x,
          y,
          classes: task.classes,
          job,
        };
        return pool.run(msg) as Promise<WorkerReply>;
      }),
    );
    return replies.map((r) => {
      if (!r.ok) throw errorFromWire(r.error);
      return r.exported === undefined
        ? { predictions: r.predictions }
        : { predictions: r.predictions, exported: exportedModelFromJson(r.exported) };
    });
  }

  /** Stops the worker threads. The pool cannot run jobs afterwards. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    const p = this.pool;
    this.pool = undefined;
    if (p !== undefined) await (await p).destroy();
  }
}
