/**
 * Stage 2, @x/microstructure: streaming features over the session's L2 updates and trades, in
 * fixed windows of simulated time, and the price-impact estimators (Kyle's λ, Hasbrouck's VAR)
 * on each half, before and after the informed trader.
 */
import {
  BookFeatures,
  fitStoikovMicroPrice,
  hasbrouckVar,
  kyleLambda,
  MicroPriceTracker,
  MultiLevelOfi,
  tradeBars,
  VpinStream,
} from '@x/microstructure';
import type { DemoConfig } from '../config.js';
import type { Progress } from './progress.js';
import type { Session } from './simulate.js';

/** Names of the model features, in column order. */
export const FEATURE_NAMES = [
  'ofi-1',
  'ofi-2',
  'ofi-3',
  'imbalance',
  'microprice-mid',
  'signed-volume',
] as const;
const F = FEATURE_NAMES.length;
/** OFI levels drawn in the report and fed to the models. */
export const OFI_LEVELS = 3;

/** Price impact and toxicity of one half of the session. */
interface HalfEstimates {
  readonly label: string;
  readonly kyleLambda: number;
  readonly kyleCi: readonly [number, number];
  readonly hasbrouckImpactBp: number;
  readonly tradeCorrelatedShare: number;
  readonly meanVpin: number;
  readonly informedShare: number;
}

/** Mean, sd, and correlation with the next window's mid move, of one feature. */
interface FeatureStat {
  readonly name: string;
  readonly mean: number;
  readonly sd: number;
  readonly corrNextMove: number;
}

/** What the feature stage hands on: one row per window. */
export interface Features {
  readonly windows: number;
  /** Tick size of the instrument (moves are counted in ticks). */
  readonly tick: number;
  /** Window end times, in ms. */
  readonly t: Float64Array;
  readonly mid: Float64Array;
  readonly micro: Float64Array;
  /** Scaled OFI per window and level, `[w * OFI_LEVELS + k]`. */
  readonly ofi: Float64Array;
  /** VPIN at the window's end (NaN while it warms up). */
  readonly vpin: Float64Array;
  /** Model features, `[w * F + f]`, standardised with the statistics of the training part. */
  readonly x: Float64Array;
  readonly stats: readonly FeatureStat[];
  readonly halves: readonly [HalfEstimates, HalfEstimates];
  /** Stoikov's G* at a one-tick spread per imbalance bucket (ticks), and whether its sum converged. */
  readonly microAdjustments: readonly number[];
  readonly microConverged: boolean;
  /** First window of the informed half. */
  readonly switchWindow: number;
}

function halfEstimates(
  s: Session,
  from: number,
  to: number,
  vpin: ArrayLike<number>,
  label: string,
) {
  const ts = s.trades.ts.subarray(from, to);
  const price = s.trades.price.subarray(from, to);
  const sign = s.trades.sign.subarray(from, to);
  const bars = tradeBars({ ts, price, qty: s.trades.qty.subarray(from, to), sign }, 2000);
  const kyle = kyleLambda(bars.priceChange, bars.signedVolume);
  const returns = price.map((p, k) => (k === 0 ? 0 : Math.log(p / price[k - 1]!)));
  const hv = hasbrouckVar(returns, sign, { lags: 5 });
  let informed = 0;
  for (let i = from; i < to; i++) informed += s.trades.informed[i]!;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < vpin.length; i++)
    if (!Number.isNaN(vpin[i]!)) {
      sum += vpin[i]!;
      n++;
    }
  return {
    label,
    kyleLambda: kyle.lambda,
    kyleCi: kyle.confidenceInterval(0.95),
    hasbrouckImpactBp: hv.permanentImpact * 1e4,
    tradeCorrelatedShare: hv.tradeCorrelatedShare,
    meanVpin: sum / Math.max(1, n),
    informedShare: informed / Math.max(1, to - from),
  } satisfies HalfEstimates;
}

/**
 * Computes the features.
 * @param s - the session
 * @param cfg - the demo configuration
 * @param progress - where to report progress
 * @returns one feature row per window
 */
export function computeFeatures(s: Session, cfg: DemoConfig, progress: Progress): Features {
  const L = s.l2.levels;
  const tick = s.instrument.tickSizeNumber;
  const W = Math.floor(s.endMs / cfg.windowMs);
  const ofiCalc = new MultiLevelOfi({ levels: OFI_LEVELS, onInvalid: 'skip' });
  const book = new BookFeatures({
    tickSize: tick,
    levels: L,
    decay: 0.5,
    bandTicks: 3,
    onInvalid: 'skip',
  });
  // Stoikov's micro-price, fitted on the best quotes of the training part only
  const nTrain = Math.floor((W - 1) * cfg.trainFraction);
  let fitRows = 0;
  while (fitRows < s.l2.rows && s.l2.ts[fitRows]! < nTrain * cfg.windowMs) fitRows++;
  const top = (a: Float64Array) => Float64Array.from({ length: fitRows }, (_, r) => a[r * L]!);
  const stoikov = fitStoikovMicroPrice(
    {
      bidPrice: top(s.l2.bidPrice),
      bidSize: top(s.l2.bidSize),
      askPrice: top(s.l2.askPrice),
      askSize: top(s.l2.askSize),
    },
    { tickSize: tick, imbalanceBuckets: 5, spreadStates: 3 },
  );
  const micro = new MicroPriceTracker({ model: stoikov, horizons: [1], onInvalid: 'skip' });
  // VPIN: bucket volume from the calm half (about 200 buckets), window of 50 buckets
  let calmVolume = 0;
  for (let i = 0; i < s.trades.ts.length && s.trades.ts[i]! < s.switchMs; i++)
    calmVolume += s.trades.qty[i]!;
  const vpinStream = new VpinStream({ bucketVolume: Math.max(1, calmVolume / 200), window: 50 });
  const out = {
    t: new Float64Array(W),
    mid: new Float64Array(W),
    micro: new Float64Array(W),
    ofi: new Float64Array(W * OFI_LEVELS),
    vpin: new Float64Array(W),
    raw: new Float64Array(W * F),
  };
  const snap = {
    ts: 0,
    bidPrice: new Float64Array(L),
    bidSize: new Float64Array(L),
    askPrice: new Float64Array(L),
    askSize: new Float64Array(L),
  };
  const acc = new Float64Array(OFI_LEVELS);
  let depthSum = 0;
  let updates = 0;
  let r = 0; // next L2 row
  let q = 0; // next trade
  for (let w = 0; w < W; w++) {
    const end = (w + 1) * cfg.windowMs;
    acc.fill(0);
    depthSum = 0;
    updates = 0;
    for (; r < s.l2.rows && s.l2.ts[r]! < end; r++) {
      snap.ts = s.l2.ts[r]!;
      for (let k = 0; k < L; k++) {
        snap.bidPrice[k] = s.l2.bidPrice[r * L + k]!;
        snap.bidSize[k] = s.l2.bidSize[r * L + k]!;
        snap.askPrice[k] = s.l2.askPrice[r * L + k]!;
        snap.askSize[k] = s.l2.askSize[r * L + k]!;
      }
      book.update(snap);
      micro.update(snap);
      if (ofiCalc.update(snap)) {
        for (let k = 0; k < OFI_LEVELS; k++) acc[k]! += ofiCalc.last[k]!;
        depthSum += ofiCalc.lastDepth;
        updates++;
      }
    }
    let signed = 0;
    let volume = 0;
    let close = Number.NaN;
    for (; q < s.trades.ts.length && s.trades.ts[q]! < end; q++) {
      signed += s.trades.sign[q]! * s.trades.qty[q]!;
      volume += s.trades.qty[q]!;
      close = s.trades.price[q]!;
    }
    if (volume > 0) vpinStream.update(close, volume);
    const depth = updates > 0 ? depthSum / updates : 1;
    const mid = book.twoSided ? book.mid : w > 0 ? out.mid[w - 1]! : 0;
    out.t[w] = end;
    out.mid[w] = mid;
    out.micro[w] = micro.accepted > 0 ? micro.price : mid;
    out.vpin[w] = vpinStream.vpin ?? Number.NaN;
    for (let k = 0; k < OFI_LEVELS; k++) {
      out.ofi[w * OFI_LEVELS + k] = acc[k]! / depth;
      out.raw[w * F + k] = acc[k]! / depth;
    }
    out.raw[w * F + 3] = book.twoSided ? book.imbalance : 0;
    out.raw[w * F + 4] = (out.micro[w]! - mid) / tick;
    out.raw[w * F + 5] = signed / depth;
    if (w % 200 === 0) progress(`window ${w}/${W}`);
  }
  const switchWindow = Math.ceil(s.switchMs / cfg.windowMs);
  const stats = FEATURE_NAMES.map((name, f) =>
    featureStat(out.raw, out.mid, f, nTrain, name, tick),
  );
  // standardise with the training part's statistics only (no look-ahead into the test part)
  const x = out.raw.map((v, i) => {
    const st = stats[i % F]!;
    return st.sd > 0 ? (v - st.mean) / st.sd : 0;
  });
  const qSwitch = s.trades.ts.findIndex((t) => t >= s.switchMs);
  const split = qSwitch < 0 ? s.trades.ts.length : qSwitch;
  const halves: [HalfEstimates, HalfEstimates] = [
    halfEstimates(s, 0, split, out.vpin.subarray(0, switchWindow), 'no informed trader'),
    halfEstimates(
      s,
      split,
      s.trades.ts.length,
      out.vpin.subarray(switchWindow),
      'informed trader on',
    ),
  ];
  return {
    windows: W,
    tick,
    t: out.t,
    mid: out.mid,
    micro: out.micro,
    ofi: out.ofi,
    vpin: out.vpin,
    x,
    stats,
    halves,
    microAdjustments: Array.from(stoikov.adjustments.subarray(0, 5)),
    microConverged: stoikov.converged,
    switchWindow,
  };
}

function featureStat(
  raw: Float64Array,
  mid: Float64Array,
  f: number,
  n: number,
  name: string,
  tick: number,
): FeatureStat {
  let sx = 0;
  let sy = 0;
  for (let w = 0; w < n; w++) {
    sx += raw[w * F + f]!;
    sy += (mid[w + 1]! - mid[w]!) / tick;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let w = 0; w < n; w++) {
    const dx = raw[w * F + f]! - mx;
    const dy = (mid[w + 1]! - mid[w]!) / tick - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const corr = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
  return { name, mean: mx, sd: Math.sqrt(sxx / n), corrNextMove: corr };
}
