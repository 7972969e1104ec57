// Consumer type test for @x/microstructure: calculators are typed classes.
import { MultiLevelOfi } from '@x/microstructure';
import { assertNotAny } from './assert.js';

const ofi = new MultiLevelOfi({ levels: 10 });
assertNotAny(ofi);
// @ts-expect-error options are an object
new MultiLevelOfi(10);
export const used = [ofi];
