// Consumer smoke test: pack every package, install the tarballs into a fresh project outside the
// workspace with npm, then import each package from an ESM script and from a CJS script and
// check that its documented exports are there. Needs `pnpm build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspacePackages } from './packages.mjs';
import { typecheckConsumers } from './smoke-types.mjs';

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`✗ ${cmd} ${args.join(' ')} (in ${cwd})\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return r.stdout;
}

const pkgs = workspacePackages();
const dir = mkdtempSync(join(tmpdir(), 'x-smoke-'));
const tarballs = join(dir, 'tarballs');
try {
  for (const p of pkgs) run('pnpm', ['pack', '--pack-destination', tarballs], p.dir);
  const app = join(dir, 'app');
  run('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'smoke-app', private: true, version: '0.0.0' }),
  );
  const files = pkgs.map((p) =>
    join(tarballs, `${p.name.replace('@', '').replace('/', '-')}-${p.version}.tgz`),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files], app);

  const names = pkgs.map((p) => p.name);
  // every package must export at least one runtime value; each prints its export count
  const esm = names
    .map(
      (n, i) =>
        `import * as m${i} from '${n}';\nif (Object.keys(m${i}).length === 0) throw new Error('${n}: no exports');\nconsole.log('esm ${n}', Object.keys(m${i}).length);`,
    )
    .join('\n');
  const cjs = names
    .map(
      (n) =>
        `{ const m = require('${n}'); if (Object.keys(m).length === 0) throw new Error('${n}: no exports'); console.log('cjs ${n}', Object.keys(m).length); }`,
    )
    .join('\n');
  // a real use of core from both module systems, including the shared error marker across them
  const coreUse = (imp) => `${imp}
const rng = Rng.fromSeed(1);
if (!(rng.float() >= 0)) throw new Error('rng');
const ins = Instrument.create({ symbol: 'T', tickSize: '0.01', lotSize: '1' });
if (ins.roundPrice('1.005', 'floor').toString() !== '1') throw new Error('round');
try { ins.priceToTicks('1.001'); throw new Error('no throw'); } catch (e) { if (!ValidationError.isInstance(e)) throw e; }
console.log('core ok');`;
  writeFileSync(
    join(app, 'esm.mjs'),
    `${esm}\n${coreUse("import { Rng, Instrument, ValidationError } from '@x/core';")}\n`,
  );
  writeFileSync(
    join(app, 'cjs.cjs'),
    `${cjs}\n${coreUse("const { Rng, Instrument, ValidationError } = require('@x/core');")}\n`,
  );
  process.stdout.write(run('node', ['esm.mjs'], app));
  process.stdout.write(run('node', ['cjs.cjs'], app));
  // internals are unreachable
  const blocked = spawnSync('node', ['-e', "require('@x/core/internal/anything')"], {
    cwd: app,
    encoding: 'utf8',
  });
  if (blocked.status === 0 || !/ERR_PACKAGE_PATH_NOT_EXPORTED/.test(blocked.stderr)) {
    console.error('✗ @x/core/internal/* is reachable');
    process.exit(1);
  }
  // the published declarations type-check in every supported setup, money types intact
  const typeFailures = typecheckConsumers(app, pkgs);
  if (typeFailures.length > 0) {
    console.error(`✗ consumer type check failed\n${typeFailures.join('\n')}`);
    process.exit(1);
  }
  console.log(
    `✓ smoke: ${names.length} package(s) installed from tarballs, imported from ESM and CJS, types checked`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
