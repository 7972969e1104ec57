/**
 * Benchmark of the batch functions against numpy on the same rows, in the same run: batch
 * multi-level OFI (10 levels, depth mode) and batch depth imbalance (10 levels, weighted) over
 * 1,000,000 ten-level L2 rows from the @x/sim Cont-Stoikov-Talreja generator.
 *
 * Each TypeScript function is timed on its WebAssembly SIMD kernel and on its JavaScript fallback,
 * interleaved (A/B, best of 5 CPU times); the outputs of both must be bit-identical. The numpy
 * peer (Debian's /usr/bin/python3, one thread) reads the same rows from a temp file and runs the
 * same formulas twice: plain (no validation at all) and with the validation the TypeScript
 * functions do (the whole book rule per row for OFI, every size finite and >= 0 and the total
 * bounded for imbalance), raising on the first invalid row. Ratios first; CPU model, flags and
 * load are printed.
 *
 * Run: `pnpm bench` in packages/microstructure (env BENCH_ROWS to change the size).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineInfo, sink, sinkTotal, table } from '@x/test-utils/bench';
import { depthImbalanceBatch, multiLevelOfiBatch } from '../src/index.js';
import { batchWasm, batchWasmAvailable } from '../src/internal/batch-wasm.js';
import { generate, N } from './internal/streaming.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PY = '/usr/bin/python3';

function cpuFlags(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    const have = new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
    return ['sse4_1', 'sse4_2', 'avx', 'avx2', 'fma', 'avx512f']
      .filter((f) => have.has(f))
      .join(' ');
  } catch {
    return 'unknown';
  }
}

const bytesHex = (a: Float64Array | Uint8Array): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

function main(): void {
  console.log(`@x/microstructure batch benchmark — ${machineInfo()}`);
  console.log(
    `  CPU flags: ${cpuFlags()}; load average at start ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`  WebAssembly SIMD kernels available: ${batchWasmAvailable()}`);
  const data = generate(ROWS);
  const weights = Float64Array.from({ length: N }, (_, k) => Math.exp(-0.3 * k));

  const ofi = () => multiLevelOfiBatch(data, { levels: N });
  const imb = () => depthImbalanceBatch(data, { levels: N, weights });
  // CPU time (less sensitive than wall time to other processes on a shared machine), best of 5,
  // the two kernels interleaved so that both see the same machine
  const best = { ofiW: Infinity, ofiJ: Infinity, imbW: Infinity, imbJ: Infinity };
  const time = (on: boolean, fn: () => void): number => {
    batchWasm.enabled = on;
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    batchWasm.enabled = true;
    return ((c.user + c.system) * 1000) / ROWS;
  };
  let ofiSum = 0;
  let imbSum = 0;
  for (let rep = 0; rep < 5; rep++) {
    best.ofiW = Math.min(
      best.ofiW,
      time(true, () => sink(ofi().depth[ROWS - 1] ?? 0)),
    );
    best.ofiJ = Math.min(
      best.ofiJ,
      time(false, () => sink(ofi().depth[ROWS - 1] ?? 0)),
    );
    best.imbW = Math.min(
      best.imbW,
      time(true, () => sink(imb()[ROWS - 1] ?? 0)),
    );
    best.imbJ = Math.min(
      best.imbJ,
      time(false, () => sink(imb()[ROWS - 1] ?? 0)),
    );
  }
  // the two kernels agree bit for bit
  batchWasm.enabled = false;
  const ofiJs = ofi();
  const imbJs = imb();
  batchWasm.enabled = true;
  const ofiWa = ofi();
  const imbWa = imb();
  const sameOfi =
    bytesHex(ofiJs.ofi) === bytesHex(ofiWa.ofi) &&
    bytesHex(ofiJs.depth) === bytesHex(ofiWa.depth) &&
    bytesHex(ofiJs.accepted) === bytesHex(ofiWa.accepted);
  const sameImb = bytesHex(imbJs) === bytesHex(imbWa);
  for (let k = 0; k < ofiWa.ofi.length; k++) ofiSum += ofiWa.ofi[k]!;
  for (let k = 0; k < imbWa.length; k++) imbSum += imbWa[k]!;
  sink(ofiSum);
  sink(imbSum);

  let py: Record<string, number> | null = null;
  let pyNote = '';
  if (!existsSync(PY)) pyNote = `numpy peer skipped: ${PY} not found`;
  else {
    const dir = mkdtempSync(join(tmpdir(), 'x-micro-batch-'));
    try {
      for (const f of ['ts', 'bidPrice', 'bidSize', 'askPrice', 'askSize'] as const) {
        writeFileSync(join(dir, `${f}.f64`), data[f]);
      }
      const script = join(dir, 'peer.py');
      writeFileSync(script, PY_PEER);
      // one core for numpy: no multithreaded BLAS in the matrix-vector products
      const env = {
        ...process.env,
        OPENBLAS_NUM_THREADS: '1',
        OMP_NUM_THREADS: '1',
        MKL_NUM_THREADS: '1',
      };
      const res = spawnSync(PY, [script, dir, String(ROWS), String(N)], { env, encoding: 'utf8' });
      if (res.status !== 0) {
        pyNote = `numpy peer skipped: ${res.stderr.trim().split('\n').pop() ?? 'python failed'}`;
      } else py = JSON.parse(res.stdout.trim().split('\n').pop() as string);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.abs(b) + 1e-6;
  console.log('');
  console.log(
    `batch over ${ROWS.toLocaleString('en-US')} rows of ${N} levels: ratios first (numpy CPU time / TypeScript CPU time; > 1 means TypeScript is faster; goal >= 1.5), then CPU ns per row, best of 5, one thread each`,
  );
  const row = (
    what: string,
    w: number,
    j: number,
    np: number | undefined,
    npv: number | undefined,
    same: boolean,
    agrees: string,
  ) => [
    what,
    np ? np / w : Number.NaN,
    npv ? npv / w : Number.NaN,
    np ? np / j : Number.NaN,
    npv ? npv / j : Number.NaN,
    w,
    j,
    np ?? Number.NaN,
    npv ?? Number.NaN,
    same ? 'yes' : 'NO',
    agrees,
  ];
  console.log(
    table(
      [
        'what',
        'numpy/WASM',
        'numpy+valid./WASM',
        'numpy/JS',
        'numpy+valid./JS',
        'WASM ns/row',
        'JS ns/row',
        'numpy ns/row',
        'numpy+valid. ns/row',
        'WASM == JS bits',
        'checksum = numpy',
      ],
      [
        row(
          'multi-level OFI',
          best.ofiW,
          best.ofiJ,
          py?.ofiNs,
          py?.ofiValidNs,
          sameOfi,
          py
            ? close(py.ofiChecksum ?? 0, ofiSum, 1e-9)
              ? 'yes'
              : `NO (${py.ofiChecksum} vs ${ofiSum})`
            : '-',
        ),
        row(
          'depth imbalance',
          best.imbW,
          best.imbJ,
          py?.imbNs,
          py?.imbValidNs,
          sameImb,
          py
            ? close(py.imbChecksum ?? 0, imbSum, 1e-7)
              ? 'yes'
              : `NO (${py.imbChecksum} vs ${imbSum})`
            : '-',
        ),
      ],
    ),
  );
  console.log(
    '  TypeScript validates every row (OFI: the whole book rule, timestamps, crossing, total size; imbalance: every size finite and >= 0, the total size and the weighted depth bounded) and OFI also returns the per-row depth and accepted mask. numpy plain validates nothing and OFI computes e_n only; numpy+valid. adds the same checks vectorised (raising on the first invalid row) and, for OFI, the per-row depth.',
  );
  if (pyNote) console.log(`  ${pyNote}`);
  console.log(
    `  load average at end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`sink ${sinkTotal().toExponential(6)}`);
}

const PY_PEER = `
import json, sys, time
import numpy as np
d, rows, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ld = lambda f: np.fromfile(f"{d}/{f}.f64", dtype=np.float64).reshape(rows, n)
bp, bs, ap, as_ = ld("bidPrice"), ld("bidSize"), ld("askPrice"), ld("askSize")
ts = np.fromfile(f"{d}/ts.f64", dtype=np.float64)
inf = np.inf

def e_n():
    b = np.where(bs > 0, bp, -inf)
    a = np.where(as_ > 0, ap, inf)
    e = np.zeros((rows, n))
    b0, b1, a0, a1 = b[:-1], b[1:], a[:-1], a[1:]
    e[1:] = (b1 >= b0) * bs[1:] - (b1 <= b0) * bs[:-1] - (a1 <= a0) * as_[1:] + (a1 >= a0) * as_[:-1]
    return e

def book_ok():
    ub, ua = bs > 0, as_ > 0
    okb = np.where(ub, (bp > 0) & (bp < inf) & (bs < inf), (bs == 0) & np.isfinite(bp))
    oka = np.where(ua, (ap > 0) & (ap < inf) & (as_ < inf), (as_ == 0) & np.isfinite(ap))
    okb[:, 1:] &= ~ub[:, 1:] | (ub[:, :-1] & (bp[:, 1:] < bp[:, :-1]))
    oka[:, 1:] &= ~ua[:, 1:] | (ua[:, :-1] & (ap[:, 1:] > ap[:, :-1]))
    bb = np.where(ub[:, 0], bp[:, 0], -inf)
    ba = np.where(ua[:, 0], ap[:, 0], inf)
    ok = okb.all(1) & oka.all(1) & (bb < ba) & ((bs + as_).sum(1) <= 1e300)
    ok &= (ts < inf) & np.concatenate(([True], ts[1:] >= ts[:-1]))
    if not ok.all():
        raise ValueError(f"row {int(np.argmin(ok))}: invalid L2 book")

def mlofi():
    return e_n()

def mlofi_valid():
    book_ok()
    return e_n(), (bs + as_).mean(1)

w = np.exp(-0.3 * np.arange(n))
def imb():
    vb = bs @ w
    va = as_ @ w
    s = vb + va
    return np.where(s > 0, (vb - va) / np.where(s > 0, s, 1.0), 0.0)

def imb_valid():
    ok = ((bs >= 0) & (bs < inf) & (as_ >= 0) & (as_ < inf)).all(1) & ((bs + as_).sum(1) <= 1e300)
    if not ok.all():
        raise ValueError(f"row {int(np.argmin(ok))}: sizes must be finite and >= 0")
    return imb()

def best(fn, reps=5):
    t = []
    for _ in range(reps):
        t0 = time.process_time_ns(); r = fn(); t.append(time.process_time_ns() - t0)
    return min(t) / rows, r

ofi_ns, e = best(mlofi)
ofi_v_ns, _ = best(mlofi_valid)
imb_ns, r = best(imb)
imb_v_ns, _ = best(imb_valid)
print(json.dumps({"ofiNs": ofi_ns, "ofiValidNs": ofi_v_ns, "imbNs": imb_ns, "imbValidNs": imb_v_ns,
                  "ofiChecksum": float(e.sum()), "imbChecksum": float(r.sum())}))
`;

main();
