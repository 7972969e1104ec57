// `pnpm pack:local`: builds every package and packs it into packs/x-<folder>.tgz, so that a project
// outside this clone can `npm install` the packages before they are published (see the README,
// "Using the packages from a clone"). Pass --no-build (or X_PACK_NO_BUILD=1) when dist/ is fresh.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { root, workspacePackages } from './packages.mjs';

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    console.error(`✗ ${cmd} ${args.join(' ')} (in ${cwd})\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
}

/** The tarball a package packs to: packs/x-<folder>.tgz, without the version. */
export function packPath(dir) {
  return join(root, 'packs', `x-${basename(dir)}.tgz`);
}

export function packAll({ build = true } = {}) {
  if (build) run('pnpm', ['build'], root);
  rmSync(join(root, 'packs'), { recursive: true, force: true });
  mkdirSync(join(root, 'packs'));
  const pkgs = workspacePackages();
  for (const p of pkgs) run('pnpm', ['pack', '--out', packPath(p.dir)], p.dir);
  return pkgs;
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  const pkgs = packAll({
    build: !process.argv.includes('--no-build') && process.env.X_PACK_NO_BUILD !== '1',
  });
  for (const p of pkgs) console.log(`✓ ${p.name} -> packs/${basename(packPath(p.dir))}`);
}
