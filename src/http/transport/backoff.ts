// How long to wait before the next attempt: the server's Retry-After when it gives a sane one, otherwise
// exponential back-off with jitter.
import { retryAfterValueMs } from '../../core/retry-after';

export interface BackoffOptions {
  /** First delay (default 500 ms); doubles per attempt. */
  initialMs?: number;
  /** Ceiling of the computed delay (default 8 s). */
  maxMs?: number;
}

/** Retry-After values above this are ignored in favour of the computed delay (a stuck caller helps no one). */
const MAX_RETRY_AFTER_MS = 60_000;

/** `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date; undefined when absent or unusable. */
export function retryAfterMs(headers: Headers | undefined, now: () => number = Date.now): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  const wait = Number.isFinite(ms) ? ms : retryAfterValueMs(headers.get('retry-after'), now);
  // The range check also refuses NaN and Infinity.
  return wait !== undefined && wait >= 0 && wait <= MAX_RETRY_AFTER_MS ? wait : undefined;
}

/**
 * Delay before retry number `retry` (0 for the first retry): up to 25% below `initialMs * 2^retry`, capped at
 * `maxMs` (the "equal-ish" jitter of the Stainless SDKs, so concurrent clients spread out).
 */
export function backoffMs(retry: number, { initialMs = 500, maxMs = 8_000 }: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** retry);
  return ceiling * (1 - random() * 0.25);
}
