import { type ExportedModel, ManualClock, tensor } from '@x/core';
import { ModelRegistry } from '../src/index.js';
import { tempDir } from './helpers.js';

/** A one-weight model: predict(x) = w * x. */
export function scaleModel(w: number): ExportedModel {
  return {
    kind: 'test:Scale',
    formatVersion: 1,
    config: {},
    tensors: { w: tensor('float64', [1], new Float64Array([w])) },
  };
}

export const loadScale = (m: ExportedModel) => (m.tensors.w!.data as Float64Array)[0]!;

/** A registry with `scale` 1.0.0 (w=1) in production and 1.1.0 (w=2) in staging. */
export async function servingRegistry(clock = new ManualClock(0)) {
  const registry = await ModelRegistry.open(tempDir(), { clock, actor: 'test' });
  for (const w of [1, 2]) {
    const v = await registry.register('scale', scaleModel(w));
    await registry.setStage('scale', v.version, 'staging');
  }
  await registry.promote('scale', '1.0.0');
  return { registry, clock };
}
