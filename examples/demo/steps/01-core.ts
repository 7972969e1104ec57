import {
  addFill,
  averageFillPrice,
  Dec,
  EMPTY_FILL_TOTALS,
  Instrument,
  Rng,
  ValidationError,
} from '@x/core';
import type { DemoStep } from '../step.js';

const step: DemoStep = {
  title: '@x/core: seeded randomness, exact decimals and instrument rules',
  run(progress) {
    const rng = Rng.fromSeed(7);
    const a = rng.split();
    const b = rng.split();
    const n = 1_000_000;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += a.normal();
      if (i % 100_000 === 0) progress.update(i / n, 'drawing normals');
    }
    progress.update(1);
    const btc = Instrument.create({
      symbol: 'BTC-USD',
      tickSize: '0.01',
      lotSize: '0.0001',
      minNotional: 10,
    });
    let fills = EMPTY_FILL_TOTALS;
    for (let i = 0; i < 5; i++) {
      const px = btc.roundPrice(Dec(30_000).plus(b.normal(0, 5)), 'half-even');
      const qty = btc.roundQty(b.uniform(0.001, 0.01), 'floor');
      fills = addFill(fills, px, qty);
    }
    let rejected = '';
    try {
      btc.priceToTicks('30000.005');
    } catch (e) {
      if (ValidationError.isInstance(e)) rejected = e.message;
    }
    return [
      `mean of ${n.toLocaleString('en-US')} seeded normals: ${(sum / n).toFixed(5)} (split streams are reproducible)`,
      `5 random fills: ${fills.qty.toString()} BTC at an exact average of ${averageFillPrice(fills)?.toDecimalPlaces(8).toString()}`,
      `off-tick price rejected with a typed error: ${rejected}`,
      `0.1 + 0.2 = ${Dec('0.1').plus('0.2').toString()} in the order domain`,
    ];
  },
};
export default step;
