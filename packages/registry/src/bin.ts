#!/usr/bin/env node
/**
 * The `x-registry` command (see `cli.ts`).
 * @module
 */
import { runCli } from './cli.js';

runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`x-registry: ${String(e)}\n`);
    process.exitCode = 70;
  },
);
