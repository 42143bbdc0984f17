/**
 * Time as the checks see it when they wait for an effect (a message arriving,
 * a paused cluster resuming): the system clock when they run against AWS, a
 * simulated one in tests, so that a wait costs the tests no real time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The system clock. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
