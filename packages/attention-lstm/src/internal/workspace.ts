/**
 * The activation and gradient buffers of one sequence. A float32 model with the SIMD kernels
 * keeps one fixed workspace inside its WebAssembly arena (sized for `arenaSteps(maxLength)`
 * steps); longer sequences, float64 models and models without SIMD use a JavaScript workspace
 * that grows. The attention probabilities are stored per query over the keys its window allows
 * only (T × band per head, band = T without a window), and are allocated only when a pass needs
 * them (training, mean or attention pooling).
 * @internal
 */
import type { ResolvedAttentionLstmConfig } from '../config.js';
import { Kern } from './kern.js';
import { type FArray, ViewSet } from './kernels.js';
import { allocFloat, attentionBand } from './layout.js';
import type { WasmArena } from './wasm.js';

const EMPTY64 = new Float64Array(0);

/** Buffers for sequences of up to `cap` steps. */
export class Workspace {
  /** Kernels bound to this workspace's memory. */
  readonly kern: Kern;
  /** Scratch views for kernel arguments. */
  readonly v = new ViewSet();
  /** Steps the buffers hold. */
  readonly cap: number;
  /** True when this is the fixed arena workspace. */
  readonly inArena: boolean;
  readonly gates: FArray[] = [];
  readonly cells: FArray[] = [];
  readonly hs: FArray[] = [];
  readonly tcs: FArray[] = [];
  readonly masks: FArray[] = [];
  readonly dropped: FArray[] = [];
  readonly z: FArray;
  readonly qkv: FArray;
  readonly attO: FArray;
  readonly resid: FArray;
  readonly xhat: FArray;
  readonly y: FArray;
  readonly staging: FArray;
  readonly attScores: FArray;
  readonly rstd: Float64Array;
  readonly alpha: Float64Array;
  /** Attention probabilities `[head, query, band]` (see {@link Workspace.ensureProbs}). */
  probs: FArray = EMPTY64;
  /** Keys per query stored in {@link Workspace.probs}. */
  band = 0;
  // float32 mirrors in the arena for the backward products on the SIMD kernels
  readonly bG32: FArray;
  readonly bGT32: FArray;
  readonly bAT32: FArray;
  readonly bWT32: FArray;
  readonly bOut32: FArray;
  readonly bZero32: FArray;
  readonly bDhN32: FArray;
  // float64 backward scratch, allocated on the first backward pass
  dG = EMPTY64;
  dH = EMPTY64;
  dX = EMPTY64;
  dz = EMPTY64;
  dqkv = EMPTY64;
  dO = EMPTY64;
  dRow = EMPTY64;
  dGT = EMPTY64;
  actT = EMPTY64;
  private readonly config: ResolvedAttentionLstmConfig;

  /**
   * @param config - the model configuration
   * @param cap - steps to hold
   * @param arena - allocate inside this arena (and run its SIMD kernels), or null
   */
  constructor(config: ResolvedAttentionLstmConfig, cap: number, arena: WasmArena | null) {
    this.config = config;
    const { hiddenSize: H, numLayers: L, inputSize: D, numHeads: nh, dtype } = config;
    const drop = config.dropout > 0;
    const mk = (n: number): FArray => (arena !== null ? arena.alloc(n) : allocFloat(dtype, n));
    this.kern = new Kern(arena);
    this.cap = cap;
    this.inArena = arena !== null;
    for (let l = 0; l < L; l++) {
      this.gates.push(mk(cap * 4 * H));
      this.cells.push(mk(cap * H));
      this.hs.push(mk(cap * H));
      this.tcs.push(mk(cap * H));
      this.masks.push(allocFloat(dtype, l > 0 && drop ? cap * H : 0));
      this.dropped.push(l > 0 && drop ? mk(cap * H) : allocFloat(dtype, 0));
    }
    this.z = mk(cap * H);
    this.qkv = mk(cap * 3 * H);
    this.attO = mk(cap * H);
    this.resid = mk(cap * H);
    this.xhat = allocFloat(dtype, cap * H);
    this.y = mk(cap * H);
    this.staging = mk(cap * D);
    this.attScores = mk(nh * cap);
    this.rstd = new Float64Array(cap);
    this.alpha = new Float64Array(cap);
    const E = Math.max(H, D);
    const mirror = (n: number): FArray => (arena !== null ? arena.alloc(n) : allocFloat(dtype, 0));
    this.bG32 = mirror(cap * 4 * H);
    this.bGT32 = mirror(cap * 4 * H);
    this.bAT32 = mirror(cap * E);
    this.bWT32 = mirror(4 * H * E);
    this.bOut32 = mirror(Math.max(4 * H * E, cap * E));
    this.bZero32 = mirror(Math.max(4 * H, E));
    this.bDhN32 = mirror(H);
  }

  /** Makes room for the attention probabilities of every query of a T-step sequence. */
  ensureProbs(): void {
    if (this.band > 0) return;
    const band = attentionBand(this.config, this.cap);
    this.band = band;
    this.probs = allocFloat(this.config.dtype, this.config.numHeads * this.cap * band);
  }

  /** Allocates the float64 backward scratch once. */
  ensureBackward(): void {
    if (this.dG.length > 0) return;
    const { hiddenSize: H, inputSize: D } = this.config;
    const cap = this.cap;
    this.dG = new Float64Array(cap * 4 * H);
    this.dH = new Float64Array(cap * H);
    this.dX = new Float64Array(cap * Math.max(H, D));
    this.dz = new Float64Array(cap * H);
    this.dqkv = new Float64Array(cap * 3 * H);
    this.dO = new Float64Array(cap * H);
    this.dRow = new Float64Array(cap);
    this.dGT = new Float64Array(cap * 4 * H);
    this.actT = new Float64Array(cap * Math.max(H, D));
  }
}

/** Capacity of a new JavaScript workspace that must hold T steps after one of `prev` steps. */
export function grownCap(T: number, prev: number): number {
  return Math.max(T, Math.min(prev * 2, 4096), 8);
}
