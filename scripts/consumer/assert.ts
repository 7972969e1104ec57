// Fails to compile when T is `any`: `0 extends 1 & T` holds only for `any`.
type IsAny<T> = 0 extends 1 & T ? true : false;
export function assertNotAny<T>(
  _value: T,
  ..._notAny: IsAny<T> extends true ? [never] : []
): void {}
