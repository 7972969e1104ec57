import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import runReal, { defaultSharedDir } from '../index.js';

const shared = defaultSharedDir();
const have = existsSync(join(shared, 'data', 'real', 'yilezheng-orderbook-hls'));
if (!have)
  console.warn(`[skip] the real LOBSTER sample is not under ${shared}: examples/real is skipped`);

describe('examples/real', () => {
  it.skipIf(!have)(
    'runs the features and the bracket on the real sample and prints summaries',
    async () => {
      const printed: string[] = [];
      const s = await runReal(shared, (l) => printed.push(l));
      expect(s).toBeDefined();
      expect(s!.messages).toBe(999);
      expect(printed).toEqual(s!.lines);
      expect(s!.bracketEntryFilled).toBeGreaterThan(0);
      expect(s!.bracketExitFilled).toBeLessThanOrEqual(s!.bracketEntryFilled);
      expect(printed.join('\n')).not.toMatch(/NaN|undefined/);
    },
  );

  it('says so and returns nothing when the sample is absent', async () => {
    const printed: string[] = [];
    expect(await runReal(join(shared, 'no-such-dir'), (l) => printed.push(l))).toBeUndefined();
    expect(printed[0]).toMatch(/^\[skip\]/);
  });
});
