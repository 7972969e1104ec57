/**
 * Export and import of fitted stacking ensembles through core's model contract: one JSON config
 * naming every member's kind and config, and all members' tensors under prefixed names, so
 * `@x/registry` can store an ensemble like any other model.
 *
 * @module
 */
import {
  type Classifier,
  type ExportableModel,
  type ExportedModel,
  InvalidStateError,
  type JsonObject,
  type JsonValue,
  type Matrix,
  type ModelImporter,
  type NamedTensors,
  type Regressor,
  type Tensor,
  ValidationError,
  validateExportedModel,
} from '@x/core';
import { StackingClassifier, StackingRegressor } from './stacking.js';

const REG_KIND = '@x/ensemble:StackingRegressor';
const CLF_KIND = '@x/ensemble:StackingClassifier';

function isExportable(m: unknown): m is ExportableModel {
  return typeof (m as ExportableModel | null)?.exportModel === 'function';
}

function part(m: unknown, label: string): ExportedModel {
  if (!isExportable(m)) {
    throw new ValidationError(
      `${label} does not implement exportModel(), so the ensemble cannot be exported`,
      {
        field: label,
      },
    );
  }
  return m.exportModel();
}

function pack(parts: readonly [string, ExportedModel][]): {
  config: JsonObject[];
  tensors: Record<string, Tensor>;
} {
  const tensors: Record<string, Tensor> = {};
  const config = parts.map(([prefix, e]) => {
    for (const [k, t] of Object.entries(e.tensors)) tensors[`${prefix}.${k}`] = t;
    return {
      kind: e.kind,
      formatVersion: e.formatVersion,
      config: e.config,
      tensors: Object.keys(e.tensors),
    };
  });
  return { config, tensors };
}

function unpack(c: JsonValue | undefined, prefix: string, tensors: NamedTensors): ExportedModel {
  const o = c as {
    kind?: unknown;
    formatVersion?: unknown;
    config?: unknown;
    tensors?: unknown;
  } | null;
  if (
    o === null ||
    typeof o !== 'object' ||
    typeof o.kind !== 'string' ||
    !Array.isArray(o.tensors)
  ) {
    throw new ValidationError(`ensemble export: entry '${prefix}' is malformed`, { field: prefix });
  }
  const own: Record<string, Tensor> = {};
  for (const name of o.tensors as string[]) {
    const t = tensors[`${prefix}.${name}`];
    if (t === undefined)
      throw new ValidationError(`ensemble export lacks tensor '${prefix}.${name}'`, {
        field: prefix,
      });
    own[name] = t;
  }
  return {
    kind: o.kind,
    formatVersion: Number(o.formatVersion),
    config: (o.config ?? {}) as JsonObject,
    tensors: own,
  };
}

function importerFor<M>(importers: readonly ModelImporter<M>[], kind: string): ModelImporter<M> {
  const imp = importers.find((i) => i.kind === kind);
  if (imp === undefined)
    throw new ValidationError(`no importer given for member kind '${kind}'`, {
      field: 'kind',
      value: kind,
    });
  return imp;
}

/**
 * Exports a fitted stacking ensemble (regressor or classifier over matrices): members and
 * meta-learner must implement `exportModel()`. Tensors are named `members.<i>.<name>` and
 * `final.<name>`; the config lists each part's kind, format version and config.
 *
 * @param model - a fitted {@link StackingRegressor} or {@link StackingClassifier}
 * @returns the ensemble as config plus named tensors
 * @throws InvalidStateError before `fit`; ValidationError when a part cannot be exported
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { exportStacking, LinearRegression, Ridge, StackingRegressor, stackingRegressorImporter } from '@x/ensemble';
 * const x = tensor('float64', [20, 1], Float64Array.from({ length: 20 }, (_, i) => i));
 * const y = Float64Array.from({ length: 20 }, (_, i) => 2 * i + Math.sin(i));
 * const stack = new StackingRegressor({ estimators: [{ name: 'ols', create: () => new LinearRegression() }] });
 * await stack.fit(x, y);
 * const saved = exportStacking(stack);
 * const back = stackingRegressorImporter([LinearRegression.importer, Ridge.importer]).importModel(saved);
 * console.log(back.predict(x)[3] === stack.predict(x)[3]); // true
 * ```
 */
export function exportStacking(
  model: StackingRegressor<Matrix> | StackingClassifier<Matrix>,
): ExportedModel {
  if (model.finalEstimator === undefined)
    throw new InvalidStateError('the ensemble is not fitted: call fit first');
  const parts: [string, ExportedModel][] = model.estimators.map((m, k) => [
    `members.${k}`,
    part(m, `member '${model.names[k]}'`),
  ]);
  parts.push(['final', part(model.finalEstimator, 'the final estimator')]);
  const { config, tensors } = pack(parts);
  const isReg = model instanceof StackingRegressor;
  return {
    kind: isReg ? REG_KIND : CLF_KIND,
    formatVersion: 1,
    config: {
      names: [...model.names],
      passthrough: model.passthrough,
      members: config.slice(0, -1),
      final: config.at(-1)!,
      ...(isReg
        ? { passthroughFeatures: (model as StackingRegressor).passthroughFeatures }
        : { classes: Array.from((model as StackingClassifier).classes) }),
    },
    tensors,
  };
}

function readParts<M>(e: ExportedModel, kind: string, importers: readonly ModelImporter<M>[]) {
  validateExportedModel(e, kind);
  if (e.formatVersion !== 1)
    throw new ValidationError(`${kind} format ${e.formatVersion} is not supported`, {
      field: 'formatVersion',
    });
  const names = e.config.names;
  const members = e.config.members;
  if (!Array.isArray(names) || !Array.isArray(members) || names.length !== members.length) {
    throw new ValidationError(`${kind} export has inconsistent names and members`, {
      field: 'config',
    });
  }
  const exported = members.map((c, k) => unpack(c, `members.${k}`, e.tensors));
  const specs = exported.map((x, k) => {
    const imp = importerFor(importers, x.kind);
    return { name: String(names[k]), create: () => imp.importModel(x), fitted: imp.importModel(x) };
  });
  return {
    specs,
    final: unpack(e.config.final, 'final', e.tensors),
    passthrough: e.config.passthrough === true,
  };
}

/**
 * The importer of {@link exportStacking}'s regressor output. Members and meta-learner are
 * rebuilt by the importers given (one per kind used); the rebuilt ensemble predicts exactly as
 * the exported one, and refitting it starts each member from its imported hyper-parameters.
 *
 * @param importers - importers of the member and meta-learner kinds
 * @returns a {@link ModelImporter} of `StackingRegressor`
 */
export function stackingRegressorImporter(
  importers: readonly ModelImporter<Regressor>[],
): ModelImporter<StackingRegressor> {
  return {
    kind: REG_KIND,
    importModel(e) {
      const { specs, final, passthrough } = readParts(e, REG_KIND, importers);
      const model = new StackingRegressor({
        estimators: specs.map(({ name, create }) => ({ name, create })),
        finalEstimator: () => importerFor(importers, final.kind).importModel(final),
        passthrough,
      });
      const pf = Number(e.config.passthroughFeatures ?? 0);
      model.restore(
        specs.map((s) => s.fitted),
        importerFor(importers, final.kind).importModel(final),
        pf,
      );
      return model;
    },
  };
}

/**
 * The importer of {@link exportStacking}'s classifier output.
 * @param importers - importers of the member and meta-learner kinds
 * @returns a {@link ModelImporter} of `StackingClassifier`
 */
export function stackingClassifierImporter(
  importers: readonly ModelImporter<Classifier>[],
): ModelImporter<StackingClassifier> {
  return {
    kind: CLF_KIND,
    importModel(e) {
      const { specs, final, passthrough } = readParts(e, CLF_KIND, importers);
      const model = new StackingClassifier({
        estimators: specs.map(({ name, create }) => ({ name, create })),
        finalEstimator: () => importerFor(importers, final.kind).importModel(final),
        passthrough,
      });
      const classes = e.config.classes;
      if (!Array.isArray(classes))
        throw new ValidationError('StackingClassifier export lacks classes', { field: 'classes' });
      model.restore(
        specs.map((s) => s.fitted),
        importerFor(importers, final.kind).importModel(final),
        Int32Array.from(classes as number[]),
      );
      return model;
    },
  };
}
