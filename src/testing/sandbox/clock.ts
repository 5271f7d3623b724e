// The sandbox's virtual clock: it starts at a fixed instant and moves only when told (`advance`), so the
// deposit repeat window and every timestamp the sandbox writes are the same on every run.

/** 2024-05-10 12:00:00 UTC, the day the spec's examples are dated. */
export const DEFAULT_EPOCH_MS = Date.UTC(2024, 4, 10, 12, 0, 0);

/** The most one `advance` moves the clock: ten years (of 365.25 days), far past any window a test waits out. */
export const MAX_ADVANCE_MS = 10 * 365.25 * 24 * 3600 * 1000;
/** The last instant a Date can hold (±8.64e15 ms): every timestamp the sandbox writes must stay a real date. */
const LAST_DATE_MS = 8.64e15;

export class VirtualClock {
  private ms: number;
  constructor(private readonly epochMs: number = DEFAULT_EPOCH_MS) {
    if (!Number.isSafeInteger(epochMs) || Math.abs(epochMs) > LAST_DATE_MS) throw new RangeError('epochMs must be an integer number of ms a Date can hold');
    this.ms = epochMs;
  }
  now(): number {
    return this.ms;
  }
  /** Moves the clock on by `ms` (an integer, 0 to MAX_ADVANCE_MS); anything else is refused and changes nothing. */
  advance(ms: number): number {
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_ADVANCE_MS) throw new RangeError(`advanceMs must be an integer from 0 to ${MAX_ADVANCE_MS} (ten years)`);
    if (this.ms + ms > LAST_DATE_MS) throw new RangeError('advanceMs would move the clock past the last date a timestamp can show');
    this.ms += ms;
    return this.ms;
  }
  reset(): void {
    this.ms = this.epochMs;
  }
}

/** `YYYY-MM-DD HH:mm:ss` (UTC), the CRM's timestamp format. */
export const crmTimestamp = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** `YYYY-MM-DD` (UTC). */
export const crmDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
