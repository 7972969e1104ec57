import { type Matrix, tensor, ValidationError } from '@x/core';
import { expectArraysClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import { LogisticRegression } from '../src/linear/logistic.js';
import { LinearRegression } from '../src/linear/regression.js';
import { Ridge } from '../src/linear/ridge.js';
import { VotingClassifier, VotingRegressor } from '../src/voting.js';
import { fixture } from './fixtures/index.js';

interface Fx {
  n: number;
  d: number;
  X: number[];
  y: number[];
  voting: {
    case: string;
    voting: 'hard' | 'soft';
    weights: number[] | null;
    y: number[];
    pred: number[];
    proba?: number[];
    ties: number;
  }[];
}
const fx = fixture<Fx>('ensembles.json');
const X = tensor('float64', [fx.n, fx.d], Float64Array.from(fx.X)) as Matrix;
const members = [
  { name: 'lr', create: () => new LogisticRegression() },
  { name: 'lr-strong', create: () => new LogisticRegression({ C: 0.002 }) },
  { name: 'lr-noint', create: () => new LogisticRegression({ fitIntercept: false }) },
];

describe('VotingClassifier against scikit-learn 1.2', () => {
  it.each(fx.voting.map((c) => [c.case, c.voting, JSON.stringify(c.weights), c.ties, c] as const))(
    '%s %s weights=%s (%i tied rows)',
    async (_c, _v, _w, _t, c) => {
      const vote = new VotingClassifier({
        estimators: members,
        voting: c.voting,
        ...(c.weights ? { weights: c.weights } : {}),
      });
      await vote.fit(X, Int32Array.from(c.y));
      expect(Array.from(vote.predict(X))).toEqual(c.pred);
      if (c.proba)
        expectArraysClose(vote.predictProba(X).data, c.proba, { atol: 1e-6, rtol: 1e-6 });
    },
  );

  it('throws typed errors on bad weights and voting', () => {
    expect(() => new VotingClassifier({ estimators: members, weights: [1, 2] })).toThrow(
      ValidationError,
    );
    expect(() => new VotingClassifier({ estimators: members, weights: [0, 0, 0] })).toThrow(
      ValidationError,
    );
    expect(() => new VotingClassifier({ estimators: members, weights: [1, -1, 1] })).toThrow(
      ValidationError,
    );
    expect(() => new VotingClassifier({ estimators: members, voting: 'x' as never })).toThrow(
      ValidationError,
    );
    expect(() => new VotingClassifier({ estimators: members }).predict(X)).toThrow(/not fitted/);
  });
});

describe('VotingRegressor', () => {
  it('is the weighted mean of the members (closed form)', async () => {
    const y = Float64Array.from(fx.y);
    const vote = new VotingRegressor({
      estimators: [
        { name: 'ols', create: () => new LinearRegression() },
        { name: 'ridge', create: () => new Ridge({ alpha: 50 }) },
      ],
      weights: [3, 1],
    });
    await vote.fit(X, y);
    const a = new LinearRegression();
    a.fit(X, y);
    const b = new Ridge({ alpha: 50 });
    b.fit(X, y);
    const pa = a.predict(X);
    const pb = b.predict(X);
    expectArraysClose(
      vote.predict(X),
      pa.map((v, i) => (3 * v + pb[i]!) / 4),
      { atol: 1e-12 },
    );
  });
});
