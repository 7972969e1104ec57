import {
  BookFeatures,
  CancelBurstDetector,
  fitStoikovMicroPrice,
  hasbrouckVar,
  IntegratedOfi,
  kyleLambda,
  L2QueuePosition,
  L3QueueTracker,
  MicroPriceTracker,
  MultiLevelOfi,
  OfiWindow,
  RollingTwap,
  TopOfBookSurvival,
  tradeBars,
  VpinStream,
} from '@x/microstructure';
import { cst2010Rates, OrderFlowGenerator } from '@x/sim';
import type { DemoStep } from '../step.js';

const LEVELS = 10;
const UPDATES = 200_000;
const WINDOW = 200; // updates per OFI window

/** Ordinary least squares slope and R² of y on x (with intercept). */
function ols(x: ArrayLike<number>, y: ArrayLike<number>, n: number): { slope: number; r2: number } {
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i];
    sy += y[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  return { slope: sxy / sxx, r2: (sxy * sxy) / (sxx * syy) };
}

const step: DemoStep = {
  title:
    '@x/microstructure: OFI, integrated OFI, Stoikov micro-price, queues and survival on @x/sim data',
  run(progress) {
    const gen = new OrderFlowGenerator({ seed: 11, rates: cst2010Rates(LEVELS) });
    const ofi = new MultiLevelOfi({ levels: LEVELS });
    const win = new OfiWindow({ levels: LEVELS, events: WINDOW });
    const feats = new BookFeatures({ tickSize: 1, levels: LEVELS, decay: 0.3, bandTicks: 5 });
    const mpTracker = new MicroPriceTracker({ horizons: [1, 50] });
    const surv = new TopOfBookSurvival();
    const twap = new RollingTwap({ windowMs: 60_000 });
    const nWin = Math.floor(UPDATES / WINDOW);
    const scaled = new Float64Array(nWin * LEVELS);
    const rawL1 = new Float64Array(nWin);
    const dMid = new Float64Array(nWin);
    const quotes = {
      bidPrice: new Float64Array(UPDATES),
      bidSize: new Float64Array(UPDATES),
      askPrice: new Float64Array(UPDATES),
      askSize: new Float64Array(UPDATES),
    };
    let w = 0;
    let midOpen = Number.NaN;
    let i = 0;
    let imbSum = 0;
    for (const book of gen.l2Snapshots(LEVELS, { count: UPDATES })) {
      ofi.update(book);
      feats.update(book);
      surv.update(book);
      if (feats.twoSided) {
        mpTracker.update(book);
        twap.update(book.ts, feats.mid);
        imbSum += feats.imbalance;
      }
      quotes.bidPrice[i] = book.bidPrice[0];
      quotes.bidSize[i] = book.bidSize[0];
      quotes.askPrice[i] = book.askPrice[0];
      quotes.askSize[i] = book.askSize[0];
      if (Number.isNaN(midOpen) && feats.twoSided) midOpen = feats.mid;
      if (win.addFrom(ofi) > 0 && w < nWin) {
        const d = win.completedDepth;
        for (let k = 0; k < LEVELS; k++) scaled[w * LEVELS + k] = d > 0 ? win.completed[k] / d : 0;
        rawL1[w] = win.completed[0];
        dMid[w] = feats.mid - midOpen;
        midOpen = feats.mid;
        w++;
      }
      i++;
      if (i % 20_000 === 0)
        progress.update((0.8 * i) / UPDATES, 'streaming features over L2 updates');
    }
    // integrated OFI: weights fitted on the first half of the windows only, applied to the second
    const half = Math.floor(w / 2);
    const iofi = new IntegratedOfi(LEVELS).fit(scaled.subarray(0, half * LEVELS), half);
    const oos = new Float64Array(w - half);
    for (let k = half; k < w; k++) {
      oos[k - half] = iofi.apply(scaled.subarray(k * LEVELS, (k + 1) * LEVELS), 1);
    }
    const fitL1 = ols(rawL1.subarray(half), dMid.subarray(half), w - half);
    const fitI = ols(oos, dMid.subarray(half), w - half);
    progress.update(0.85, 'fitting the Stoikov micro-price');
    const model = fitStoikovMicroPrice(quotes, {
      tickSize: 1,
      imbalanceBuckets: 5,
      spreadStates: 3,
    });

    // exact queue position of one order from L3 events, and the L2 estimate beside it
    progress.update(0.9, 'tracking a queue from L3 events');
    const gen3 = new OrderFlowGenerator({ seed: 5, rates: cst2010Rates(LEVELS) });
    const l3 = new L3QueueTracker();
    const bursts = new CancelBurstDetector({ levels: LEVELS, tauMs: 2000, k: 6 });
    // every 20th buy order joining the best bid is "ours": its exact queue position (L3) against
    // the three L2 estimates, compared at each depth update of its level until it leaves
    type Ours = { price: number; qty: number; models: L2QueuePosition[] };
    const ours = new Map<string | number, Ours>();
    const modelNames = ['risk-averse', 'power(2)', 'log'];
    const absErr = [0, 0, 0];
    let compared = 0;
    let adopted = 0;
    let joins = 0;
    let cancels = 0;
    for (const ev of gen3.events({ count: 150_000 })) {
      if (ev.type === 'trade') {
        for (const o of ours.values())
          for (const m of o.models) m.onTrade(ev.price, ev.qty, ev.aggressor);
        continue;
      }
      l3.apply(ev);
      if (ev.type === 'cancel') {
        const best = ev.side === 'buy' ? gen3.book.bestBid() : gen3.book.bestAsk();
        const level = Math.abs(best - ev.price);
        if (Number.isFinite(level) && level < LEVELS)
          bursts.onCancel(ev.ts, ev.side, level, ev.qty);
        cancels++;
      }
      if (ev.side !== 'buy') continue;
      if (ev.type === 'add' && ev.price === gen3.book.bestBid() && ++joins % 20 === 0) {
        l3.track(ev.orderId);
        const depth = l3.queueAhead(ev.orderId);
        ours.set(ev.orderId, {
          price: ev.price,
          qty: ev.qty,
          models: [
            new L2QueuePosition({ side: 'buy', price: ev.price, qty: ev.qty, depth }),
            new L2QueuePosition({
              side: 'buy',
              price: ev.price,
              qty: ev.qty,
              depth,
              model: { type: 'power', n: 2 },
            }),
            new L2QueuePosition({
              side: 'buy',
              price: ev.price,
              qty: ev.qty,
              depth,
              model: { type: 'log' },
            }),
          ],
        });
        adopted++;
        continue;
      }
      for (const [id, o] of ours) {
        if (!l3.has(id)) {
          ours.delete(id);
          l3.untrack(id);
          continue;
        }
        if (o.price !== ev.price) continue;
        // the L2 view of our level: its depth without our own order
        const depth = l3.levelQty('buy', o.price) - (o.qty - l3.executedQty(id));
        const exact = l3.queueAhead(id);
        o.models.forEach((m, k) => {
          m.onDepth(depth);
          absErr[k] += Math.abs(m.queueAhead - exact);
        });
        compared++;
      }
    }
    progress.update(1);
    const med = surv.median('buy');
    return [
      `${UPDATES.toLocaleString('en-US')} L2 updates of ${LEVELS} levels from the CST 2010 generator; ${w} windows of ${WINDOW} updates`,
      `price impact of OFI (Cont, Kukanov & Stoikov 2014), out of sample: R² of Δmid on best-level OFI ${fitL1.r2.toFixed(3)}, on integrated OFI ${fitI.r2.toFixed(3)}`,
      `integrated-OFI weights (PCA on the first ${half} windows only): ${Array.from(iofi.fitted?.weights ?? [], (x) => x.toFixed(3)).join(' ')} (PC1 explains ${((iofi.fitted?.explainedVarianceRatio ?? 0) * 100).toFixed(1)}%)`,
      `Stoikov micro-price G* at a 1-tick spread by imbalance bucket (ticks): ${Array.from(model.adjustments.subarray(0, 5), (x) => x.toFixed(3)).join(' ')} (${model.converged ? 'converged' : 'NOT converged'} in ${model.iterations} terms)`,
      `mean 10-level imbalance ${(imbSum / Math.max(1, mpTracker.accepted)).toFixed(3)}, micro-price momentum EWMA (50 updates) ${mpTracker.momentumEwma[1].toFixed(4)} ticks, TWAP(60 s) of mid ${twap.twap()?.toFixed(2)}`,
      `best-bid level survival: ${surv.bid.size} levels ended (${surv.endCounts[0]} depleted, ${surv.endCounts[1]} improved), Kaplan–Meier median ${med === undefined ? 'not reached' : `${med.toFixed(0)} ms`}`,
      `queue position of ${adopted} bid orders joining the best: mean |L2 estimate − L3 exact| over ${compared} level updates, ${modelNames.map((n, k) => `${n} ${(absErr[k] / Math.max(1, compared)).toFixed(2)}`).join(', ')} lots`,
      `${cancels.toLocaleString('en-US')} cancels from L3 events, ${bursts.bursts.length} cancel bursts flagged (EWMA rate above median + 6·MAD of its quiet history)`,
      ...informedTraderSession(),
    ];
  },
};
export default step;

// ---- econometric estimators (issue 11): price impact and toxicity before and after an informed
// trader switches on. Two consecutive halves of a session from the CST generator (5 levels, a
// higher market-order rate); the second half adds the generator's informed trader.
function informedTraderSession(): string[] {
  const HALF = 60_000;
  const rates = { ...cst2010Rates(5), mu: 4 };
  const halves = [
    new OrderFlowGenerator({ seed: 21, rates }),
    new OrderFlowGenerator({ seed: 22, rates, informed: { rate: 4, volatilityTicks: 2 } }),
  ];
  // VPIN on 10-s bars (bulk classification of bar price changes, as ELO do with time bars);
  // bucket volume fixed from the first half (about 500 buckets per half)
  let vpinStream: VpinStream | undefined;
  const lines: string[] = [];
  const meanVpin: number[] = [];
  let offsetMs = 0;
  halves.forEach((gen, h) => {
    const ts = new Float64Array(HALF);
    const price = new Float64Array(HALF);
    const qty = new Float64Array(HALF);
    const sign = new Float64Array(HALF);
    let informed = 0;
    let i = 0;
    for (const t of gen.trades({ count: HALF })) {
      ts[i] = offsetMs + t.ts;
      price[i] = t.price;
      qty[i] = t.qty;
      sign[i] = t.aggressor === 'buy' ? 1 : -1;
      if (t.informed === true) informed++;
      i++;
    }
    offsetMs = ts[HALF - 1] + 1;
    const bars = tradeBars({ ts, price, qty, sign }, 10_000);
    const kyle = kyleLambda(bars.priceChange, bars.signedVolume);
    const returns = price.map((p, k) => (k === 0 ? 0 : Math.log(p / price[k - 1])));
    const hv = hasbrouckVar(returns, sign, { lags: 5 });
    if (vpinStream === undefined) {
      let volume = 0;
      for (let k = 0; k < HALF; k++) volume += qty[k];
      vpinStream = new VpinStream({ bucketVolume: volume / 500, window: 50 });
    }
    let sum = 0;
    let count = 0;
    for (let b = 0; b < bars.bars; b++) {
      vpinStream.update(bars.close[b], bars.volume[b]);
      if (vpinStream.vpin !== undefined) {
        sum += vpinStream.vpin;
        count++;
      }
    }
    meanVpin.push(sum / Math.max(1, count));
    const [lo, hi] = kyle.confidenceInterval(0.95);
    lines.push(
      `${h === 0 ? 'no informed trader' : `informed trader on (${((100 * informed) / HALF).toFixed(1)}% of trades)`}: Kyle λ ${kyle.lambda.toFixed(4)} ticks/lot [95% ${lo.toFixed(4)}, ${hi.toFixed(4)}] on ${bars.bars} 10-s bars, Hasbrouck VAR(5) permanent impact ${(hv.permanentImpact * 1e4).toFixed(3)} bp per trade (trades explain ${(100 * hv.tradeCorrelatedShare).toFixed(0)}% of efficient variance), mean VPIN ${meanVpin[h].toFixed(3)}`,
    );
  });
  lines.push(
    `VPIN rose ${meanVpin[1] > meanVpin[0] ? 'with' : 'NOT with'} the informed trader (${meanVpin[0].toFixed(3)} → ${meanVpin[1].toFixed(3)}); last VPIN ${vpinStream?.vpin?.toFixed(3)}, its CDF ${vpinStream?.cdf()?.toFixed(2)}, toxic (CDF ≥ 0.9): ${vpinStream?.toxic()}`,
  );
  return lines;
}
