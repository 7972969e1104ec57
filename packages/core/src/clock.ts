/**
 * Clocks: time-dependent code (expiry, SLO windows, survival times) takes a {@link Clock} so
 * tests drive it with a {@link ManualClock} instead of sleeping.
 *
 * Times are milliseconds as a plain number (epoch-based for {@link systemClock}; any origin for a
 * manual clock), fractional values allowed.
 *
 * @module
 */
import { ValidationError } from './errors.js';

/** A source of the current time in milliseconds. */
export interface Clock {
  /** The current time in milliseconds. */
  now(): number;
}

/** The wall clock: `Date.now()`. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/**
 * A clock that moves only when told to; time never goes backwards.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(0);
 * clock.advance(1_500);
 * clock.now(); // 1500
 * ```
 */
export class ManualClock implements Clock {
  private t: number;

  /** @param startMs - the initial time, 0 by default */
  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) {
      throw new ValidationError('start time must be finite', { field: 'startMs', value: startMs });
    }
    this.t = startMs;
  }

  /** The current time in milliseconds. */
  now(): number {
    return this.t;
  }

  /**
   * Moves the clock forward.
   * @param ms - how far, >= 0
   * @returns the new time
   * @throws {@link ValidationError} when `ms` is negative or not finite
   */
  advance(ms: number): number {
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new ValidationError('a clock only advances by a finite, non-negative amount', {
        field: 'ms',
        value: ms,
      });
    }
    this.t += ms;
    return this.t;
  }

  /**
   * Sets the clock to an absolute time not before the current one.
   * @param ms - the new time
   * @throws {@link ValidationError} when `ms` is before the current time or not finite
   */
  set(ms: number): void {
    if (!Number.isFinite(ms) || ms < this.t) {
      throw new ValidationError('a clock never goes backwards', { field: 'ms', value: ms });
    }
    this.t = ms;
  }
}
