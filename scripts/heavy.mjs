// Runs the whole suite with fast-check's heavy mode on (many more runs per property).
import { spawnSync } from 'node:child_process';

const r = spawnSync('pnpm', ['exec', 'vitest', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, X_HEAVY: '1' },
});
process.exit(r.status ?? 1);
