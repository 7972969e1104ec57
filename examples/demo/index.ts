/**
 * `pnpm demo`: runs every step in `examples/demo/steps/` in file-name order, with progress on
 * long steps and a short summary of what each computed. Workspace packages are imported from
 * source (the `@x/source` condition), so no build is needed.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DemoStep, Progress } from './step.js';

const dir = join(import.meta.dirname, 'steps');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .sort();

function progressPrinter(): Progress & { done(): void } {
  const tty = process.stdout.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(fraction, note) {
      const now = Date.now();
      if (now - last < 250 && fraction < 1) return;
      last = now;
      shown = true;
      const pct = `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}`.padStart(3);
      const line = `  … ${pct}%${note === undefined ? '' : ` ${note}`}`;
      if (tty) process.stdout.write(`\r${line.padEnd(60)}`);
      else console.log(line);
    },
    done() {
      if (shown && tty) process.stdout.write(`\r${' '.repeat(60)}\r`);
    },
  };
}

const started = Date.now();
for (const [i, file] of files.entries()) {
  const step = (await import(pathToFileURL(join(dir, file)).href)).default as DemoStep;
  console.log(`\n[${i + 1}/${files.length}] ${step.title}`);
  const t0 = Date.now();
  const progress = progressPrinter();
  const lines = await step.run(progress);
  progress.done();
  for (const line of lines) console.log(`  ${line}`);
  console.log(`  (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
}
console.log(`\ndemo finished in ${((Date.now() - started) / 1000).toFixed(2)} s`);
