// How the run slows down for a CRM that answers 429: every call waits while the gate is shut (for the
// answer's Retry-After, bounded), at most `concurrency` calls run at once, and after the first 429 only one.
// A read is asked again after the wait (a bounded number of times); a write never is (rate limited, it may
// still have been applied), but the wait still holds back the calls after it.

import { retryAfterValueMs } from '../../core/retry-after';

/** The longest single wait; a CRM that asks for more gets its operation reported unreachable instead. */
export const MAX_WAIT_MS = 60_000;
/** Re-sends of one read after a 429. */
export const MAX_RATE_LIMITED_RETRIES = 5;
/** Without a Retry-After: 1 s, doubling. */
const FIRST_WAIT_MS = 1_000;

/** The wait a 429 asks for, in ms: `Retry-After` as seconds or an HTTP date, else 1 s doubling per retry. */
export function rateLimitWaitMs(retryAfter: string | undefined, retry: number, now: () => number): number {
  const asked = retryAfterValueMs(retryAfter, now);
  return asked === undefined ? FIRST_WAIT_MS * 2 ** retry : Math.max(0, asked);
}

export class RateGate {
  /** Calls at once; drops to 1 at the first 429. */
  limit: number;
  /** How many 429s the run has met. */
  hits = 0;
  private shut: Promise<void> | undefined;

  constructor(
    concurrency: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.limit = concurrency;
  }

  /** Resolves once no wait is pending. */
  async open(): Promise<void> {
    while (this.shut) await this.shut;
  }

  /** Shuts the gate for `ms` (on top of a wait already running) and slows the rest of the run to one call at a time. */
  holdFor(ms: number): Promise<void> {
    this.hits += 1;
    this.limit = 1;
    const before = this.shut;
    const wait: Promise<void> = Promise.all([before, this.sleep(ms)]).then(() => {
      if (this.shut === wait) this.shut = undefined;
    });
    this.shut = wait;
    return wait;
  }
}

/** Runs `work` over `items`, at most `gate.limit` at a time (read again as each one ends). */
export function runPool<T>(items: readonly T[], gate: RateGate, work: (item: T) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    const launch = () => {
      while (running < gate.limit && next < items.length) {
        const item = items[next++]!;
        running += 1;
        work(item).then(() => {
          running -= 1;
          launch();
        }, reject);
      }
      if (running === 0 && next >= items.length) resolve();
    };
    launch();
  });
}
