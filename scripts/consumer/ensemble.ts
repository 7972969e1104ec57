// Consumer type test for @x/ensemble and its @x/ensemble/workers subpath: the members, the
// executor option and the worker pool are real types, not `any`.
import {
  builtinMember,
  type FitExecutor,
  KFold,
  type Ridge,
  StackingRegressor,
  TreeRegressor,
} from '@x/ensemble';
import { WorkerPool, type WorkerPoolOptions } from '@x/ensemble/workers';
import { assertNotAny } from './assert.js';

const options: WorkerPoolOptions = { threads: 1 };
const pool: FitExecutor = new WorkerPool(options);
assertNotAny(pool);
assertNotAny(WorkerPool);
const ridge = builtinMember('ridge', 'Ridge', { alpha: 1 });
const model: Ridge = ridge.create();
// @ts-expect-error options are typed per kind: Ridge has no C
builtinMember('r', 'Ridge', { C: 1 });
// @ts-expect-error only built-in kinds can travel to a worker
builtinMember('r', 'Lasso');
// @ts-expect-error a tree member does not make a Ridge
const wrong: Ridge = builtinMember('t', 'TreeRegressor').create();
const stack = new StackingRegressor({
  estimators: [ridge, builtinMember('tree', 'TreeRegressor', { maxDepth: 3 })],
  cv: new KFold({ nSplits: 3 }),
  executor: pool,
});
export const used = [model, wrong, stack, new TreeRegressor()];
