/**
 * The browser smoke test's workload: the same code runs in headless Chromium and in Node, and
 * `scripts/browser-smoke.mjs` compares the two results. It touches every package; for
 * @x/attention-lstm it runs inference (WebAssembly SIMD where available), streaming, a few
 * training steps and an export/import round trip.
 */

import { AttentionLstm, AttentionLstmStream, trainAttentionLstm } from '@x/attention-lstm';
import { Instrument, Rng, tensor } from '@x/core';
import { MultiLevelOfi } from '@x/microstructure';
import { bracket, OrderManager } from '@x/oco';
import { cst2010Rates, MatchingEngine, OrderFlowGenerator } from '@x/sim';

export function run(): Record<string, unknown> {
  const rng = Rng.fromSeed(11);
  const T = 24;
  const D = 4;
  const n = 64;
  const x = new Float32Array(n * T * D);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = new Float64Array(n);
  for (let s = 0; s < n; s++) y[s] = x[(s * T + T - 1) * D]!;
  const model = AttentionLstm.create({
    inputSize: D,
    hiddenSize: 16,
    numLayers: 2,
    numHeads: 4,
    causal: true,
    attentionWindow: T,
    seed: 3,
  });
  const first = model.forward(tensor('float32', [1, T, D], x.slice(0, T * D))).data[0]!;
  const stream = new AttentionLstmStream(model);
  let streamed = 0;
  for (let t = 0; t < T; t++) streamed = stream.step(x.subarray(t * D, t * D + D))[0]!;
  const report = trainAttentionLstm(
    model,
    { x: tensor('float32', [n, T, D], x), y },
    {
      epochs: 3,
      batchSize: 16,
      optimizer: { type: 'adam', lr: 1e-2 },
      clipNorm: 1,
      seed: 5,
    },
  );
  const trained = model.forward(tensor('float32', [1, T, D], x.slice(0, T * D))).data[0]!;
  const copy = AttentionLstm.importModel(model.exportModel());
  const copied = copy.forward(tensor('float32', [1, T, D], x.slice(0, T * D))).data[0]!;

  const gen = new OrderFlowGenerator({ seed: 1, rates: cst2010Rates(10) });
  const ofi = new MultiLevelOfi({ levels: 10 });
  let ofiSum = 0;
  for (const book of gen.l2Snapshots(10, { count: 2000 })) {
    ofi.update(book);
    ofiSum += ofi.last[0]!;
  }
  const ins = Instrument.create({ symbol: 'T', tickSize: '0.01', lotSize: '1' });
  const venue = new MatchingEngine(ins);
  venue.submit({ orderId: 'a', side: 'sell', type: 'limit', price: '100.00', qty: '3' });
  const fill = venue.submit({ side: 'buy', type: 'limit', price: '100.00', qty: '2' });
  const om = new OrderManager({ instruments: [ins] });
  const step = om.apply({
    type: 'create',
    spec: bracket({
      id: 'b',
      symbol: 'T',
      side: 'buy',
      qty: '1',
      entryPrice: '100',
      stop: { offset: { kind: 'ticks', value: 10 } },
      target: { offset: { kind: 'ticks', value: 20 } },
    }),
  });
  return {
    usesSimd: model.usesSimd,
    first,
    streamed,
    trained,
    copied,
    firstLoss: report.epochs[0]?.trainLoss,
    lastLoss: report.epochs.at(-1)?.trainLoss,
    ofiSum,
    filled: fill.order?.cumQty.toString(),
    commands: step.commands.length,
  };
}
