/**
 * The built-in model kinds a member spec may name: how to construct each from options and how
 * to import a fitted one (what a worker thread sends back). Shared by the calling thread and the
 * worker, so both build the same model from the same spec.
 *
 * @module
 */
import type { ExportedModel, JsonObject } from '@x/core';
import { LogisticRegression, type LogisticRegressionOptions } from '../linear/logistic.js';
import { LinearRegression, type LinearRegressionOptions } from '../linear/regression.js';
import { Ridge, type RidgeOptions } from '../linear/ridge.js';
import {
  ForestRegressor,
  type ForestRegressorOptions,
  TreeRegressor,
  type TreeRegressorOptions,
} from '../tree-regression.js';
import { ForestClassifier, type ForestOptions } from '../trees.js';

/** The model class of each built-in kind. */
export interface BuiltinModels {
  /** Ordinary least squares. */
  LinearRegression: LinearRegression;
  /** Ridge regression. */
  Ridge: Ridge;
  /** L2 logistic regression. */
  LogisticRegression: LogisticRegression;
  /** ml-random-forest classifier adapter. */
  ForestClassifier: ForestClassifier;
  /** Regression tree (ml-cart, scikit-learn's growth). */
  TreeRegressor: TreeRegressor;
  /** Random forest of `TreeRegressor` trees. */
  ForestRegressor: ForestRegressor;
}

/** The constructor options of each built-in kind. */
export interface BuiltinOptions {
  /** Options of `LinearRegression`. */
  LinearRegression: LinearRegressionOptions;
  /** Options of `Ridge`. */
  Ridge: RidgeOptions;
  /** Options of `LogisticRegression`. */
  LogisticRegression: LogisticRegressionOptions;
  /** Options of `ForestClassifier`. */
  ForestClassifier: ForestOptions;
  /** Options of `TreeRegressor`. */
  TreeRegressor: TreeRegressorOptions;
  /** Options of `ForestRegressor`. */
  ForestRegressor: ForestRegressorOptions;
}

/** A built-in kind's name. */
export type BuiltinKind = keyof BuiltinModels;

interface Builtin {
  create(options: JsonObject): object;
  importModel(e: ExportedModel): object;
}

function entry<M extends object>(
  create: (o: JsonObject) => M,
  importer: { importModel(e: ExportedModel): M },
): Builtin {
  return { create, importModel: (e) => importer.importModel(e) };
}

/** Constructors and importers by kind. */
export const BUILTINS: Readonly<Record<BuiltinKind, Builtin>> = {
  LinearRegression: entry((o) => new LinearRegression(o), LinearRegression.importer),
  Ridge: entry((o) => new Ridge(o), Ridge.importer),
  LogisticRegression: entry((o) => new LogisticRegression(o), LogisticRegression.importer),
  ForestClassifier: entry((o) => new ForestClassifier(o), ForestClassifier.importer),
  TreeRegressor: entry((o) => new TreeRegressor(o), TreeRegressor.importer),
  ForestRegressor: entry((o) => new ForestRegressor(o), ForestRegressor.importer),
};

/** The built-in of `kind`, or undefined for an unknown kind (inherited names included). */
export function builtinOf(kind: string): Builtin | undefined {
  return Object.hasOwn(BUILTINS, kind) ? BUILTINS[kind as BuiltinKind] : undefined;
}
