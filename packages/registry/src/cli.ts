/**
 * The `x-registry` command line, on Node's `util.parseArgs` (part of Node itself, stable since
 * Node 20, strict about unknown options: enough for flat subcommands without a dependency).
 *
 * ```
 * x-registry <command> [arguments] [--store DIR] [--json] [--actor NAME] [--reason TEXT]
 *   list                                  models with their production, canary and shadow
 *   show <model> [version|alias|pointer]  a model, or one version
 *   stage <model> <version> <stage>       move a version (registered, staging, shadow, archived, production)
 *   promote <model> <version>             move a version to production
 *   set-traffic <model> <version> <pct>   send pct % of traffic to a staging version (0 ends the canary)
 *   rollback <model>                      production back to the previous version
 *   history [model] [--limit N]           the audit history, oldest first
 *   verify                                check every blob and pointer (fsck)
 *   gc [--min-age-ms N]                   remove unreferenced blobs
 * ```
 *
 * The store is `--store DIR|URL` or the `X_REGISTRY_STORE` environment variable: a directory
 * (an `FsStorage`), or a PostgreSQL connection string `postgres://user@host:port/db` (a
 * `PostgresStorage`; `?schema=NAME` picks the schema; needs the `pg` package). With `--json` the
 * result (or `{"error": {...}}`) is one JSON document on stdout.
 *
 * Exit codes: 0 done; 1 unexpected failure; 2 usage error; 3 `verify` found problems; 4 not
 * found; 5 refused (a move the lifecycle does not allow, nothing to roll back, a conflict);
 * 6 integrity error (a corrupt artifact or document); 7 the store is unreachable (a database
 * that refuses connections or drops them).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NotFoundError, UnsupportedError, XError } from '@x/core';
import { STAGES, type Stage } from './document.js';
import { FsStorage } from './fs-storage.js';
import { ModelRegistry } from './registry.js';
import type { RegistryStorage } from './storage.js';

/** Exit codes of `x-registry`. */
export const CLI_EXIT = {
  /** Done. */
  ok: 0,
  /** An unexpected failure (I/O error, bug). */
  failure: 1,
  /** Bad arguments or input. */
  usage: 2,
  /** `verify` found problems. */
  verifyFailed: 3,
  /** The model, version or alias does not exist. */
  notFound: 4,
  /** Refused: a move the lifecycle does not allow, nothing to roll back, a conflict. */
  refused: 5,
  /** A corrupt artifact or document. */
  integrity: 6,
  /** The store is unreachable (`StorageUnavailableError`). */
  unavailable: 7,
} as const;

/** Where the CLI writes. */
export interface CliIo {
  /** Standard output. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
  /** Environment (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const USAGE = `usage: x-registry <command> [arguments] [--store DIR|URL] [--json] [--actor NAME] [--reason TEXT]

commands:
  list                                  models with their production, canary and shadow
  show <model> [version|alias|pointer]  a model, or one version
  stage <model> <version> <stage>       move a version to a stage (${STAGES.join(', ')})
  promote <model> <version>             move a version to production
  set-traffic <model> <version> <pct>   send pct % of traffic to a staging version (0 ends it)
  rollback <model>                      production back to the previous version
  history [model] [--limit N]           the audit history, oldest first
  verify                                check every blob and pointer; exit 3 on any problem
  gc [--min-age-ms N]                   remove unreferenced blobs

The store is --store DIR|URL or $X_REGISTRY_STORE: a directory, or postgres://user@host:port/db
(?schema=NAME picks the schema; needs the pg package).
Exit codes: 0 ok, 1 failure, 2 usage, 3 verify found problems, 4 not found, 5 refused, 6 integrity,
7 store unreachable.
`;

class UsageError extends Error {}

const ARITY: Record<string, [number, number]> = {
  list: [0, 0],
  show: [1, 2],
  stage: [3, 3],
  promote: [2, 2],
  'set-traffic': [3, 3],
  rollback: [1, 1],
  history: [0, 1],
  verify: [0, 0],
  gc: [0, 0],
};

function exitFor(e: unknown): number {
  if (!XError.isInstance(e)) return CLI_EXIT.failure;
  switch (e.code) {
    case 'NOT_FOUND':
      return CLI_EXIT.notFound;
    case 'INVALID_STATE':
    case 'CONFLICT':
      return CLI_EXIT.refused;
    case 'INTEGRITY':
      return CLI_EXIT.integrity;
    case 'UNAVAILABLE':
      return CLI_EXIT.unavailable;
    case 'VALIDATION':
      return CLI_EXIT.usage;
    default:
      return CLI_EXIT.failure;
  }
}

function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function integer(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} must be a non-negative integer`);
  return n;
}

async function execute(
  registry: ModelRegistry,
  command: string,
  args: string[],
  change: { actor?: string; reason?: string },
  flags: { limit?: string | undefined; 'min-age-ms'?: string | undefined },
): Promise<{ result: unknown; text: string; code?: number }> {
  switch (command) {
    case 'list': {
      const models = await registry.listModels();
      const result = models.map((m) => ({
        name: m.name,
        versions: Object.keys(m.versions).length,
        production: m.production,
        canary: m.traffic,
        shadow: m.shadow,
        aliases: m.aliases,
      }));
      const rows = [['MODEL', 'VERSIONS', 'PRODUCTION', 'CANARY', 'SHADOW']];
      for (const m of result) {
        rows.push([
          m.name,
          String(m.versions),
          m.production ?? '-',
          m.canary === null ? '-' : `${m.canary.canary} (${m.canary.percent}%)`,
          m.shadow ?? '-',
        ]);
      }
      return { result, text: table(rows) };
    }
    case 'show': {
      if (args[1] !== undefined) {
        const v = await registry.resolve(args[0]!, args[1]);
        return { result: v, text: `${JSON.stringify(v, null, 2)}\n` };
      }
      const m = await registry.getModel(args[0]!);
      const rows = [['VERSION', 'STAGE', 'CREATED', 'BY', 'DIGEST']];
      for (const v of Object.values(m.versions)) {
        rows.push([
          v.version,
          v.stage,
          new Date(v.createdAt).toISOString(),
          v.createdBy,
          v.digest.slice(0, 12),
        ]);
      }
      const head = `${m.name}: production ${m.production ?? '-'}, canary ${m.traffic === null ? '-' : `${m.traffic.canary} ${m.traffic.percent}%`}, shadow ${m.shadow ?? '-'}\n`;
      return { result: m, text: head + table(rows) };
    }
    case 'stage': {
      const stage = args[2] as Stage;
      if (!STAGES.includes(stage)) throw new UsageError(`unknown stage '${args[2]}'`);
      await registry.setStage(args[0]!, args[1]!, stage, change);
      return {
        result: { model: args[0], version: args[1], stage },
        text: `${args[0]}@${args[1]} -> ${stage}\n`,
      };
    }
    case 'promote': {
      await registry.promote(args[0]!, args[1]!, change);
      return {
        result: { model: args[0], production: args[1] },
        text: `${args[0]}: production is now ${args[1]}\n`,
      };
    }
    case 'set-traffic': {
      const pct = Number(args[2]);
      if (args[2]!.trim() === '' || !Number.isFinite(pct))
        throw new UsageError('percent must be a number');
      await registry.setTraffic(args[0]!, args[1]!, pct, change);
      return {
        result: { model: args[0], canary: args[1], percent: pct },
        text: `${args[0]}: ${pct}% of traffic to ${args[1]}\n`,
      };
    }
    case 'rollback': {
      const r = await registry.rollback(args[0]!, change);
      return {
        result: { model: args[0], ...r },
        text: `${args[0]}: production ${r.from} -> ${r.to}\n`,
      };
    }
    case 'history': {
      const limit = integer(flags.limit, 'limit');
      let h = await registry.history(args[0]);
      if (limit !== undefined) h = h.slice(Math.max(0, h.length - limit));
      const rows = [['SEQ', 'AT', 'ACTOR', 'MODEL', 'ACTION', 'TARGET', 'FROM', 'TO', 'REASON']];
      for (const e of h) {
        rows.push([
          String(e.seq),
          new Date(e.at).toISOString(),
          e.actor,
          e.model,
          e.action,
          e.target,
          e.from ?? '-',
          e.to ?? '-',
          e.reason,
        ]);
      }
      return { result: h, text: table(rows) };
    }
    case 'verify': {
      const r = await registry.verify();
      const lines = r.problems.map(
        (p) => `${p.kind}: ${p.message}${p.digest ? ` (${p.digest})` : ''}\n`,
      );
      const summary = `${r.ok ? 'ok' : `${r.problems.length} problem(s)`}: ${r.models} models, ${r.versions} versions, ${r.blobs} blobs, revision ${r.revision}\n`;
      return {
        result: r,
        text: lines.join('') + summary,
        code: r.ok ? CLI_EXIT.ok : CLI_EXIT.verifyFailed,
      };
    }
    default: {
      const minAgeMs = integer(flags['min-age-ms'], 'min-age-ms');
      const r = await registry.gc(minAgeMs === undefined ? {} : { minAgeMs });
      return { result: r, text: `removed ${r.deleted.length} unreferenced blob(s)\n` };
    }
  }
}

const DATABASE_URL = /^postgres(ql)?:\/\//;

/** A directory (which must exist: never create one by a typo) or a PostgreSQL URL. */
async function openStore(store: string): Promise<RegistryStorage> {
  if (!DATABASE_URL.test(store)) {
    if (!existsSync(store)) throw new NotFoundError('store', store);
    return FsStorage.open(store);
  }
  let mod: typeof import('./postgres.js');
  try {
    mod = await import('./postgres.js');
  } catch (cause) {
    throw new UnsupportedError('a postgres:// store needs the pg package (npm install pg)', {
      cause,
    });
  }
  return mod.PostgresStorage.connect(store);
}

/**
 * Runs `x-registry` with the given arguments.
 * @param argv - the arguments after the program name
 * @param io - output streams and environment
 * @returns the exit code (see {@link CLI_EXIT})
 *
 * @example
 * ```ts
 * import { runCli } from '@x/registry';
 *
 * let out = '';
 * const code = await runCli(['--help'], { out: (s) => (out += s), err: () => undefined });
 * code; // 0
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        store: { type: 'string', short: 's' },
        json: { type: 'boolean' },
        actor: { type: 'string' },
        reason: { type: 'string' },
        limit: { type: 'string' },
        'min-age-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    json = values.json === true;
    const [command, ...args] = positionals;
    if (values.help === true || command === 'help') {
      io.out(USAGE);
      return CLI_EXIT.ok;
    }
    if (command === undefined) throw new UsageError('no command');
    const arity = ARITY[command];
    if (arity === undefined) throw new UsageError(`unknown command '${command}'`);
    if (args.length < arity[0] || args.length > arity[1]) {
      throw new UsageError(
        `${command} takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]}-${arity[1]}`} argument(s)`,
      );
    }
    const env = io.env ?? process.env;
    const store = values.store ?? env.X_REGISTRY_STORE;
    if (store === undefined || store === '')
      throw new UsageError('no store: pass --store DIR|URL or set X_REGISTRY_STORE');
    const registry = await ModelRegistry.open(await openStore(store), {
      actor: values.actor ?? env.USER ?? 'cli',
    });
    try {
      const change = {
        ...(values.actor === undefined ? {} : { actor: values.actor }),
        ...(values.reason === undefined ? {} : { reason: values.reason }),
      };
      const { result, text, code } = await execute(registry, command, args, change, values);
      io.out(json ? `${JSON.stringify(result, null, 2)}\n` : text);
      return code ?? CLI_EXIT.ok;
    } finally {
      await registry.close();
    }
  } catch (e) {
    const usage =
      e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const code = usage ? CLI_EXIT.usage : exitFor(e);
    const message = (e as Error).message;
    if (json) {
      const err = XError.isInstance(e)
        ? e.toJSON()
        : { name: usage ? 'UsageError' : 'Error', message };
      io.out(`${JSON.stringify({ error: { ...err, exitCode: code } }, null, 2)}\n`);
    } else {
      io.err(`x-registry: ${message}\n${usage ? USAGE : ''}`);
    }
    return code;
  }
}
