// Browser smoke test: bundles scripts/browser/entry.ts (every package, from source) for the
// browser, runs it in headless Chromium, runs the same bundle in Node, and requires identical
// results: the packages work in a browser and compute the same numbers there. Needs Debian's
// chromium (.ci/run installs it); CHROMIUM=path overrides the binary.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { root } from './packages.mjs';

const out = join(root, '.tmp', 'browser-smoke');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = {
  entryPoints: [join(root, 'scripts', 'browser', 'entry.ts')],
  bundle: true,
  conditions: ['@x/source'],
  logLevel: 'error',
  target: 'es2022',
};
await build({
  ...common,
  platform: 'browser',
  format: 'iife',
  globalName: 'smoke',
  outfile: join(out, 'bundle.js'),
});
await build({ ...common, platform: 'node', format: 'esm', outfile: join(out, 'bundle.mjs') });

writeFileSync(
  join(out, 'index.html'),
  `<!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out">not run</pre>
<script src="bundle.js"></script>
<script>
  const el = document.getElementById('out');
  try { el.textContent = 'RESULT' + JSON.stringify(smoke.run()); }
  catch (e) { el.textContent = 'ERROR' + String(e && e.stack || e); }
</script></body></html>`,
);

const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const r = spawnSync(
  chromium,
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${join(out, 'profile')}`,
    '--dump-dom',
    pathToFileURL(join(out, 'index.html')).href,
  ],
  { encoding: 'utf8', timeout: 120_000 },
);
const dom = r.stdout ?? '';
const m = /(RESULT|ERROR)([\s\S]*?)<\/pre>/.exec(dom);
if (r.status !== 0 || m === null) {
  console.error(
    `✗ chromium did not produce a result (exit ${r.status})\n${r.stderr}\n${dom.slice(0, 2000)}`,
  );
  process.exit(1);
}
if (m[1] === 'ERROR') {
  console.error(`✗ the workload threw in the browser:\n${m[2]}`);
  process.exit(1);
}
const decodeEntities = (s) =>
  s
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
const browser = JSON.parse(decodeEntities(m[2]));
const node = (await import(pathToFileURL(join(out, 'bundle.mjs')).href)).run();

const problems = [];
for (const [k, v] of Object.entries(node)) {
  if (JSON.stringify(browser[k]) !== JSON.stringify(v))
    problems.push(`${k}: browser ${JSON.stringify(browser[k])}, node ${JSON.stringify(v)}`);
}
if (!(Math.abs(browser.first - browser.streamed) <= 1e-5))
  problems.push('streaming output differs from the full forward pass');
if (!(browser.lastLoss < browser.firstLoss)) problems.push('training did not reduce the loss');
if (browser.trained !== browser.copied) problems.push('export/import changed the output');
if (problems.length > 0) {
  console.error(`✗ browser and node disagree:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const version = spawnSync(chromium, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(
  `✓ browser smoke: ${version}: every package ran; attention-lstm (SIMD ${browser.usesSimd ? 'on' : 'off'}) inference, streaming, training and export/import give bit-identical results to Node`,
);
