/**
 * ml-cart 2.1's regression tree, typed: the package ships no types, so the part the
 * TreeRegressor adapter uses is declared here.
 *
 * @module
 */
// @ts-expect-error ml-cart ships no type declarations
import { DecisionTreeRegression as Untyped } from 'ml-cart';

/** A fitted ml-cart regression tree. */
export interface CartRegressionTree {
  /** Predictions, one per row. */
  predict(rows: number[][]): number[];
}

/** ml-cart's `DecisionTreeRegression` class, as far as it is used here. */
export interface CartRegressionClass {
  /** Rebuilds a tree from its JSON form (`{ options, root, name: 'DTRegression' }`). */
  load(model: object): CartRegressionTree;
  /** An untrained tree with ml-cart's own growth. */
  new (): CartRegressionTree & { train(x: number[][], y: number[]): void };
}

/** ml-cart's `DecisionTreeRegression`. */
export const DecisionTreeRegression = Untyped as CartRegressionClass;
