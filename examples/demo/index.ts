/**
 * `pnpm demo`: the research-to-trading pipeline on one seeded session (see `pipeline.ts`), then
 * its summary and the path of its HTML report. Workspace packages are imported from source (the
 * `@x/source` condition), so no build is needed.
 */
import { FULL_CONFIG } from './config.js';
import { runPipeline } from './pipeline.js';
import { summaryLines } from './summary.js';

const started = performance.now();
const result = await runPipeline(FULL_CONFIG);
console.log('');
for (const line of summaryLines(result)) console.log(line);
const stages = Object.entries(result.seconds)
  .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
  .join(', ');
console.log(`\nreport: ${result.reportPath}`);
console.log(`demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s (${stages})`);
