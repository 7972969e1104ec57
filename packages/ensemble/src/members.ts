/**
 * How ensembles receive their members: named factories, so each fold and the final refit get a
 * fresh, unfitted model (scikit-learn clones its estimators for the same reason).
 *
 * @module
 */
import { type Classifier, type Matrix, type Regressor, ValidationError } from '@x/core';

/** A named member: `create` returns a new, unfitted model every call. */
export interface Member<M> {
  /** Unique name, used in weights, diversity and importance reports. */
  readonly name: string;
  /** Makes a fresh model with the member's hyper-parameters. */
  readonly create: () => M;
}

/** A regressor member over inputs `X`. */
export type RegressorMember<X = Matrix> = Member<Regressor<X>>;

/** A classifier member over inputs `X`. */
export type ClassifierMember<X = Matrix> = Member<Classifier<X>>;

/** @internal Checks that there is at least one member and that names are unique. */
export function checkMembers(members: readonly Member<unknown>[], field = 'estimators'): void {
  if (members.length === 0)
    throw new ValidationError('an ensemble needs at least one member', { field });
  const seen = new Set<string>();
  for (const m of members) {
    if (typeof m.name !== 'string' || m.name === '' || seen.has(m.name)) {
      throw new ValidationError(
        `member names must be unique non-empty strings: '${String(m.name)}'`,
        { field },
      );
    }
    if (typeof m.create !== 'function') {
      throw new ValidationError(`member '${m.name}' needs a create() factory`, { field });
    }
    seen.add(m.name);
  }
}

/** @internal Checks and normalises optional weights (one per member, non-negative, not all zero). */
export function checkWeights(weights: readonly number[] | undefined, count: number): Float64Array {
  const w = new Float64Array(count).fill(1);
  if (weights === undefined) return w;
  if (weights.length !== count) {
    throw new ValidationError(`weights has ${weights.length} entries for ${count} members`, {
      field: 'weights',
    });
  }
  let s = 0;
  for (let k = 0; k < count; k++) {
    const v = weights[k]!;
    if (!(v >= 0) || !Number.isFinite(v))
      throw new ValidationError('weights must be finite and >= 0', { field: 'weights' });
    w[k] = v;
    s += v;
  }
  if (s === 0) throw new ValidationError('weights must not all be zero', { field: 'weights' });
  return w;
}

/** @internal Fresh models from every member, each fitted on `(x, y)`, in order. */
export async function fitAll<M extends { fit(x: X, y: Y): void | Promise<void> }, X, Y>(
  members: readonly Member<M>[],
  x: X,
  y: Y,
): Promise<M[]> {
  const out: M[] = [];
  for (const spec of members) {
    const m = spec.create();
    await m.fit(x, y);
    out.push(m);
  }
  return out;
}

/** @internal `Σ_k w_k predict_k(x) / divisor`: the weighted combination of fitted regressors. */
export function weightedPredictions<X>(
  models: readonly { predict(x: X): Float64Array }[],
  weights: ArrayLike<number>,
  x: X,
  n: number,
  divisor: number,
): Float64Array {
  const out = new Float64Array(n);
  models.forEach((m, k) => {
    const p = m.predict(x);
    const w = weights[k]!;
    for (let i = 0; i < n; i++) out[i]! += w * p[i]!;
  });
  if (divisor !== 1) for (let i = 0; i < n; i++) out[i]! /= divisor;
  return out;
}
