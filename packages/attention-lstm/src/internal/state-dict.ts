/**
 * Loading named tensors into a model: renaming by module prefix, shape checks, and finiteness
 * checked after the cast to the model's dtype (a float64 value beyond float32 range is refused,
 * not loaded as Infinity). All or nothing.
 * @internal
 */
import {
  assertShape,
  type NamedTensors,
  type Tensor,
  toContiguous,
  ValidationError,
} from '@x/core';
import { checkFinite } from './input.js';
import { allocFloat } from './layout.js';
import type { Net } from './net.js';

/**
 * The tensors with their names rewritten by the longest matching prefix of `rename`.
 * @throws `ValidationError` when two tensors end up with the same name
 */
export function renameTensors(
  tensors: NamedTensors,
  rename: Readonly<Record<string, string>> | undefined,
): NamedTensors {
  if (rename === undefined) return tensors;
  const prefixes = Object.keys(rename).sort((a, b) => b.length - a.length);
  const out: Record<string, Tensor> = {};
  const from: Record<string, string> = {};
  for (const [name, t] of Object.entries(tensors)) {
    const pre = prefixes.find((k) => name.startsWith(k));
    const to = pre === undefined ? name : rename[pre]! + name.slice(pre.length);
    if (from[to] !== undefined) {
      throw new ValidationError(`tensors '${from[to]}' and '${name}' both map to '${to}'`, {
        field: name,
      });
    }
    from[to] = name;
    out[to] = t;
  }
  return out;
}

/** Checks every tensor and replaces the parameters; the model is unchanged when it throws. */
export function loadTensors(net: Net, tensors: NamedTensors): void {
  const info = net.layout.info;
  const known = new Set(info.map((p) => p.name));
  for (const name of Object.keys(tensors)) {
    if (!known.has(name)) {
      throw new ValidationError(`unexpected tensor '${name}' for this configuration`, {
        field: name,
      });
    }
  }
  for (const p of info) {
    const t = tensors[p.name];
    if (t === undefined) {
      throw new ValidationError(
        `missing tensor '${p.name}' (expected shape [${p.shape.join(', ')}])`,
        {
          field: p.name,
          details: { expected: [...p.shape] },
        },
      );
    }
    assertShape(t, p.shape, p.name);
  }
  const f32 = net.config.dtype === 'float32';
  const staged = allocFloat(net.config.dtype, net.params.length);
  for (const p of info) {
    const c = toContiguous(tensors[p.name]!).data;
    for (let i = 0; i < p.size; i++) {
      const v = c[i]!;
      checkFinite(v, f32, p.name, `[${i}]`);
      staged[p.offset + i] = v;
    }
  }
  net.params.set(staged);
}
