/**
 * `pnpm demo`: the research-to-trading pipeline on one seeded session (see `pipeline.ts`), then
 * its summary and the path of its HTML report. `pnpm demo --real` runs the microstructure stage
 * on the real LOBSTER sample instead, then the oco stage on that day replayed through
 * `examples/real` (queue-position fills and a bracket; skipped with a message when the sample is
 * absent). Workspace
 * packages are imported from source (the `@x/source` condition), so no build is needed.
 */
import { join } from 'node:path';
import runReal from '../real/index.js';
import { FULL_CONFIG } from './config.js';
import { runPipeline } from './pipeline.js';
import { lobsterSample, realMicrostructure } from './stages/real.js';
import { summaryLines } from './summary.js';

const started = performance.now();
if (process.argv.includes('--real')) {
  const root = join(import.meta.dirname, '..', '..');
  const files = lobsterSample(root);
  const r = await realMicrostructure(files);
  if (r === undefined) {
    console.log(`--real: the LOBSTER sample is not at ${files.messages} (set X_SHARED): skipped`);
  } else {
    console.log(
      [
        `LOBSTER AAPL 2012-06-21 (10 levels): ${r.rows} messages over ${r.seconds.toFixed(1)} s, ${r.executions} executions`,
        `mean spread ${r.meanSpreadTicks.toFixed(2)} ticks; imbalance-weighted micro-price − mid ${r.meanMicroMinusMidTicks.toFixed(3)} ticks on average`,
        `best-level OFI against the concurrent mid change over ${r.windows} windows of 20 messages: correlation ${r.ofiCorr.toFixed(3)}`,
        `Kyle λ on 1-s bars: ${r.kyleLambda.toExponential(3)} $/share (49 s of one stock: an illustration, not an estimate)`,
      ].join('\n'),
    );
    console.log('\noco on the replayed day (@x/sim ReplayVenue, @x/sim-oco):');
    await runReal(process.env.X_SHARED ?? join(root, '..', 'shared'));
  }
} else {
  const result = await runPipeline(FULL_CONFIG);
  console.log('');
  for (const line of summaryLines(result)) console.log(line);
  const stages = Object.entries(result.seconds)
    .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
    .join(', ');
  console.log(`\nreport: ${result.reportPath}`);
  console.log(
    `demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s (${stages})`,
  );
}
