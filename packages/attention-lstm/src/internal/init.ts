/**
 * Weight initialisation: PyTorch's defaults, or Glorot & Bengio (2010) with orthogonal
 * recurrent blocks (Saxe et al. 2014) and forget bias 1 (Jozefowicz et al. 2015).
 * @internal
 */
import type { Rng } from '@x/core';
import type { ResolvedAttentionLstmConfig } from '../config.js';
import type { FArray } from './kernels.js';
import type { Layout } from './layout.js';

/** Fills `p` (laid out by `lay`) from `rng` with the configuration's scheme. */
export function initialise(
  config: ResolvedAttentionLstmConfig,
  lay: Layout,
  p: FArray,
  rng: Rng,
): void {
  const { hiddenSize: H, init } = config;
  const uniform = (off: number, n: number, bound: number): void => {
    for (let i = 0; i < n; i++) p[off + i] = rng.uniform(-bound, bound);
  };
  const normal = (off: number, n: number, sd: number): void => {
    for (let i = 0; i < n; i++) p[off + i] = rng.normal(0, sd);
  };
  const xavier = (off: number, rows: number, cols: number): void => {
    if (init === 'xavier-normal') normal(off, rows * cols, Math.sqrt(2 / (rows + cols)));
    else uniform(off, rows * cols, Math.sqrt(6 / (rows + cols)));
  };
  p.fill(0);
  for (const lp of lay.layers) {
    if (init === 'pytorch') {
      const k = 1 / Math.sqrt(H);
      uniform(lp.wih, 4 * H * lp.inDim, k);
      uniform(lp.whh, 4 * H * H, k);
      uniform(lp.bih, 4 * H, k);
      uniform(lp.bhh, 4 * H, k);
    } else {
      for (let gi = 0; gi < 4; gi++) {
        xavier(lp.wih + gi * H * lp.inDim, H, lp.inDim);
        orthogonal(p, lp.whh + gi * H * H, H, rng);
      }
      for (let j = 0; j < H; j++) p[lp.bih + H + j] = 1;
    }
  }
  if (lay.pos >= 0) normal(lay.pos, config.maxLength * H, init === 'pytorch' ? 1 : 0.02);
  // nn.MultiheadAttention._reset_parameters: xavier_uniform_ on the packed (3E, E) matrix.
  if (init === 'xavier-normal') normal(lay.inW, 3 * H * H, Math.sqrt(2 / (4 * H)));
  else uniform(lay.inW, 3 * H * H, Math.sqrt(6 / (4 * H)));
  if (init === 'pytorch') uniform(lay.outW, H * H, 1 / Math.sqrt(H));
  else xavier(lay.outW, H, H);
  for (let j = 0; j < H; j++) p[lay.lnW + j] = 1;
  if (lay.poolW >= 0) {
    if (init === 'pytorch') {
      uniform(lay.poolW, H, 1 / Math.sqrt(H));
      uniform(lay.poolB, 1, 1 / Math.sqrt(H));
    } else xavier(lay.poolW, 1, H);
  }
  const O = config.outputSize;
  if (init === 'pytorch') {
    uniform(lay.headW, O * H, 1 / Math.sqrt(H));
    uniform(lay.headB, O, 1 / Math.sqrt(H));
  } else xavier(lay.headW, O, H);
}

/**
 * Fills an n×n block at `off` with a random orthogonal matrix: QR (modified Gram-Schmidt) of a
 * Gaussian matrix with the signs of R's diagonal folded in, as `torch.nn.init.orthogonal_`
 * (Saxe et al. 2014).
 */
function orthogonal(p: FArray, off: number, n: number, rng: Rng): void {
  const a = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  // Columns of a, orthonormalised in place (column j at stride n).
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += a[i * n + j]! * a[i * n + k]!;
      for (let i = 0; i < n; i++) a[i * n + j] = a[i * n + j]! - dot * a[i * n + k]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += a[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) a[i * n + j] = a[i * n + j]! / norm;
  }
  for (let i = 0; i < n * n; i++) p[off + i] = a[i]!;
}
