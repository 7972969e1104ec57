/**
 * VPIN, the volume-synchronised probability of informed trading (Easley, López de Prado and
 * O'Hara 2012, "Flow toxicity and liquidity in a high-frequency world", Rev. Financial Studies
 * 25(5)), streaming and batch, with bulk volume or tick-rule classification and the empirical CDF
 * of VPIN for toxicity alerts.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import { checkPolicy, type InvalidPolicy } from './internal/book.js';
import { normalCdfInto, studentTCdfInto, studentTConstants } from './internal/dist.js';

/**
 * How volume is split into buys and sells:
 * - `'bvc-normal'`: bulk volume classification, V_B = V·Φ(ΔP/σ_ΔP) (ELO 2012, eq. 1);
 * - `'bvc-t'`: the same with the Student-t CDF of `df` degrees of freedom (Easley, López de
 *   Prado and O'Hara 2016, "Discerning information from trade data", J. Financial Economics);
 * - `'tick'`: the tick rule, all volume to the buy side on an up-tick, to the sell side on a
 *   down-tick, as the previous observation on a zero tick (half and half before any tick).
 */
export type VpinClassification = 'bvc-normal' | 'bvc-t' | 'tick';

/** Options of {@link VpinStream} and {@link vpin}. */
export interface VpinOptions {
  /** V, the volume of each bucket (finite, > 0), in the unit of the volumes passed. */
  readonly bucketVolume: number;
  /** n, buckets in the VPIN window (integer >= 1; ELO use 50). */
  readonly window: number;
  /** Classification (default `'bvc-normal'`). */
  readonly classification?: VpinClassification;
  /** Degrees of freedom of `'bvc-t'` (default 0.25, as in ELO 2016). */
  readonly df?: number;
  /**
   * σ_ΔP, the standard deviation of price changes used to standardise them. Default in the
   * stream: the running standard deviation of the changes seen so far (causal); in {@link vpin}:
   * the full-sample standard deviation, as in ELO 2012.
   */
  readonly sigma?: number;
  /** Bins of the VPIN histogram behind {@link VpinStream.cdf} over [0, 1] (default 1000). */
  readonly cdfBins?: number;
  /** `'throw'` (default) or `'skip'` on an invalid observation. */
  readonly onInvalid?: InvalidPolicy;
}

/**
 * Receives every bucket close while {@link vpin} runs a stream (synchronously, so a module-level
 * slot is safe); null otherwise.
 */
let batchSink: ((oi: number, vpin: number) => void) | null = null;

/** An observation that fills more buckets than this is taken as a unit error. */
const MAX_BUCKETS_PER_OBS = 1e7;
/** A bucket counts as full when within this relative distance of V (rounding of the splits). */
const FULL = 1 - 1e-12;

/**
 * Streaming VPIN over equal-volume buckets.
 *
 * Each observation is a trade or a bar: its price (the close, for a bar) and its volume. The
 * price change from the previous observation classifies the volume (see
 * {@link VpinClassification}); the volume then fills the current bucket of size V, and an
 * observation that straddles a boundary is split: the part that fits closes the bucket, the
 * excess spills into the next buckets with the same buy fraction. For each closed bucket τ the
 * order imbalance is OI_τ = |V_S − V_B| / (V_S + V_B) (V_S + V_B = V), and
 *
 *   VPIN = (1/n) Σ_{τ = last n buckets} OI_τ = Σ |V_S − V_B| / (n·V)   (ELO 2012, eq. 5),
 *
 * in [0, 1] by construction (each OI_τ is; the running sum is resynchronised every 1024 buckets
 * and the result clamped against rounding only). Updates are O(1) per bucket crossed and do not
 * allocate. {@link VpinStream.cdf} is the empirical CDF of the VPIN values recorded at each bucket
 * close once the window is full, on a fixed histogram over [0, 1]; ELO flag toxicity when the CDF
 * of the current VPIN exceeds a threshold such as 0.9.
 *
 * Invalid observations (price not finite, volume not finite or < 0) follow `onInvalid`: a
 * `ValidationError` (default) or a skip counted in {@link VpinStream.skipped}; either way the state
 * is unchanged.
 *
 * @example
 * ```ts
 * import { VpinStream } from '@x/microstructure';
 * const v = new VpinStream({ bucketVolume: 100, window: 10 });
 * let price = 100;
 * for (let i = 0; i < 2000; i++) {
 *   price += i % 3 === 0 ? -0.01 : 0.01; // a buying-biased tape
 *   v.update(price, 25);
 * }
 * console.log(v.vpin !== undefined && v.vpin >= 0 && v.vpin <= 1, v.buckets); // true 500
 * ```
 */
export class VpinStream {
  /** Bucket volume V. */
  readonly bucketVolume: number;
  /** Window n in buckets. */
  readonly window: number;
  /** Observations rejected under the `'skip'` policy. */
  skipped = 0;
  /** Buckets closed so far. */
  buckets = 0;
  /** Observations accepted. */
  observations = 0;
  readonly #cls: 0 | 1 | 2;
  /** Student-t constants for ν (bvc-t only). */
  readonly #tConstants: Float64Array;
  readonly #fixedSigma: number;
  readonly #policy: InvalidPolicy;
  readonly #oi: Float64Array;
  /** [price, volume, buy fraction] of the observation being applied. */
  readonly #in = new Float64Array(3);
  readonly #cdfScratch = new Float64Array(4);
  readonly #hist: Float64Array;
  #histTotal = 0;
  #oiSum = 0;
  #head = 0;
  #len = 0;
  #vb = 0;
  #vs = 0;
  #fill = 0;
  #prevPrice = 0;
  #hasPrev = false;
  #lastBuy = 0.5;
  /** Welford running moments of ΔP and the σ in use: [count, mean, M2, σ]. */
  readonly #welford = new Float64Array(4);

  /**
   * @param options - bucket volume, window, classification, σ, histogram bins, policy
   * @throws `ValidationError` on bad options
   */
  constructor(options: VpinOptions) {
    const v = options.bucketVolume;
    if (!(Number.isFinite(v) && v > 0)) {
      throw new ValidationError('bucketVolume must be finite and > 0', {
        field: 'bucketVolume',
        value: v,
      });
    }
    const w = options.window;
    if (!(Number.isInteger(w) && w >= 1)) {
      throw new ValidationError('window must be an integer >= 1', { field: 'window', value: w });
    }
    const c = options.classification ?? 'bvc-normal';
    if (c !== 'bvc-normal' && c !== 'bvc-t' && c !== 'tick') {
      throw new ValidationError("classification must be 'bvc-normal', 'bvc-t' or 'tick'", {
        field: 'classification',
        value: c,
      });
    }
    const df = options.df ?? 0.25;
    if (!(Number.isFinite(df) && df > 0)) {
      throw new ValidationError('df must be finite and > 0', { field: 'df', value: df });
    }
    const sigma = options.sigma;
    if (sigma !== undefined && !(Number.isFinite(sigma) && sigma > 0)) {
      throw new ValidationError('sigma must be finite and > 0', { field: 'sigma', value: sigma });
    }
    const bins = options.cdfBins ?? 1000;
    if (!(Number.isInteger(bins) && bins >= 1 && bins <= 1e6)) {
      throw new ValidationError('cdfBins must be an integer in [1, 1e6]', {
        field: 'cdfBins',
        value: bins,
      });
    }
    this.bucketVolume = v;
    this.window = w;
    this.#cls = c === 'bvc-normal' ? 0 : c === 'bvc-t' ? 1 : 2;
    this.#tConstants = studentTConstants(df);
    this.#fixedSigma = sigma ?? 0;
    this.#policy = checkPolicy(options.onInvalid);
    this.#oi = new Float64Array(w);
    this.#hist = new Float64Array(bins);
  }

  /**
   * Adds a trade or a bar.
   * @param price - trade price or bar close (finite)
   * @param volume - its volume (finite, >= 0), unsigned
   * @returns true when accepted, false when skipped under the `'skip'` policy
   * @throws `ValidationError` on invalid input under the `'throw'` policy, and always when one
   *   observation would fill more than 1e7 buckets (bucketVolume in the wrong unit)
   */
  update(price: number, volume: number): boolean {
    // kept small so that V8 inlines it into the caller's loop: the doubles then never cross a
    // call boundary (which would box them); the work happens in #apply, on the scratch
    if (!(price - price === 0 && volume >= 0 && volume < Number.POSITIVE_INFINITY)) {
      if (this.#policy === 'throw') this.#throwInvalid(price, volume);
      this.skipped++;
      return false;
    }
    this.#in[0] = price;
    this.#in[1] = volume;
    this.#apply();
    return true;
  }

  #apply(): void {
    const price = this.#in[0]!;
    const volume = this.#in[1]!;
    if (volume > MAX_BUCKETS_PER_OBS * this.bucketVolume) {
      throw new ValidationError(
        `one observation of volume ${volume} fills more than 1e7 buckets of ${this.bucketVolume}: bucketVolume is in the wrong unit`,
        { field: 'bucketVolume', value: this.bucketVolume, details: { volume } },
      );
    }
    this.#classify();
    this.#prevPrice = price;
    this.#hasPrev = true;
    this.observations++;
    this.#fillBuckets();
  }

  /** VPIN of the last n closed buckets, or `undefined` before n buckets have closed. */
  get vpin(): number | undefined {
    if (this.#len < this.window) return undefined;
    return this.#current();
  }

  /** Order imbalance |V_S − V_B|/V of the last closed bucket, or `undefined` before the first. */
  get lastBucketImbalance(): number | undefined {
    if (this.#len === 0) return undefined;
    const w = this.window;
    return this.#oi[(this.#head + this.#len - 1) % w];
  }

  /**
   * Empirical CDF of the VPIN values recorded so far (one per bucket close once the window was
   * full), at the resolution of the histogram: the share of recorded values in bins up to and
   * including the bin of `v`.
   * @param v - a VPIN value in [0, 1] (default: the current VPIN)
   * @returns the CDF, or `undefined` before any VPIN was recorded
   */
  cdf(v?: number): number | undefined {
    const x = v ?? this.vpin;
    if (x === undefined || this.#histTotal === 0) return undefined;
    if (!(x >= 0 && x <= 1)) {
      throw new ValidationError('v must be in [0, 1]', { field: 'v', value: x });
    }
    const bins = this.#hist.length;
    const top = Math.min(bins - 1, Math.floor(x * bins));
    let c = 0;
    for (let i = 0; i <= top; i++) c += this.#hist[i]!;
    return c / this.#histTotal;
  }

  /**
   * Whether the current VPIN is in the upper tail of its history: cdf(vpin) ≥ threshold.
   * @param threshold - CDF level in (0, 1] (default 0.9, as in ELO 2012)
   * @returns false until a VPIN has been recorded
   */
  toxic(threshold = 0.9): boolean {
    const c = this.cdf();
    return c !== undefined && c >= threshold;
  }

  #throwInvalid(price: number, volume: number): never {
    if (price - price !== 0) {
      throw new ValidationError('price must be finite', { field: 'price', value: price });
    }
    throw new ValidationError(
      'volume must be finite and >= 0 (unsigned: VPIN classifies it into buys and sells)',
      { field: 'volume', value: volume },
    );
  }

  /** Buy fraction of the observation in #in[0] into #in[2]. */
  #classify(): void {
    const io = this.#in;
    if (!this.#hasPrev) {
      io[2] = 0.5;
      return;
    }
    const dp = io[0]! - this.#prevPrice;
    if (this.#cls === 2) {
      if (dp > 0) this.#lastBuy = 1;
      else if (dp < 0) this.#lastBuy = 0;
      io[2] = this.#lastBuy;
      return;
    }
    // σ goes through the typed scratch: a phi of a Smi field and a computed double would box it
    const w = this.#welford;
    if (this.#fixedSigma > 0) {
      w[3] = this.#fixedSigma;
    } else {
      const n = w[0]! + 1;
      const d = dp - w[1]!;
      const mean = w[1]! + d / n;
      const m2 = w[2]! + d * (dp - mean);
      w[0] = n;
      w[1] = mean;
      w[2] = m2;
      w[3] = n > 1 ? Math.sqrt(m2 / (n - 1)) : Math.abs(dp);
    }
    const sigma = w[3];
    if (!(sigma > 0)) {
      io[2] = 0.5;
      return;
    }
    const c = this.#cdfScratch;
    c[0] = dp / sigma;
    if (this.#cls === 0) normalCdfInto(c);
    else studentTCdfInto(c, this.#tConstants);
    const b = c[1]!;
    // an overflowing change (|ΔP| near 1e308) makes z NaN: classify it by its sign alone
    io[2] = b >= 0 && b <= 1 ? b : dp > 0 ? 1 : dp < 0 ? 0 : 0.5;
  }

  #fillBuckets(): void {
    const V = this.bucketVolume;
    const buy = this.#in[2]!;
    let q = this.#in[1]!;
    while (q > 0) {
      const room = V - this.#fill;
      const take = Math.min(q, room);
      this.#vb += buy * take;
      this.#vs += (1 - buy) * take;
      this.#fill += take;
      q -= take;
      if (this.#fill >= FULL * V) this.#closeBucket();
    }
  }

  #closeBucket(): void {
    const tot = this.#vb + this.#vs;
    const oi = tot > 0 ? Math.abs(this.#vb - this.#vs) / tot : 0;
    const w = this.window;
    if (this.#len === w) {
      this.#oiSum -= this.#oi[this.#head]!;
      this.#oi[this.#head] = oi;
      this.#head = this.#head + 1 === w ? 0 : this.#head + 1;
    } else {
      this.#oi[(this.#head + this.#len) % w] = oi;
      this.#len++;
    }
    this.#oiSum += oi;
    this.buckets++;
    if ((this.buckets & 1023) === 0) {
      let s = 0;
      for (let i = 0; i < this.#len; i++) s += this.#oi[i]!;
      this.#oiSum = s;
    }
    this.#vb = 0;
    this.#vs = 0;
    this.#fill = 0;
    const full = this.#len === w;
    if (full) {
      const bins = this.#hist.length;
      this.#hist[Math.min(bins - 1, Math.floor(this.#current() * bins))]!++;
      this.#histTotal++;
    }
    if (batchSink !== null) batchSink(oi, full ? this.#current() : -1);
  }

  #current(): number {
    const v = this.#oiSum / this.#len;
    return Math.min(1, Math.max(0, v));
  }
}

/** Result of {@link vpin}. */
export interface VpinSeries {
  /** Buckets closed. */
  readonly buckets: number;
  /** OI_τ = |V_S − V_B| / V of every closed bucket. */
  readonly bucketImbalance: Float64Array;
  /** Index of the observation during which each bucket closed. */
  readonly bucketEnd: Int32Array;
  /** VPIN at each bucket close from the n-th on (buckets − n + 1 values; empty if fewer). */
  readonly vpin: Float64Array;
  /** σ_ΔP used by bulk classification (0 for the tick rule). */
  readonly sigma: number;
}

/**
 * VPIN over a whole series (ELO 2012; see {@link VpinStream} for the construction). Unless
 * `options.sigma` is given, bulk classification standardises price changes by their full-sample
 * standard deviation, as the paper does; pass `sigma` to get exactly the stream's numbers.
 *
 * @param price - trade prices or bar closes (finite)
 * @param volume - volumes (finite, >= 0), same length
 * @param options - bucket volume, window, classification
 * @returns per-bucket imbalances and the VPIN series
 * @throws `ValidationError` on unequal lengths, NaN, negative volume, fewer than 2 observations,
 *   constant prices under bulk classification (σ_ΔP = 0), or bad options
 *
 * @example
 * ```ts
 * import { vpin } from '@x/microstructure';
 * const price = Array.from({ length: 400 }, (_, i) => 100 + Math.sin(i / 7));
 * const volume = price.map(() => 10);
 * const s = vpin(price, volume, { bucketVolume: 50, window: 20 });
 * console.log(s.buckets, s.vpin.length); // 80 61
 * ```
 */
export function vpin(
  price: ArrayLike<number>,
  volume: ArrayLike<number>,
  options: VpinOptions,
): VpinSeries {
  const n = price.length;
  if (volume.length !== n) {
    throw new ValidationError('price and volume must have equal lengths', {
      field: 'volume',
      details: { price: n, volume: volume.length },
    });
  }
  if (n < 2) {
    throw new ValidationError(`at least 2 observations are needed, got ${n}`, {
      field: 'price',
      value: n,
    });
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(price[i])) {
      throw new ValidationError(`price[${i}] is not finite`, { field: 'price', value: price[i] });
    }
    if (!(volume[i]! >= 0 && Number.isFinite(volume[i]))) {
      throw new ValidationError(`volume[${i}] must be finite and >= 0 (unsigned)`, {
        field: 'volume',
        value: volume[i],
      });
    }
  }
  let sigma = 0;
  const cls = options.classification ?? 'bvc-normal';
  if (cls !== 'tick') {
    sigma = options.sigma ?? 0;
    if (options.sigma === undefined) {
      let m = 0;
      for (let i = 1; i < n; i++) m += price[i]! - price[i - 1]!;
      m /= n - 1;
      let ss = 0;
      for (let i = 1; i < n; i++) ss += (price[i]! - price[i - 1]! - m) ** 2;
      sigma = n > 2 ? Math.sqrt(ss / (n - 2)) : Math.abs(m);
      if (!(sigma > 0)) {
        throw new ValidationError(
          'prices never change: bulk volume classification needs σ_ΔP > 0 (use the tick rule)',
          { field: 'price' },
        );
      }
    }
  }
  const { sigma: _ignored, ...rest } = options;
  const stream = new VpinStream(
    cls === 'tick' ? { ...rest, onInvalid: 'throw' } : { ...rest, sigma, onInvalid: 'throw' },
  );
  const cap = Math.ceil(totalVolume(volume) / options.bucketVolume) + 1;
  const imb = new Float64Array(cap);
  const end = new Int32Array(cap);
  const series = new Float64Array(cap);
  let nb = 0;
  let nv = 0;
  let i = 0;
  batchSink = (oi, v) => {
    imb[nb] = oi;
    end[nb++] = i;
    if (v >= 0) series[nv++] = v;
  };
  try {
    for (; i < n; i++) stream.update(price[i]!, volume[i]!);
  } finally {
    batchSink = null;
  }
  return {
    buckets: nb,
    bucketImbalance: imb.slice(0, nb),
    bucketEnd: end.slice(0, nb),
    vpin: series.slice(0, nv),
    sigma,
  };
}

function totalVolume(volume: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < volume.length; i++) s += volume[i]!;
  return s;
}
