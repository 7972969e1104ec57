/**
 * `@x/core`: the shared vocabulary of the x quant toolkit.
 *
 * @packageDocumentation
 */
export { type Clock, ManualClock, systemClock } from './clock.js';
export {
  DECIMAL_PRECISION,
  DECIMAL_ZERO,
  Dec,
  type Decimal,
  type DecimalLike,
  type DecimalReject,
  decimalRejectError,
  isMultipleOf,
  parseDecimal,
  type RoundingDirection,
  roundToStep,
  toDecimal,
  toNumber,
} from './decimal.js';
export {
  ConflictError,
  type ErrorCode,
  IntegrityError,
  InvalidStateError,
  NotFoundError,
  UnsupportedError,
  ValidationError,
  XError,
  type XErrorJson,
  type XErrorOptions,
} from './errors.js';
export { Grid, type GridReject } from './grid.js';
export { createIdGenerator, type IdGeneratorOptions, isUuidV7, newId, type Uuid } from './ids.js';
export { Instrument, type InstrumentSpec, type OrderRuleViolation } from './instrument.js';
export {
  askSideValid,
  bidSideValid,
  checkL2Book,
  checkL2Row,
  checkL2Rows,
  L2Check,
  type L2CheckCode,
  type L2Rows,
  l2AskStep,
  l2BidStep,
  l2CheckError,
  l2CheckMessage,
  l2TopCheck,
} from './l2-check.js';
export {
  applyL2Delta,
  cloneL2Snapshot,
  createL2Snapshot,
  L2_MAX_BOOK_SIZE,
  type L2Delta,
  type L2Snapshot,
  type L2ValidationOptions,
  type L3Add,
  type L3Cancel,
  type L3Event,
  type L3Execute,
  type L3Modify,
  l2Depth,
  midPrice,
  type OrderId,
  oppositeSide,
  type Quote,
  type Side,
  sideSign,
  type Trade,
  validateL2Snapshot,
} from './market.js';
export {
  type Classifier,
  type ExportableModel,
  type ExportedModel,
  type JsonObject,
  type JsonValue,
  type Matrix,
  type ModelImporter,
  mostProbableClass,
  type Regressor,
  validateExportedModel,
} from './model.js';
export {
  type ExportedModelJson,
  exportedModelFromJson,
  exportedModelToJson,
  type TensorJson,
} from './model-json.js';
export {
  addFill,
  averageFillPrice,
  EMPTY_FILL_TOTALS,
  type Fill,
  type FillTotals,
  isTerminalStatus,
  type Liquidity,
  type OrderStatus,
  type OrderType,
  type TimeInForce,
} from './orders.js';
export { type MutableIndexed, Rng, type RngState } from './prng.js';
export type { QueueEstimate, QueueJoin, QueueModel } from './queue-model.js';
export {
  allocFloat,
  assertShape,
  type DType,
  dtypeOf,
  type FloatArray,
  floatArrayFrom,
  isContiguous,
  type NamedTensors,
  shapeSize,
  type Tensor,
  type TypedArrayFor,
  tensor,
  tensorsBitEqual,
  toContiguous,
} from './tensor.js';
export {
  assertAllFinite,
  assertFinite,
  assertIncreasing,
  assertInRange,
  assertInteger,
  assertKnownKeys,
  assertNonEmptyString,
  assertNonNegative,
  assertObject,
  assertOneOf,
  assertPositive,
  checkedInteger,
  failValidation,
} from './validate.js';
