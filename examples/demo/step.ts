/**
 * The contract of a demo step. Each package adds one file under `steps/` whose default export is
 * a {@link DemoStep}; `index.ts` runs them in file-name order.
 */

/** Reports progress of a long step; prints at most every 250 ms and once at the end. */
export interface Progress {
  /** Sets the fraction done, in [0, 1], with an optional short note. */
  update(fraction: number, note?: string): void;
}

/** One step of `pnpm demo`. */
export interface DemoStep {
  /** Shown as the step's heading. */
  readonly title: string;
  /** Runs the step and returns the summary lines to print. */
  run(progress: Progress): Promise<readonly string[]> | readonly string[];
}
