import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import type { ExportedModel } from '../src/model.js';
import { exportedModelFromJson, exportedModelToJson } from '../src/model-json.js';
import { tensor, tensorsBitEqual } from '../src/tensor.js';

const bits64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const bits32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });

/** Tensors of arbitrary bit patterns: NaN payloads, -0, subnormals, infinities. */
const tensorArb = fc.oneof(
  fc.array(bits64, { maxLength: 24 }).map((b) => {
    const d = new Float64Array(new BigUint64Array(b).buffer);
    return tensor('float64', [d.length], d);
  }),
  fc.array(bits32, { minLength: 6, maxLength: 6 }).map((b) => {
    const d = new Float32Array(new Uint32Array(b).buffer);
    return tensor('float32', [2, 3], d);
  }),
);

describe('exported model JSON', () => {
  it('round trips through JSON.stringify bit for bit (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tensorArb, { maxKeys: 4 }),
        fc.jsonValue().filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
        (tensors, config) => {
          const m: ExportedModel = {
            kind: 'test:Model',
            formatVersion: 3,
            config: JSON.parse(JSON.stringify(config)),
            tensors,
          };
          const back = exportedModelFromJson(JSON.parse(JSON.stringify(exportedModelToJson(m))));
          expect(back.kind).toBe(m.kind);
          expect(back.formatVersion).toBe(3);
          expect(back.config).toEqual(m.config);
          expect(Object.keys(back.tensors)).toEqual(Object.keys(m.tensors));
          for (const k of Object.keys(m.tensors)) {
            expect(tensorsBitEqual(back.tensors[k]!, m.tensors[k]!)).toBe(true);
          }
        },
      ),
      fcParams({ numRuns: 300 }),
    );
  });

  it('materialises strided views in row-major order', () => {
    const base = ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]).transpose(1, 0);
    const m: ExportedModel = { kind: 'k', formatVersion: 1, config: {}, tensors: { t: base } };
    const back = exportedModelFromJson(exportedModelToJson(m)).tensors.t!;
    expect(Array.from(back.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(back.shape).toEqual([3, 2]);
  });

  it('refuses a config that JSON would change', () => {
    const t = { w: tensor('float64', [1]) };
    const bad = (config: unknown) =>
      exportedModelToJson({ kind: 'k', formatVersion: 1, config: config as never, tensors: t });
    expect(() => bad({ lr: Number.NaN })).toThrow(/config.lr must be a finite number/);
    expect(() => bad({ f: () => 1 })).toThrow(/function/);
    expect(() => bad({ u: undefined })).toThrow(/undefined/);
    expect(() => bad({ d: new Date(0) })).toThrow(/plain object/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => bad(cyc)).toThrow(/cycle/);
  });

  it('names the malformed field on import', () => {
    const good = exportedModelToJson({
      kind: 'k',
      formatVersion: 1,
      config: {},
      tensors: { w: tensor('float32', [2], new Float32Array([1, 2])) },
    });
    const bad = (patch: Record<string, unknown>) => () =>
      exportedModelFromJson({ ...good, ...patch });
    expect(bad({ format: 'x' })).toThrow(ValidationError);
    expect(bad({ version: 2 })).toThrow(/unknown exported-model JSON version 2/);
    expect(bad({ kind: '' })).toThrow(/kind/);
    expect(bad({ formatVersion: 1.5 })).toThrow(/formatVersion/);
    expect(bad({ tensors: { w: { dtype: 'int8', shape: [2], data: '' } } })).toThrow(
      /tensors.w.dtype/,
    );
    expect(
      bad({ tensors: { w: { dtype: 'float32', shape: [3], data: good.tensors.w!.data } } }),
    ).toThrow(/tensors.w has 8 bytes, float32 × \[3\] needs 12/);
    expect(bad({ tensors: { w: { dtype: 'float32', shape: [2], data: '!!' } } })).toThrow(
      /not padded base64/,
    );
    expect(() => exportedModelFromJson(null)).toThrow(/JSON object/);
  });
});
