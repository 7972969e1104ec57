/**
 * `@x/sim`: a price-time-priority matching engine and the Cont–Stoikov–Talreja (2010)
 * stochastic order-flow generator, a reproducible bench for trading code.
 *
 * @packageDocumentation
 */
export { type BookView, TickBook } from './book.js';
export type {
  BookListener,
  BookReject,
  BookStatus,
  BookTimeInForce,
  RestingOrder,
  SelfTradePrevention,
  SubmitOutcome,
  TickBookOptions,
} from './book-types.js';
export { MatchingEngine, type MatchingEngineOptions } from './engine.js';
export {
  type AmendRequest,
  type CancelReason,
  type CommandResult,
  type EngineEvent,
  type EngineL3Add,
  type EngineL3Cancel,
  type EngineL3Execute,
  type EngineL3Modify,
  type EngineMarketDataEvent,
  type EngineTimeInForce,
  type EngineTradeEvent,
  type ExecutionReport,
  isExecutionReport,
  isMarketDataEvent,
  type MarketDataEvent,
  type OrderAccepted,
  type OrderAmended,
  type OrderCanceled,
  type OrderFilled,
  type OrderRejected,
  type OrderRequest,
  type OrderTriggered,
  type OrderView,
  type RejectField,
  type RejectReason,
  type TradeEvent,
} from './events.js';
export {
  BackgroundFlow,
  type BackgroundFlowConfig,
  type BackgroundFlowStats,
  type SettableClock,
} from './flow.js';
export {
  type FlowEvent,
  type FlowPrice,
  type FlowQty,
  type FlowStats,
  type FlowTrade,
  type FlowUnitFields,
  type InFlowUnits,
  type InformedTraderConfig,
  type L2Series,
  type OrderFlowConfig,
  OrderFlowGenerator,
  type SnapshotStreamOptions,
  type StreamOptions,
} from './generator.js';
export { L2DeltaTracker } from './l2.js';
export { CST2010_RATES, cst2010Rates, type OrderFlowRates } from './rates.js';
export {
  type HistoricalMessage,
  L3Replay,
  type L3ReplayOptions,
  type ReplayStats,
  type ReplayTrade,
  VenueBookCheck,
  type VenueBookCheckStats,
} from './replay.js';
export { ReplayOrders } from './replay-orders.js';
export type {
  ReplayOrderReport,
  ReplayOrdersOptions,
  ReplayOrdersStats,
  ReplayOrderView,
} from './replay-orders-types.js';
export { ReplayVenue, type ReplayVenueOptions } from './replay-venue.js';
export { type Lots, type Ticks, unitsToNumber } from './units.js';
export type { TradingVenue } from './venue.js';
