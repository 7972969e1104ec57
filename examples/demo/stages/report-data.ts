/**
 * The report's chart data: one entry per chart, as uPlot's column arrays (the first column is
 * the x axis; `null` is a gap), built from the stages' outputs.
 */
import type { Features } from './features.js';
import { OFI_LEVELS } from './features.js';
import type { Models } from './models.js';
import type { RegistryResult } from './registry.js';
import type { Trading } from './trading.js';

/** One chart: its id, title, axis labels, series and columns. */
export interface ChartData {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** One per column after the first; `points` draws markers only, no line. */
  readonly series: readonly {
    readonly label: string;
    readonly color: string;
    readonly points?: boolean;
    /** Marker size in CSS pixels (7 by default). */
    readonly size?: number;
  }[];
  readonly columns: readonly (readonly (number | null)[])[];
}

const num = (v: number): number | null => (Number.isFinite(v) ? Number(v.toPrecision(8)) : null);
const col = (a: ArrayLike<number>, f: (v: number) => number = (v) => v) =>
  Array.from(a, (v) => num(f(v)));

/** Builds the six charts. */
export function chartData(
  f: Features,
  m: Models,
  r: RegistryResult,
  t: Trading,
  switchMs: number,
): ChartData[] {
  const sec = (ms: number) => ms / 1000;
  const ofiCols = Array.from({ length: OFI_LEVELS }, (_, k) =>
    Array.from({ length: f.windows }, (_, w) => num(f.ofi[w * OFI_LEVELS + k]!)),
  );
  const testT = Array.from(m.testWindow, (w) => num(sec(f.t[w]!)));
  // equity with fills: the union of window times and fill times, equity carried forward
  const xs: number[] = [];
  const eq: (number | null)[] = [];
  const buys: (number | null)[] = [];
  const sells: (number | null)[] = [];
  let j = 0;
  let last = 0;
  for (let i = 0; i < t.equityT.length; i++) {
    while (j < t.fills.length && t.fills[j]!.ts < t.equityT[i]!) {
      const fl = t.fills[j++]!;
      xs.push(sec(fl.ts));
      eq.push(null);
      buys.push(fl.side > 0 ? last : null);
      sells.push(fl.side < 0 ? last : null);
    }
    last = t.equity[i]!;
    xs.push(sec(t.equityT[i]!));
    eq.push(num(last));
    buys.push(null);
    sells.push(null);
  }
  const iv = r.intervals;
  return [
    {
      id: 'mid',
      title: `Mid and micro-price (informed trader from ${sec(switchMs).toFixed(0)} s)`,
      xLabel: 'simulated time (s)',
      yLabel: 'price',
      series: [
        { label: 'mid', color: '#1f77b4' },
        { label: 'micro-price', color: '#ff7f0e' },
      ],
      columns: [col(f.t, sec), col(f.mid), col(f.micro)],
    },
    {
      id: 'ofi',
      title: 'Multi-level OFI per window (scaled by depth)',
      xLabel: 'simulated time (s)',
      yLabel: 'OFI / depth',
      series: ['#1f77b4', '#2ca02c', '#d62728'].map((color, k) => ({
        label: `level ${k + 1}`,
        color,
      })),
      columns: [col(f.t, sec), ...ofiCols],
    },
    {
      id: 'vpin',
      title: 'VPIN (bulk volume classification)',
      xLabel: 'simulated time (s)',
      yLabel: 'VPIN',
      series: [{ label: 'VPIN', color: '#9467bd' }],
      columns: [col(f.t, sec), col(f.vpin)],
    },
    {
      id: 'predictions',
      title: 'Ensemble forecast against the realised next-window mid move (held out)',
      xLabel: 'simulated time (s)',
      yLabel: 'ticks',
      series: [
        { label: 'outcome', color: '#7f7f7f' },
        { label: 'forecast', color: '#d62728' },
      ],
      columns: [testT, col(m.outcome), col(m.prediction)],
    },
    {
      id: 'equity',
      title: 'Equity of the bracket strategy, fills marked',
      xLabel: 'simulated time (s)',
      yLabel: 'P&L (price × lots)',
      series: [
        { label: 'equity', color: '#1f77b4' },
        // sells drawn first and larger, so a buy at the same spot still shows inside
        { label: 'sell fill', color: '#d62728', points: true, size: 10 },
        { label: 'buy fill', color: '#2ca02c', points: true, size: 5 },
      ],
      columns: [
        xs.map(num),
        eq,
        sells.map((v) => (v === null ? null : num(v))),
        buys.map((v) => (v === null ? null : num(v))),
      ],
    },
    {
      id: 'rollback',
      title: `Canary of ${r.challenger} against ${r.production}: regression injected, rollback ${r.rollback === undefined ? 'did not happen' : `after interval ${r.rollback.interval + 1}`}`,
      xLabel: 'controller interval (simulated minutes)',
      yLabel: 'value',
      series: [
        { label: 'canary share %', color: '#2ca02c' },
        { label: 'canary latency ms', color: '#ff7f0e' },
        { label: 'canary loss', color: '#d62728' },
        { label: 'production loss', color: '#1f77b4' },
        { label: 'rollback', color: '#000000', points: true },
      ],
      columns: [
        iv.map((x) => x.index + 1),
        iv.map((x) => num((100 * x.canary) / Math.max(1, x.canary + x.production))),
        iv.map((x) => (x.canary > 0 ? x.canaryLatencyMs : null)),
        iv.map((x) => num(x.canaryLoss)),
        iv.map((x) => num(x.productionLoss)),
        iv.map((x) => (r.rollback !== undefined && x.index === r.rollback.interval ? 0 : null)),
      ],
    },
  ];
}
