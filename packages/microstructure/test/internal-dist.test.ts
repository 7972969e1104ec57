import { readFileSync } from 'node:fs';
import { expectClose } from '@x/test-utils';
import { describe, it } from 'vitest';
import { normalCdf, normalQuantile, studentTCdf } from '../src/internal/dist.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/dist.json', import.meta.url), 'utf8')) as {
  normalCdf: [number, number][];
  normalQuantile: [number, number][];
  tCdf: [number, number, number][];
};

describe('distribution functions against scipy (fixtures/make_dist.py)', () => {
  it('normal CDF to 1e-13 relative, including the far tails', () => {
    for (const [x, p] of fx.normalCdf)
      expectClose(normalCdf(x), p, { atol: 1e-300, rtol: 1e-13 }, `Φ(${x})`);
  });
  it('normal quantile to 1e-12 relative', () => {
    for (const [p, x] of fx.normalQuantile)
      expectClose(normalQuantile(p), x, { atol: 1e-15, rtol: 1e-12 }, `Φ⁻¹(${p})`);
  });
  it('Student-t CDF to 1e-12 relative for ν from 0.25 to 400', () => {
    for (const [t, nu, p] of fx.tCdf)
      expectClose(studentTCdf(t, nu), p, { atol: 1e-300, rtol: 1e-12 }, `T_${nu}(${t})`);
  });
});
