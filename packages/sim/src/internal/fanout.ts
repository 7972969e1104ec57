/**
 * Delivery of engine events to listeners once a command has finished: in order, commands issued
 * by listeners nest (their events are appended and delivered in the same loop), and a listener
 * that throws never cuts delivery short.
 */

/** A listener of events of type `E`. */
export type Listener<E> = (event: E) => void;

export class Fanout<E> {
  // copy-on-write: (un)subscribing replaces the array, so delivery never copies it per event
  private listeners: readonly Listener<E>[] = [];
  private readonly queue: E[] = [];
  private delivering = false;

  /**
   * @param onError - takes a listener's exception (delivery then goes on and nothing is
   *   rethrown); without it the exceptions are rethrown once delivery is complete
   */
  constructor(private readonly onError: ((error: unknown, event: E) => void) | undefined) {}

  /** Adds a listener; returns the function that removes it (from the next event on). */
  subscribe(listener: Listener<E>): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners = this.listeners.filter((_, k) => k !== i);
    };
  }

  /**
   * Delivers `events` to every listener (appended to the delivery in progress when a listener's
   * command caused them). Rethrows after delivery: one exception as is, several as an
   * `AggregateError`, in order.
   */
  deliver(events: readonly E[]): void {
    if (this.listeners.length === 0 || events.length === 0) return;
    for (let i = 0; i < events.length; i++) this.queue.push(events[i] as E);
    if (this.delivering) return;
    this.delivering = true;
    let errors: unknown[] | undefined; // allocated on the first error only
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const e = this.queue[i] as E;
        const ls = this.listeners;
        for (let j = 0; j < ls.length; j++) {
          const failure = this.call(ls[j] as Listener<E>, e);
          if (failure !== NO_FAILURE) {
            if (errors === undefined) errors = [failure];
            else errors.push(failure);
          }
        }
      }
    } finally {
      this.queue.length = 0;
      this.delivering = false;
    }
    if (errors !== undefined) {
      throw errors.length === 1
        ? errors[0]
        : new AggregateError(errors, `${errors.length} event listeners threw`);
    }
  }

  /** Calls one listener; returns what must be rethrown, or {@link NO_FAILURE}. */
  private call(listener: Listener<E>, e: E): unknown {
    try {
      listener(e);
      return NO_FAILURE;
    } catch (err) {
      if (this.onError === undefined) return err;
      try {
        this.onError(err, e);
        return NO_FAILURE;
      } catch (handlerErr) {
        return handlerErr;
      }
    }
  }
}

/** Marks "nothing to rethrow" (a listener may throw `undefined`). */
const NO_FAILURE: unique symbol = Symbol('no failure');
