/**
 * Type tests of core's public API (checked by `tsc` over the test files; the runtime part only
 * shows the calls are real): dtype-driven array and tensor types, decimals that are not `any`,
 * typed errors that narrow, the model contract, and the read-only shapes users get back.
 */
import type { NdArray } from 'ndarray';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  allocFloat,
  type Classifier,
  type Decimal,
  type DecimalReject,
  type ExportedModel,
  exportedModelFromJson,
  exportedModelToJson,
  type FloatArray,
  floatArrayFrom,
  Instrument,
  type L2CheckCode,
  l2CheckMessage,
  type Matrix,
  type NotFoundError,
  type OrderRuleViolation,
  parseDecimal,
  type Regressor,
  Rng,
  type RngState,
  tensor,
  toDecimal,
  ValidationError,
  XError,
} from '../src/index.js';

describe('public types of @x/core', () => {
  it('the dtype argument decides the array type', () => {
    expectTypeOf(allocFloat('float32', 2)).toEqualTypeOf<Float32Array>();
    expectTypeOf(allocFloat('float64', 2)).toEqualTypeOf<Float64Array>();
    expectTypeOf(floatArrayFrom('float32', [1, 2])).toEqualTypeOf<Float32Array>();
    const t = tensor('float32', [2, 2]);
    expectTypeOf(t).toEqualTypeOf<NdArray<Float32Array>>();
    expectTypeOf(t.data).toEqualTypeOf<Float32Array>();
    expectTypeOf<Float64Array>().toExtend<FloatArray>();
    expectTypeOf<Int32Array>().not.toExtend<FloatArray>();
    // @ts-expect-error: only the two float dtypes exist (and at run time it is refused)
    expect(() => allocFloat('int32', 2)).toThrow(ValidationError);
    expect(t.data).toBeInstanceOf(Float32Array);
  });

  it('decimals are decimal.js values, never any, and parse results say why they failed', () => {
    const d = toDecimal('1.5');
    expectTypeOf(d).toEqualTypeOf<Decimal>();
    expectTypeOf(d).not.toBeAny();
    expectTypeOf(d.plus(1)).toEqualTypeOf<Decimal>();
    // @ts-expect-error: a Decimal is not a number
    const n: number = d;
    void n;
    const parsed = parseDecimal('0x10');
    expectTypeOf(parsed).toEqualTypeOf<Decimal | DecimalReject>();
    if (typeof parsed === 'string') expectTypeOf(parsed).toEqualTypeOf<DecimalReject>();
    expect(parsed).toBe('syntax');
  });

  it('typed errors narrow through isInstance and carry typed fields', () => {
    const e: unknown = new ValidationError('bad', { field: 'qty', value: -1 });
    if (ValidationError.isInstance(e)) {
      expectTypeOf(e).toEqualTypeOf<ValidationError>();
      expectTypeOf(e.field).toEqualTypeOf<string | undefined>();
    }
    if (XError.isInstance(e)) expectTypeOf(e.code).not.toBeAny();
    expectTypeOf<NotFoundError>().toExtend<XError>();
    expectTypeOf<ValidationError>().toExtend<Error>();
    // @ts-expect-error: the options are checked, not any record
    new ValidationError('bad', { fieldName: 'qty' });
    expect(ValidationError.isInstance(e)).toBe(true);
  });

  it('order rule and L2 check results are closed string unions', () => {
    const inst = Instrument.create({ symbol: 'X', tickSize: '0.01', lotSize: '1' });
    const v = inst.checkOrder('1.005', '1');
    expectTypeOf(v).toEqualTypeOf<OrderRuleViolation | null>();
    expectTypeOf<'off-tick'>().toExtend<OrderRuleViolation>();
    expectTypeOf<'nonsense'>().not.toExtend<OrderRuleViolation>();
    expectTypeOf(l2CheckMessage).parameter(0).toEqualTypeOf<L2CheckCode>();
    expect(v).toBe('off-tick');
  });

  it('the model contract: any input type for regressors, integer labels for classifiers', () => {
    expectTypeOf<Regressor>().toEqualTypeOf<Regressor<Matrix>>();
    const seq: Regressor<Float32Array[]> = {
      fit: async () => {},
      predict: (x) => new Float64Array(x.length),
    };
    expectTypeOf(seq.fit).returns.toEqualTypeOf<void | Promise<void>>();
    expectTypeOf<Classifier['predict']>().returns.toEqualTypeOf<Int32Array>();
    expectTypeOf<Classifier['classes']>().toEqualTypeOf<Int32Array>();
    expect(seq.predict([new Float32Array(1)]).length).toBe(1);
  });

  it('exported models are read-only and survive the JSON form with their type', () => {
    const m: ExportedModel = {
      kind: 'k',
      formatVersion: 1,
      config: { a: 1 },
      tensors: { w: tensor('float64', [1], new Float64Array([2])) },
    };
    // @ts-expect-error: an export is a value, not a mutable record
    m.kind = 'other';
    expectTypeOf(exportedModelFromJson(exportedModelToJson(m))).toEqualTypeOf<ExportedModel>();
  });

  it('the seeded generator state is a plain serialisable value', () => {
    const rng = Rng.fromSeed(1);
    expectTypeOf(rng.state()).toEqualTypeOf<RngState>();
    expectTypeOf(Rng.fromState).parameter(0).toEqualTypeOf<RngState>();
    expectTypeOf(rng.float()).toEqualTypeOf<number>();
    expect(Rng.fromState(rng.state()).float()).toBe(rng.float());
  });
});
