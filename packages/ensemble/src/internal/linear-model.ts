/**
 * What linear regressors share: coefficients and intercept, batch and one-row prediction, and
 * export as config plus named tensors.
 *
 * @module
 */
import {
  type ExportedModel,
  type JsonObject,
  type Matrix,
  tensor,
  ValidationError,
  validateExportedModel,
} from '@x/core';
import { assertFitted } from './linalg.js';
import { dense } from './rows.js';

const states = new WeakMap<object, LinearState>();

/** The fitted state behind a built-in linear model (for the shared-Gram fast paths). */
export function linearStateOf(model: object): LinearState | undefined {
  return states.get(model);
}

/** Creates the state of `model` and registers it for {@link linearStateOf}. */
export function registerLinearState(model: object): LinearState {
  const s = new LinearState();
  states.set(model, s);
  return s;
}

/** Fitted state of a linear regressor. */
export class LinearState {
  coef: Float64Array = new Float64Array(0);
  intercept = 0;
  fitted = false;

  set(coef: Float64Array, intercept: number): void {
    this.coef = coef;
    this.intercept = intercept;
    this.fitted = true;
  }

  predict(x: Matrix, what: string): Float64Array {
    assertFitted(this.fitted, what);
    const { data, n, d } = dense(x);
    checkWidth(d, this.coef.length);
    const out = new Float64Array(n);
    const w = this.coef;
    for (let i = 0; i < n; i++) {
      let s = this.intercept;
      const o = i * d;
      for (let j = 0; j < d; j++) s += data[o + j]! * w[j]!;
      out[i] = s;
    }
    return out;
  }

  predictRow(row: ArrayLike<number>, offset: number): number {
    const w = this.coef;
    let s = this.intercept;
    for (let j = 0; j < w.length; j++) s += row[offset + j]! * w[j]!;
    return s;
  }

  exportAs(kind: string, config: JsonObject, what: string): ExportedModel {
    assertFitted(this.fitted, what);
    return {
      kind,
      formatVersion: 1,
      config: { ...config, nFeatures: this.coef.length },
      tensors: {
        coef: tensor('float64', [this.coef.length], this.coef.slice()),
        intercept: tensor('float64', [1], new Float64Array([this.intercept])),
      },
    };
  }

  importFrom(e: ExportedModel, kind: string): void {
    validateExportedModel(e, kind);
    if (e.formatVersion !== 1) {
      throw new ValidationError(`${kind} export format ${e.formatVersion} is not supported`, {
        field: 'formatVersion',
        value: e.formatVersion,
      });
    }
    const d = Number(e.config.nFeatures);
    const coef = e.tensors.coef;
    const b = e.tensors.intercept;
    if (coef === undefined || b === undefined || coef.size !== d || b.size !== 1) {
      throw new ValidationError(`${kind} export needs tensors coef [${d}] and intercept [1]`, {
        field: 'tensors',
      });
    }
    this.set(Float64Array.from(coef.data), b.data[b.offset]!);
  }
}

/** @throws ValidationError when the input width differs from the fitted one. */
export function checkWidth(d: number, expected: number): void {
  if (d !== expected) {
    throw new ValidationError(`x has ${d} features, the model was fitted on ${expected}`, {
      field: 'x',
      value: d,
    });
  }
}

/** Reads a boolean config entry. */
export function configBool(c: JsonObject, key: string, fallback: boolean): boolean {
  const v = c[key];
  return typeof v === 'boolean' ? v : fallback;
}

/** Reads a number config entry. */
export function configNumber(c: JsonObject, key: string, fallback: number): number {
  const v = c[key];
  return typeof v === 'number' ? v : fallback;
}
