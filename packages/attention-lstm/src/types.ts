/**
 * Plain data types of the model's public surface.
 *
 * @module
 */

/** One parameter tensor: its PyTorch `state_dict` name, shape and place in the flat buffer. */
export interface ParameterInfo {
  /** The PyTorch `state_dict` name, such as `'lstm.weight_ih_l0'`. */
  readonly name: string;
  /** Its shape. */
  readonly shape: readonly number[];
  /** Offset of its first element in the flat parameter buffer. */
  readonly offset: number;
  /** Number of elements. */
  readonly size: number;
}

/** Per-sequence statistics a forward pass in training mode gathers for the health monitor. */
export interface ActivationStats {
  /** Sigmoid gate activations (i, f, o) seen. */
  gateCount: number;
  /** Of which below 0.01 or above 0.99. */
  gateSaturated: number;
}

/** Options of `AttentionLstm.fromStateDict` / `loadStateDict`. */
export interface StateDictOptions {
  /**
   * Module-name prefixes to rewrite before matching, longest prefix first: for a PyTorch module
   * whose attention is `self.mha` and layer norm `self.ln`, `{ 'mha.': 'attn.', 'ln.': 'norm.' }`.
   */
  readonly rename?: Readonly<Record<string, string>>;
}
