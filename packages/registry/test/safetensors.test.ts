import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntegrityError, tensor, tensorsBitEqual, ValidationError } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeArtifact,
  dtypeBytes,
  encodeArtifact,
  parseSafetensors,
  SAFETENSORS_DTYPES,
  type SafetensorsInput,
  serializeSafetensors,
  tensorView,
} from '../src/index.js';

const FIX = join(import.meta.dirname, 'fixtures');
const expected = JSON.parse(readFileSync(join(FIX, 'safetensors-expected.json'), 'utf8')) as Record<
  string,
  {
    metadata: Record<string, string>;
    tensors: Record<string, { dtype: string; shape: number[]; hex: string }>;
  }
>;

function fileOf(header: string, data = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.byteLength), true);
  out.set(h, 8);
  out.set(data, 8 + h.byteLength);
  return out;
}

function rule(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(IntegrityError.isInstance(e)).toBe(true);
    return String((e as IntegrityError).details.rule);
  }
  throw new Error('did not throw');
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

describe('fixtures written by the documented layout (test/fixtures/make_safetensors.py)', () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`${name} loads, and this writer reproduces it byte for byte`, () => {
      const bytes = new Uint8Array(readFileSync(join(FIX, name)));
      const file = parseSafetensors(bytes);
      expect(file.metadata).toEqual(want.metadata);
      expect([...file.tensors.keys()]).toEqual(Object.keys(want.tensors));
      const inputs: Record<string, SafetensorsInput> = {};
      for (const [t, w] of Object.entries(want.tensors)) {
        const e = file.tensors.get(t)!;
        expect(e.dtype).toBe(w.dtype);
        expect(e.shape).toEqual(w.shape);
        expect(hex(e.bytes)).toBe(w.hex);
        inputs[t] = { dtype: e.dtype, shape: e.shape, data: e.bytes };
      }
      const md = Object.keys(want.metadata).length > 0 ? want.metadata : undefined;
      expect(hex(serializeSafetensors(inputs, md))).toBe(hex(bytes));
    });
  }

  it('typed views read the fixture values (F32, F64, I64, F16 raw bits)', () => {
    const file = parseSafetensors(new Uint8Array(readFileSync(join(FIX, 'mixed.safetensors'))));
    expect([...(tensorView(file.tensors.get('steps')!) as BigInt64Array)]).toEqual([
      1n,
      -(2n ** 40n),
    ]);
    expect([...(tensorView(file.tensors.get('half')!) as Uint16Array)]).toEqual([0x3e00, 0xb400]);
    expect([...tensorView(file.tensors.get('mask')!)]).toEqual([0, 1, 255, 7]);
    expect(tensorView(file.tensors.get('weight')!)).toBeInstanceOf(Float32Array);
  });

  it('the model fixture decodes as an artifact and re-encodes to the same bytes', () => {
    const bytes = new Uint8Array(readFileSync(join(FIX, 'model.safetensors')));
    const m = decodeArtifact(bytes);
    expect(m.kind).toBe('fixture:Model');
    expect(m.formatVersion).toBe(2);
    expect(m.config).toEqual({ hidden: 2, name: 'ü' });
    expect(Object.keys(m.tensors)).toEqual(['lstm.weight_ih_l0', 'head.bias', 'empty']);
    const bias = m.tensors['head.bias']!.data as Float64Array;
    expect(Object.is(bias[1], -0)).toBe(true);
    expect(bias[3]).toBe(5e-324);
    expect(hex(encodeArtifact(m))).toBe(hex(bytes));
  });
});

describe('writer layout and zero-copy views', () => {
  const dtypeArb = fc.constantFrom(...SAFETENSORS_DTYPES);
  const tensorArb = fc
    .tuple(dtypeArb, fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }))
    .chain(([dtype, shape]) => {
      const n = shape.reduce((a, b) => a * b, 1) * dtypeBytes(dtype);
      return fc.uint8Array({ minLength: n, maxLength: n }).map((data) => ({ dtype, shape, data }));
    });
  const filesArb = fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tensorArb, {
    maxKeys: 6,
  });

  it('round-trips any tensors bit for bit, every tensor aligned and viewed without a copy', () => {
    fc.assert(
      fc.property(filesArb, fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), (ts, md) => {
        fc.pre(!('__metadata__' in ts));
        const bytes = serializeSafetensors(ts, md);
        const file = parseSafetensors(bytes);
        expect((file.headerBytes - 8) % 8).toBe(0);
        expect(file.metadata).toEqual({ ...md });
        expect(file.tensors.size).toBe(Object.keys(ts).length);
        for (const [name, t] of Object.entries(ts)) {
          const e = file.tensors.get(name)!;
          expect(e.dtype).toBe(t.dtype);
          expect(e.shape).toEqual(t.shape);
          expect(hex(e.bytes)).toBe(hex(t.data));
          expect(e.bytes.byteOffset % dtypeBytes(t.dtype)).toBe(0);
          const view = tensorView(e);
          expect(view.buffer).toBe(bytes.buffer);
        }
        const again = Object.fromEntries(
          [...file.tensors].map(([n, e]) => [n, { dtype: e.dtype, shape: e.shape, data: e.bytes }]),
        );
        expect(hex(serializeSafetensors(again, md))).toBe(hex(bytes));
      }),
      fcParams(),
    );
  });

  it('copies only when the bytes are misaligned', () => {
    const data = new Float64Array([1.5, -2, Math.PI]);
    const file = serializeSafetensors({ x: { dtype: 'F64', shape: [3], data } });
    const shifted = new Uint8Array(file.byteLength + 1);
    shifted.set(file, 1);
    const e = parseSafetensors(shifted.subarray(1)).tensors.get('x')!;
    const view = tensorView(e) as Float64Array;
    expect(view.buffer).not.toBe(shifted.buffer);
    expect([...view]).toEqual([...data]);
  });

  it('rejects bad writer input with a ValidationError', () => {
    const bad = [
      () =>
        serializeSafetensors({
          __metadata__: { dtype: 'U8', shape: [1], data: new Uint8Array(1) },
        }),
      () => serializeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float32Array(3) } }),
      () => serializeSafetensors({ a: { dtype: 'F32', shape: [-1], data: new Float32Array(0) } }),
      () =>
        serializeSafetensors({ a: { dtype: 'X' as 'U8', shape: [1], data: new Uint8Array(1) } }),
      () => serializeSafetensors({}, { k: 1 as unknown as string }),
    ];
    for (const f of bad) expect(f).toThrow(ValidationError);
  });

  it('encodes non-contiguous tensors by their logical order', () => {
    const t = tensor('float64', [2, 2], new Float64Array([1, 2, 3, 4])).transpose(1, 0);
    const back = decodeArtifact(
      encodeArtifact({ kind: 'k', formatVersion: 1, config: {}, tensors: { t } }),
    );
    expect(tensorsBitEqual(back.tensors.t!, t)).toBe(true);
    expect([...(back.tensors.t!.data as Float64Array)]).toEqual([1, 3, 2, 4]);
  });
});

describe('reader validation rules (reference Metadata::validate, plus duplicate keys)', () => {
  const u8 = (n: number) => new Uint8Array(n);
  it('rejects each violation with its rule', () => {
    expect(rule(() => parseSafetensors(u8(7)))).toBe('header-too-small');
    const big = u8(8);
    new DataView(big.buffer).setBigUint64(0, 100_000_001n, true);
    expect(rule(() => parseSafetensors(big))).toBe('header-too-large');
    const huge = u8(8);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    expect(rule(() => parseSafetensors(huge))).toBe('header-too-large');
    const past = u8(16);
    new DataView(past.buffer).setBigUint64(0, 9n, true);
    expect(rule(() => parseSafetensors(past))).toBe('invalid-header-length');
    const notUtf8 = fileOf('{}');
    notUtf8[9] = 0xff;
    expect(rule(() => parseSafetensors(notUtf8))).toBe('invalid-header');
    expect(rule(() => parseSafetensors(fileOf(' {}')))).toBe('invalid-header-start');
    expect(rule(() => parseSafetensors(fileOf('{"a":')))).toBe('invalid-header-deserialization');
    expect(rule(() => parseSafetensors(fileOf('{"a":1}')))).toBe('invalid-tensor-info');
    const t = (dtype: string, shape: string, off: string) =>
      `"${dtype === '' ? 'x' : 'x'}":{"dtype":"${dtype}","shape":${shape},"data_offsets":${off}}`;
    expect(rule(() => parseSafetensors(fileOf(`{${t('Q8', '[1]', '[0,1]')}}`, u8(1))))).toBe(
      'invalid-tensor-info',
    );
    expect(rule(() => parseSafetensors(fileOf(`{${t('U8', '[1.5]', '[0,1]')}}`, u8(1))))).toBe(
      'invalid-tensor-info',
    );
    expect(rule(() => parseSafetensors(fileOf(`{${t('U8', '[1]', '[0,-1]')}}`, u8(1))))).toBe(
      'invalid-tensor-info',
    );
    // gap: starts at 1
    expect(rule(() => parseSafetensors(fileOf(`{${t('U8', '[1]', '[1,2]')}}`, u8(2))))).toBe(
      'invalid-offset',
    );
    // overlap
    const overlap = `{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}`;
    expect(rule(() => parseSafetensors(fileOf(overlap, u8(3))))).toBe('invalid-offset');
    // end before start
    expect(
      rule(() =>
        parseSafetensors(
          fileOf(
            `{${t('U8', '[0]', '[0,0]')},"y":{"dtype":"U8","shape":[0],"data_offsets":[2,0]}}`,
          ),
        ),
      ),
    ).toBe('invalid-offset');
    // size inconsistent with dtype x shape
    expect(rule(() => parseSafetensors(fileOf(`{${t('F32', '[2]', '[0,4]')}}`, u8(4))))).toBe(
      'tensor-invalid-info',
    );
    expect(
      rule(() =>
        parseSafetensors(
          fileOf(`{${t('F64', '[4294967296,4294967296,4294967296]', '[0,8]')}}`, u8(8)),
        ),
      ),
    ).toBe('validation-overflow');
    // buffer not fully indexed, or too short
    expect(rule(() => parseSafetensors(fileOf(`{${t('U8', '[1]', '[0,1]')}}`, u8(2))))).toBe(
      'metadata-incomplete-buffer',
    );
    expect(rule(() => parseSafetensors(fileOf(`{${t('U8', '[2]', '[0,2]')}}`, u8(1))))).toBe(
      'metadata-incomplete-buffer',
    );
    expect(rule(() => parseSafetensors(fileOf('{}', u8(1))))).toBe('metadata-incomplete-buffer');
    expect(rule(() => parseSafetensors(fileOf('{"__metadata__":{"a":1}}')))).toBe(
      'invalid-metadata',
    );
    expect(rule(() => parseSafetensors(fileOf('{"__metadata__":[]}')))).toBe('invalid-metadata');
    expect(rule(() => parseSafetensors(fileOf('[]')))).toBe('invalid-header-start');
  });

  it('accepts trailing space padding and rejects duplicate keys at any level', () => {
    expect(parseSafetensors(fileOf('{}      ')).tensors.size).toBe(0);
    const one = `"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}`;
    expect(rule(() => parseSafetensors(fileOf(`{${one},${one}}`, u8(1))))).toBe('duplicate-key');
    expect(rule(() => parseSafetensors(fileOf('{"__metadata__":{"k":"1","k":"2"}}')))).toBe(
      'duplicate-key',
    );
    expect(
      rule(() =>
        parseSafetensors(
          fileOf(
            '{"\\u0061":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}',
          ),
        ),
      ),
    ).toBe('duplicate-key');
    // the same key in different objects is fine
    expect(
      parseSafetensors(
        fileOf(
          '{"__metadata__":{"dtype":"x"},"dtype":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}',
        ),
      ).tensors.size,
    ).toBe(1);
  });

  it('malformed files generated by fast-check only ever raise IntegrityError', () => {
    const valid = serializeSafetensors(
      {
        a: { dtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
        b: { dtype: 'I64', shape: [1], data: new BigInt64Array([5n]) },
      },
      { kind: 'k' },
    );
    const mutation = fc.oneof(
      fc
        .record({ at: fc.nat(valid.byteLength - 1), byte: fc.integer({ min: 0, max: 255 }) })
        .map(({ at, byte }) => {
          const c = valid.slice();
          c[at] = byte;
          return c;
        }),
      fc.nat(valid.byteLength).map((n) => valid.slice(0, n)),
      fc.uint8Array({ maxLength: 16 }).map((tail) => {
        const c = new Uint8Array(valid.byteLength + tail.byteLength);
        c.set(valid);
        c.set(tail, valid.byteLength);
        return c;
      }),
      fc.uint8Array({ maxLength: 64 }),
      fc.tuple(fc.json(), fc.uint8Array({ maxLength: 16 })).map(([j, d]) => fileOf(j, d)),
      fc
        .tuple(
          fc.dictionary(
            fc.string({ maxLength: 3 }),
            fc.record({
              dtype: fc.constantFrom('U8', 'F32', 'F64', 'BF16', 'nope'),
              shape: fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 2 }),
              data_offsets: fc.tuple(
                fc.integer({ min: -1, max: 12 }),
                fc.integer({ min: -1, max: 12 }),
              ),
            }),
          ),
          fc.nat(12),
        )
        .map(([h, n]) => fileOf(JSON.stringify(h), new Uint8Array(n))),
    );
    fc.assert(
      fc.property(mutation, (bytes) => {
        try {
          const f = parseSafetensors(bytes);
          for (const e of f.tensors.values()) tensorView(e);
        } catch (e) {
          if (!IntegrityError.isInstance(e)) throw e;
        }
        try {
          decodeArtifact(bytes);
        } catch (e) {
          if (!IntegrityError.isInstance(e) && (e as { code?: string }).code !== 'UNSUPPORTED') {
            throw e;
          }
        }
      }),
      fcParams({ numRuns: 2000 }),
    );
  });
});
