// Consumer type test for @x/attention-lstm: the model is a typed class.
import { AttentionLstm } from '@x/attention-lstm';
import { assertNotAny } from './assert.js';

assertNotAny(AttentionLstm);
// @ts-expect-error a model needs a config
new AttentionLstm();
export const used = [AttentionLstm];
