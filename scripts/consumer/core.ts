// Consumer type test for @x/core: the money types are real types, not `any`.
import { Dec, type Decimal, Instrument, toDecimal, type ValidationError } from '@x/core';
import { assertNotAny } from './assert.js';

const btc = Instrument.create({ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.0001' });
const price: Decimal = btc.roundPrice('30000.017', 'floor');
assertNotAny(price);
assertNotAny(Dec);
// @ts-expect-error a Decimal is not a number
const asNumber: number = price;
// @ts-expect-error a Decimal is not a string
const asString: string = toDecimal('1');
// @ts-expect-error Decimal arithmetic takes decimal-like values, not objects
price.plus({ value: 1 });
// @ts-expect-error instruments are created from a spec, not from a bare string
Instrument.create('BTC-USD');
const sum: Decimal = price.plus('0.01').times(2);
const err: ValidationError | undefined = undefined;
export const used = [asNumber, asString, sum, err];
