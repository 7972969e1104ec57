/**
 * `@x/sim-oco`: the venue adapter between `@x/oco`'s `OrderManager` and `@x/sim`'s
 * `MatchingEngine`, with the engine's venue profile. A package of its own so that `@x/oco` has no
 * runtime dependency on `@x/sim` (and `@x/sim` none on `@x/oco`).
 *
 * @packageDocumentation
 */
export {
  SIM_CANCEL_REPLACE_PROFILE,
  SIM_VENUE_PROFILE,
  SimOcoSession,
  type SimOcoSessionOptions,
  SimOcoVenue,
  type SimOcoVenueOptions,
} from './adapter.js';
