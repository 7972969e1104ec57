/**
 * `@x/oco`: contingent orders (OCO, OTO, OUO, bracket, multi-leg) that stay correct under partial
 * fills. An event-sourced order manager (events in, commands out), an exact fill ledger, explicit
 * policies, dynamic repricing, pre-trade risk hooks and venue profiles.
 *
 * @packageDocumentation
 */
export {
  type LegacyOrderManagerSnapshot,
  OrderManager,
  type OrderManagerOptions,
  type OrderManagerSnapshot,
} from './manager.js';
export {
  bracket,
  multiLeg,
  type OrderLegInput,
  ocoExit,
  ocoOrders,
  oto,
  ouo,
  type StopInput,
  type TargetInput,
} from './presets.js';
export {
  maxNotional,
  maxPosition,
  minOrderSize,
  priceBand,
  type RiskCheck,
  type RiskRequest,
  type RiskScope,
  reduceOnlyConsistency,
} from './risk.js';
export {
  type AcceptedEvent,
  type AmendEntryEvent,
  type AtrDistance,
  type BpsDistance,
  type BreakEvenSpec,
  type CancelCommand,
  type CanceledEvent,
  type CancelGroupEvent,
  type CancelRejectedEvent,
  type ContingencyRule,
  ContingencyType,
  type ContingencyTypeValue,
  type CreateGroupEvent,
  DEFAULT_POLICIES,
  type ExpiredEvent,
  type FillEvent,
  type ForgetGroupEvent,
  type GroupPolicies,
  type GroupSpec,
  type LegRole,
  type LegSpec,
  type LegTrigger,
  type MarketEvent,
  type ModifiedEvent,
  type ModifyCommand,
  type ModifyRejectedEvent,
  type NativeContingency,
  type OcoCommand,
  type OcoEvent,
  type OcoNotice,
  type PriceDistance,
  type PriceOffset,
  type RejectedEvent,
  type RuleAction,
  type Step,
  type SubmitCommand,
  type TickDistance,
  type TradeBustEvent,
  type TradeCorrectEvent,
  type TrailingSpec,
  type TriggeredEvent,
} from './types.js';
export {
  brokerOcaVenue,
  DERIVATIVES_VENUE,
  EMULATED_VENUE,
  type NativeOcoSupport,
  SPOT_OCO_VENUE,
  type VenueProfile,
} from './venues.js';
export type { GroupLedger, LegLedger, LegState } from './view.js';
