/**
 * The attention-LSTM as a stacking member over flattened `[samples, steps × features]` rows,
 * exportable through core's model contract so the whole ensemble can go into the registry.
 */
import {
  type AttentionLstm,
  AttentionLstmRegressor,
  attentionLstmImporter,
} from '@x/attention-lstm';
import {
  type ExportableModel,
  type ExportedModel,
  InvalidStateError,
  type Matrix,
  type ModelImporter,
  type Regressor,
  type Tensor,
  tensor,
  validateExportedModel,
} from '@x/core';

const KIND = 'x-demo:LstmOnRows';

/** Hyper-parameters of the member. */
export interface LstmMemberOptions {
  readonly steps: number;
  readonly features: number;
  readonly epochs: number;
  readonly seed: number;
}

/** An attention-LSTM reading each row as `steps` time steps of `features` features. */
export class LstmOnRows implements Regressor, ExportableModel {
  constructor(
    readonly options: LstmMemberOptions,
    private model?: AttentionLstm,
  ) {}

  private seq(x: Matrix): Tensor {
    const { steps, features } = this.options;
    return tensor('float32', [x.shape[0]!, steps, features], Float32Array.from(x.data)) as Tensor;
  }

  fit(x: Matrix, y: Float64Array): void {
    const { epochs, seed } = this.options;
    const reg = new AttentionLstmRegressor(
      { hiddenSize: 8, numHeads: 2, causal: true, seed },
      { epochs, batchSize: 32, optimizer: { type: 'adam', lr: 3e-3 }, loss: 'mse', seed },
    );
    reg.fit(this.seq(x), y);
    this.model = reg.model;
  }

  predict(x: Matrix): Float64Array {
    if (this.model === undefined) throw new InvalidStateError('LstmOnRows: call fit first');
    return Float64Array.from(this.model.forward(this.seq(x)).data);
  }

  exportModel(): ExportedModel {
    if (this.model === undefined) throw new InvalidStateError('LstmOnRows: call fit first');
    const inner = this.model.exportModel();
    return {
      kind: KIND,
      formatVersion: 1,
      config: {
        ...this.options,
        innerKind: inner.kind,
        innerVersion: inner.formatVersion,
        inner: inner.config,
      },
      tensors: inner.tensors,
    };
  }
}

/** Rebuilds an exported {@link LstmOnRows}. */
export const lstmOnRowsImporter: ModelImporter<LstmOnRows> = {
  kind: KIND,
  importModel(e) {
    validateExportedModel(e, KIND);
    const c = e.config as unknown as LstmMemberOptions & {
      innerKind: string;
      innerVersion: number;
      inner: ExportedModel['config'];
    };
    const model = attentionLstmImporter.importModel({
      kind: c.innerKind,
      formatVersion: c.innerVersion,
      config: c.inner,
      tensors: e.tensors,
    });
    const { steps, features, epochs, seed } = c;
    return new LstmOnRows({ steps, features, epochs, seed }, model);
  },
};
