/**
 * What the ml.js adapters share: rows as the nested arrays ml.js takes, and the export form of an
 * ml.js model (its own JSON inside the config, no tensors) with its reader.
 *
 * @module
 */
import {
  type ExportedModel,
  type JsonObject,
  type Matrix,
  ValidationError,
  validateExportedModel,
} from '@x/core';
import { dense } from './rows.js';

/** The rows of `x` as arrays (checked finite). */
export function mlRows(x: Matrix): number[][] {
  const { data, n, d } = dense(x);
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));
}

/** An ml.js model's export: its options and its JSON form under `config`, plus extra config. */
export function mlExport(
  kind: string,
  options: JsonObject,
  model: unknown,
  extra: JsonObject = {},
): ExportedModel {
  return {
    kind,
    formatVersion: 1,
    config: { ...extra, options, model: JSON.parse(JSON.stringify(model)) },
    tensors: {},
  };
}

/**
 * Reads {@link mlExport}'s output back.
 * @throws ValidationError on another kind, an unknown version or a missing model
 */
export function mlReadExport(
  e: ExportedModel,
  kind: string,
): { options: JsonObject; model: object } {
  validateExportedModel(e, kind);
  const { options, model } = e.config as { options?: JsonObject; model?: object };
  if (e.formatVersion !== 1 || typeof model !== 'object' || model === null) {
    throw new ValidationError(`${kind} export is malformed or of an unknown version`, {
      field: 'config',
    });
  }
  return { options: options ?? {}, model };
}
