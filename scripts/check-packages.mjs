// publint --strict and attw --pack on every package; fails on any finding. Needs `pnpm build` first.
import { spawnSync } from 'node:child_process';
import { workspacePackages } from './packages.mjs';

let failed = 0;
for (const { dir, name } of workspacePackages()) {
  for (const [tool, args] of [
    ['publint', ['--strict']],
    ['attw', ['--pack', '.', '--format', 'table-flipped']],
  ]) {
    const r = spawnSync('pnpm', ['exec', tool, ...args], { cwd: dir, encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    // publint --strict exits non-zero on warnings; attw exits non-zero on any problem
    if (r.status !== 0) {
      failed++;
      console.error(`✗ ${tool} ${name}\n${out}`);
    } else {
      console.log(`✓ ${tool} ${name}`);
    }
  }
}
if (failed > 0) {
  console.error(`${failed} package check(s) failed`);
  process.exit(1);
}
