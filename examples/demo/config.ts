/**
 * Configuration of the demo pipeline: the full run of `pnpm demo` and a shortened one for the
 * test. Every stage reads only its own section, so a change here says exactly what it affects.
 */

/** Configuration of one pipeline run. */
export interface DemoConfig {
  /** Seed of everything random (order flow, model initialisation, the router's salt). */
  readonly seed: number;
  /** Book levels per side simulated and used for features. */
  readonly levels: number;
  /**
   * Simulated market time of each half of the session, in seconds: the first without, the second
   * with the informed trader.
   */
  readonly halfSeconds: number;
  /**
   * Speed-up of the CST (2010) rates (all of λ, θ and μ times this): a liquid market with many
   * events per second, the same stationary book shape.
   */
  readonly rateScale: number;
  /** Feature window (bar) length, in ms of simulated time. */
  readonly windowMs: number;
  /** Windows per model input sequence. */
  readonly steps: number;
  /** Fraction of samples used to fit the ensemble (the rest is the out-of-sample test). */
  readonly trainFraction: number;
  /** Purged K-fold splits of the training part. */
  readonly folds: number;
  /** Attention-LSTM epochs per fit. */
  readonly lstmEpochs: number;
  /** Smallest |forecast| that opens a bracket, in units of the label's sd. */
  readonly signalThreshold: number;
  /** How long an entry may work before its unfilled rest is cancelled, ms. */
  readonly entryTtlMs: number;
  /** Where the report, the registry and other files go (created if absent). */
  readonly outDir: string;
}

const base = {
  seed: 2026,
  levels: 5,
  rateScale: 25,
  windowMs: 250,
  steps: 8,
  trainFraction: 0.7,
  folds: 4,
  signalThreshold: 0.3,
  entryTtlMs: 1000,
  outDir: '.tmp/demo',
} as const;

/** `pnpm demo`: ten minutes of simulated market time, five before and five after the switch. */
export const FULL_CONFIG: DemoConfig = { ...base, halfSeconds: 300, lstmEpochs: 6 };

/** The test's run: the same pipeline on two minutes of market time and fewer epochs. */
export const TEST_CONFIG: DemoConfig = {
  ...base,
  halfSeconds: 60,
  lstmEpochs: 3,
  outDir: '.tmp/demo-test',
};
