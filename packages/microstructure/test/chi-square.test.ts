import { expectArraysClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import { chiSquareSurvival } from '../src/internal/chi-square.js';

describe('chiSquareSurvival (the J test p-value)', () => {
  it('gives 5% at the textbook 95% quantiles for df 1-6 (scipy.stats.chi2.ppf(0.95, df))', () => {
    const q95 = [
      3.841458820694124, 5.991464547107979, 7.814727903251178, 9.487729036781154,
      11.070497693516351, 12.591587243743977,
    ];
    expectArraysClose(
      q95.map((x, i) => chiSquareSurvival(x, i + 1)),
      q95.map(() => 0.05),
      { atol: 1e-12 },
    );
  });
  it('matches the closed forms e^(-x/2) (df 2) and e^(-x/2)(1 + x/2) (df 4)', () => {
    for (const x of [0.1, 1, 4, 20]) {
      expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 14);
      expect(chiSquareSurvival(x, 4)).toBeCloseTo(Math.exp(-x / 2) * (1 + x / 2), 14);
    }
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });
});
