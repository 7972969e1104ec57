#!/usr/bin/env node
/**
 * A throwaway PostgreSQL cluster for the tests: Debian's `initdb` + `pg_ctl` in a temporary
 * directory, listening on 127.0.0.1 at a free port, trust authentication, no password.
 *
 *   node scripts/pg-server.mjs start  [--state FILE]  creates and starts it, prints X_PG_URL=...
 *   node scripts/pg-server.mjs env    [--state FILE]  prints `export X_PG_URL=...` (for eval)
 *   node scripts/pg-server.mjs pause  [--state FILE]  stops the server, keeps the data (fault tests)
 *   node scripts/pg-server.mjs resume [--state FILE]  starts it again on the same port
 *   node scripts/pg-server.mjs stop   [--state FILE]  stops it and deletes the directory
 *
 * The state (directory, port, URL) is written to `.tmp/pg-server.json` unless `--state` names
 * another file. As root, the server binaries run as the `postgres` user (`runuser -u postgres --`),
 * which owns the data directory. `PG_BIN` overrides the binaries' directory.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const args = process.argv.slice(2);
const cmd = args[0];
const stateAt = args.indexOf('--state');
const stateFile = stateAt >= 0 ? resolve(args[stateAt + 1]) : join(root, '.tmp', 'pg-server.json');
const asRoot = process.getuid?.() === 0;

function run(bin, argv) {
  const [file, all] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(BIN, bin), ...argv]]
    : [join(BIN, bin), argv];
  execFileSync(file, all, { stdio: ['ignore', 'ignore', 'inherit'] });
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function readState() {
  return JSON.parse(readFileSync(stateFile, 'utf8'));
}

function pgStart(st) {
  const opts = `-p ${st.port} -k ${st.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  run('pg_ctl', [
    '-D',
    join(st.dir, 'data'),
    '-l',
    join(st.dir, 'server.log'),
    '-o',
    opts,
    '-w',
    'start',
  ]);
}

function pgStop(st) {
  run('pg_ctl', ['-D', join(st.dir, 'data'), '-m', 'fast', '-w', 'stop']);
}

async function start() {
  const dir = mkdtempSync(join(tmpdir(), 'x-pg-'));
  if (asRoot) chownSync(dir, Number(uid('postgres')), Number(uid('postgres', '-g')));
  run('initdb', [
    '-D',
    join(dir, 'data'),
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-instructions',
  ]);
  const port = await freePort();
  const st = { dir, port, url: `postgres://postgres@127.0.0.1:${port}/postgres` };
  pgStart(st);
  mkdirSync(dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, `${JSON.stringify(st)}\n`);
  console.log(`X_PG_URL=${st.url}`);
}

function uid(user, flag = '-u') {
  return execFileSync('id', [flag, user], { encoding: 'utf8' }).trim();
}

switch (cmd) {
  case 'start':
    await start();
    break;
  case 'env':
    console.log(`export X_PG_URL=${readState().url}`);
    break;
  case 'pause':
    pgStop(readState());
    break;
  case 'resume':
    pgStart(readState());
    break;
  case 'stop': {
    const st = readState();
    try {
      pgStop(st);
    } finally {
      rmSync(st.dir, { recursive: true, force: true });
      rmSync(stateFile, { force: true });
    }
    break;
  }
  default:
    console.error('usage: pg-server.mjs start|env|pause|resume|stop [--state FILE]');
    process.exit(2);
}
