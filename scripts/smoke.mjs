// Consumer smoke test, as a new user meets the packages before they are on npm: run the root
// README's "from a clone" steps as written (pack every package, install the tarballs into a fresh
// project beside the clone), then import each package from an ESM and a CJS script, check that
// internals are unreachable, and type-check the installed declarations in every supported setup.
// Needs `pnpm build` first (`pnpm check` runs it); the README's `pack:local` step then skips the
// rebuild (X_PACK_NO_BUILD=1).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, workspacePackages } from './packages.mjs';
import { typecheckConsumers } from './smoke-types.mjs';

// what a user's shell has: none of the npm_config_* variables that pnpm sets for its scripts
const userEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')),
);

function run(cmd, args, cwd, env = userEnv) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env });
  if (r.status !== 0) {
    console.error(`✗ ${cmd} ${args.join(' ')} (in ${cwd})\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return r.stdout;
}

/** The shell block of the root README between the clone-install markers. */
function readmeCloneSteps() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const m = /<!-- clone-install:start -->\s*```sh\n([\s\S]*?)```\s*<!-- clone-install:end -->/.exec(
    readme,
  );
  if (!m) {
    console.error('✗ README.md has no clone-install block between its markers');
    process.exit(1);
  }
  return m[1];
}

const pkgs = workspacePackages();
const dir = mkdtempSync(join(tmpdir(), 'x-smoke-'));
try {
  // the layout the README assumes: the clone at ../x, the user's project at ../my-app
  symlinkSync(root, join(dir, 'x'));
  const app = join(dir, 'my-app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'my-app', private: true, version: '0.0.0' }),
  );
  const steps = readmeCloneSteps();
  // PWD keeps the shell's logical directory, so `cd ../my-app` goes beside the link, as for a user
  run('bash', ['-euo', 'pipefail', '-c', steps], join(dir, 'x'), {
    ...userEnv,
    PWD: join(dir, 'x'),
    X_PACK_NO_BUILD: '1',
  });
  console.log('✓ the README clone-install steps ran as written');
  // each package README's clone install line, as written, in a project of its own
  for (const p of pkgs) {
    const folder = p.dir.split('/').pop();
    const readme = readFileSync(join(p.dir, 'README.md'), 'utf8');
    const line = readme.split('\n').find((l) => l.startsWith('npm install ../x/packs/'));
    const deps = Object.keys(
      JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')).dependencies ?? {},
    ).filter((d) => d.startsWith('@x/'));
    const wanted = [folder, ...deps.map((d) => d.slice(3))].map((f) => `../x/packs/x-${f}.tgz`);
    if (!line || wanted.some((w) => !line.split(/\s+/).includes(w))) {
      console.error(`✗ ${p.name} README: no 'npm install ${wanted.join(' ')}' line`);
      process.exit(1);
    }
    const own = join(dir, `app-${folder}`);
    mkdirSync(own);
    writeFileSync(join(own, 'package.json'), JSON.stringify({ name: `app-${folder}` }));
    run('bash', ['-euo', 'pipefail', '-c', line], own);
    run('node', ['-e', `require('${p.name}')`], own);
  }
  console.log(`✓ the install line of every package README (${pkgs.length}) works as written`);
  // then every other package, the same way
  const files = pkgs.map((p) => join(dir, 'x', 'packs', `x-${p.dir.split('/').pop()}.tgz`));
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
  for (const n of names) {
    const blocked = spawnSync('node', ['-e', `require('${n}/internal/anything')`], {
      cwd: app,
      encoding: 'utf8',
    });
    if (blocked.status === 0 || !/ERR_PACKAGE_PATH_NOT_EXPORTED/.test(blocked.stderr)) {
      console.error(`✗ ${n}/internal/* is reachable`);
      process.exit(1);
    }
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
