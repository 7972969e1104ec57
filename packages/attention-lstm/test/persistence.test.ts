import {
  type ExportedModel,
  exportedModelFromJson,
  exportedModelToJson,
  Rng,
  type Tensor,
  tensor,
  tensorsBitEqual,
  ValidationError,
} from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTENTION_LSTM_CLASSIFIER_KIND,
  AttentionLstm,
  AttentionLstmClassifier,
  AttentionLstmRegressor,
  attentionLstmClassifierImporter,
  attentionLstmImporter,
} from '../src/index.js';

/** @x/core's one JSON form of an exported model, through JSON text and back. */
function serialise(m: ExportedModel): string {
  return JSON.stringify(exportedModelToJson(m));
}

function deserialise(s: string): ExportedModel {
  return exportedModelFromJson(JSON.parse(s));
}

function sequences(n: number, T: number, D: number, seed: number): Tensor {
  const rng = Rng.fromSeed(seed);
  const x = new Float32Array(n * T * D);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
  return tensor('float32', [n, T, D], x) as Tensor;
}

describe('exports survive JSON serialisation (issue 15.6)', () => {
  it('every AttentionLstm configuration round-trips bit-exactly through JSON text (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          numLayers: fc.integer({ min: 1, max: 2 }),
          pooling: fc.constantFrom('last' as const, 'mean' as const, 'attention' as const),
          positionalEncoding: fc.constantFrom(
            'sinusoidal' as const,
            'learned' as const,
            'none' as const,
          ),
          attentionWindow: fc.constantFrom(null, 2),
          dtype: fc.constantFrom('float32' as const, 'float64' as const),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        (r) => {
          const m = AttentionLstm.create({ inputSize: 3, hiddenSize: 4, maxLength: 8, ...r });
          const exported = m.exportModel();
          // The config is plain JSON: it survives a JSON round trip unchanged.
          expect(JSON.parse(JSON.stringify(exported.config))).toEqual(exported.config);
          const back = attentionLstmImporter.importModel(deserialise(serialise(exported)));
          expect(back.config).toEqual(m.config);
          for (const [k, t] of Object.entries(m.parameters())) {
            expect(tensorsBitEqual(t, back.parameters()[k]!)).toBe(true);
          }
          const x = sequences(2, 5, 3, r.seed);
          expect(Array.from(back.forward(x).data)).toEqual(Array.from(m.forward(x).data));
        },
      ),
      fcParams({ numRuns: 25 }),
    );
  });

  it('the exported config records the positional encoding (a forgotten one cannot load silently)', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, positionalEncoding: 'none' });
    expect(m.exportModel().config.positionalEncoding).toBe('none');
  });

  const T = 5;
  const x = sequences(48, T, 2, 4);
  const labels = Int32Array.from({ length: 48 }, (_, i) =>
    i % 3 === 0 ? 10 : i % 3 === 1 ? -2 : 5,
  );

  it('the classifier keeps its class labels and imports back', () => {
    const clf = new AttentionLstmClassifier(
      { hiddenSize: 4, seed: 1 },
      { epochs: 2, batchSize: 16 },
    );
    clf.fit(x, labels);
    const exported = clf.exportModel();
    expect(exported.kind).toBe(ATTENTION_LSTM_CLASSIFIER_KIND);
    expect(exported.config.classes).toEqual([-2, 5, 10]);
    const back = attentionLstmClassifierImporter.importModel(deserialise(serialise(exported)));
    expect(Array.from(back.classes)).toEqual([-2, 5, 10]);
    expect(Array.from(back.predict(x))).toEqual(Array.from(clf.predict(x)));
    expect(Array.from(back.predictProba(x).data)).toEqual(Array.from(clf.predictProba(x).data));
    // An exported classifier is not a bare model, and its labels are checked.
    expect(() => AttentionLstm.importModel(exported)).toThrow(ValidationError);
    const bad = { ...exported, config: { ...exported.config, classes: [5, 5, 10] } };
    expect(() => AttentionLstmClassifier.importModel(bad)).toThrow(/classes/);
    const short = { ...exported, config: { ...exported.config, classes: [1, 2] } };
    expect(() => AttentionLstmClassifier.importModel(short)).toThrow(/3 outputs for 2 classes/);
  });

  it('the regressor imports back from its exported model', () => {
    const y = Float64Array.from({ length: 48 }, (_, i) => Math.sin(i));
    const reg = new AttentionLstmRegressor(
      { hiddenSize: 4, seed: 2 },
      { epochs: 2, batchSize: 16 },
    );
    reg.fit(x, y);
    const back = AttentionLstmRegressor.importModel(deserialise(serialise(reg.exportModel())));
    expect(Array.from(back.predict(x))).toEqual(Array.from(reg.predict(x)));
    const multi = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, outputSize: 2 });
    expect(() => AttentionLstmRegressor.importModel(multi.exportModel())).toThrow(/one output/);
  });
});
