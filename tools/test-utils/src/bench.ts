/**
 * Benchmark helpers: the machine's description, timing with percentiles, and a sink that keeps
 * the JIT from deleting the measured work.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The CPU features a JIT's code generation depends on, in this order when present. */
const SIMD_FLAGS = [
  'sse4_2',
  'popcnt',
  'avx',
  'avx2',
  'fma',
  'bmi2',
  'avx512f',
  'avx512bw',
  'avx512vl',
  'hypervisor',
] as const;

/**
 * The CPU's vendor and the SIMD-relevant feature flags (from `/proc/cpuinfo` on Linux; an empty
 * string elsewhere), e.g. `GenuineIntel sse4_2 popcnt avx avx2 fma bmi2 avx512f ...`.
 */
function cpuFlags(): string {
  let info: string;
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
  const field = (name: string) =>
    new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
  const have = new Set(field('flags').split(/\s+/));
  return [field('vendor_id'), ...SIMD_FLAGS.filter((f) => have.has(f))].join(' ').trim();
}

/** One line naming the machine, Node version and CPU (model, then vendor and SIMD flags). */
export function machineInfo(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown cpu';
  const flags = cpuFlags();
  return `${model} (${cpus.length} logical cores${flags ? `; ${flags}` : ''}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

let sinkValue = 0;
/** Consumes a value so the computation producing it cannot be optimised away; throws on NaN. */
export function sink(v: number): void {
  if (Number.isNaN(v)) throw new Error('benchmark produced NaN');
  sinkValue += v;
}
/** The accumulated sink (print it so the work is observable). */
export function sinkTotal(): number {
  return sinkValue;
}

/** Percentile (nearest rank) of a sorted array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[k]!;
}

/** Latency statistics in nanoseconds. */
export interface LatencyStats {
  readonly n: number;
  readonly meanNs: number;
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly minNs: number;
}

/** Times `fn` `samples` times (after `warmup` calls), one high-resolution timing per call. */
export function timeCalls(
  fn: () => void,
  samples: number,
  warmup = Math.min(1000, samples),
): LatencyStats {
  for (let i = 0; i < warmup; i++) fn();
  const t = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const s = process.hrtime.bigint();
    fn();
    t[i] = Number(process.hrtime.bigint() - s);
  }
  let sum = 0;
  for (let i = 0; i < samples; i++) sum += t[i]!;
  t.sort();
  return {
    n: samples,
    meanNs: sum / samples,
    p50Ns: percentile(t, 50),
    p99Ns: percentile(t, 99),
    minNs: t[0]!,
  };
}

/** Wall time in nanoseconds of one call of `fn`. */
export function timeOnce(fn: () => void): number {
  const s = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - s);
}

/** Formats a table of rows (arrays of cells) with aligned columns. */
export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = [
    header,
    ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c))),
  ];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  return cells
    .map((r, ri) => {
      const line = r.map((c, i) => String(c).padEnd(widths[i]!)).join('  ');
      return ri === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toPrecision(3);
}
