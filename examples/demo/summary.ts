/** The summary of a pipeline run as lines of text, for the terminal and the report. */
import type { PipelineResult } from './pipeline.js';

const f3 = (x: number) => x.toFixed(3);

/**
 * Formats the summary.
 * @param r - the run's result
 * @returns the lines
 */
export function summaryLines(r: PipelineResult): string[] {
  const { session: s, features: f, models: m, registry: g, trading: t } = r;
  const trades = s.trades.ts.length;
  const entryFills = t.fills.filter((x) => x.role === 'entry').length;
  const lines = [
    `session: ${(s.endMs / 1000).toFixed(0)} s of simulated market time, ${s.events.length.toLocaleString('en-US')} events, ${s.l2.rows.toLocaleString('en-US')} L2 updates, ${trades.toLocaleString('en-US')} trades; informed trader on from ${(s.switchMs / 1000).toFixed(0)} s (two generators, state handoff)`,
    `features: ${f.windows} windows of ${r.config.windowMs} ms; mean, sd and correlation with the next mid move (training part):`,
    ...f.stats.map(
      (x) =>
        `  ${x.name.padEnd(15)} mean ${f3(x.mean).padStart(7)}  sd ${f3(x.sd).padStart(7)}  corr ${f3(x.corrNextMove).padStart(7)}`,
    ),
    `Stoikov micro-price (fitted on the training part), G* at a 1-tick spread by imbalance bucket: ${f.microAdjustments.map(f3).join(' ')} ticks (${f.microConverged ? 'converged' : 'NOT converged'})`,
    'estimators, before -> after the informed trader:',
    ...f.halves.map(
      (h) =>
        `  ${h.label.padEnd(19)} Kyle λ ${h.kyleLambda.toExponential(2)} [95% ${h.kyleCi[0].toExponential(2)}, ${h.kyleCi[1].toExponential(2)}], Hasbrouck permanent impact ${h.hasbrouckImpactBp.toFixed(3)} bp/trade, mean VPIN ${f3(h.meanVpin)}, informed ${(100 * h.informedShare).toFixed(1)}% of trades`,
    ),
    `models: ${m.trainSamples} training samples (purged ${r.config.folds}-fold CV, ${m.purgedRows} rows purged or embargoed over the folds), ${m.outcome.length} held out; out-of-fold R² per fold:`,
    ...m.names.map((n, k) => `  ${n.padEnd(15)} ${m.foldR2[k]!.map(f3).join('  ')}`),
    `ensemble weights (ridge meta-learner): ${m.names.map((n, k) => `${n} ${f3(m.weights[k]!)}`).join(', ')}, intercept ${f3(m.intercept)}`,
    'held-out scores (MSE in units of the label variance; R² against the zero forecast; hit rate on non-zero moves):',
    ...m.holdout.map(
      (h) =>
        `  ${h.name.padEnd(15)} MSE ${f3(h.mse)}  R² ${f3(h.r2VsZero).padStart(7)}  hit ${h.name.startsWith('zero') ? '-' : `${(100 * h.hitRate).toFixed(1)}%`}`,
    ),
    `registry: ${g.production} (ensemble) in production, ${g.challenger} (ridge) in a 20% canary; controller windows ${g.intervals.map((i) => `${i.outcome}${i.injected ? '*' : ''}`).join(', ')} (* regression injected)`,
    g.rollback === undefined
      ? 'rollback: none (unexpected)'
      : `rollback: ${g.rollback.from} -> ${g.rollback.to} after interval ${g.rollback.interval + 1}: ${g.rollback.reason}; every account now on ${g.servingAfter}; audit verify ${g.verified ? 'clean' : 'FAILED'}; production reloaded from ${g.dir}: ${g.reloadIdentical ? 'bit-identical' : 'DIFFERENT'} forecasts`,
    `orders: ${t.groups} brackets (${t.orders} orders sent), ${t.fills.length} fills (${entryFills} entry, ${t.fills.length - entryFills} exit); ${t.entryLots} lots entered, ${t.partialEntries} entries left partly filled, overfill ${t.overfill}`,
    `P&L: realised ${t.realisedPnl.toFixed(2)}, with the open ${t.openQty} lots marked at the last mid ${t.finalPnl.toFixed(2)} (price × lots, no fees)`,
  ];
  return lines;
}
