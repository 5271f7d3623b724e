// The sandbox's virtual clock: it starts at a fixed instant and moves only when told (`advance`), so the
// deposit repeat window and every timestamp the sandbox writes are the same on every run.

/** 2024-05-10 12:00:00 UTC, the day the spec's examples are dated. */
export const DEFAULT_EPOCH_MS = Date.UTC(2024, 4, 10, 12, 0, 0);

export class VirtualClock {
  private ms: number;
  constructor(private readonly epochMs: number = DEFAULT_EPOCH_MS) {
    this.ms = epochMs;
  }
  now(): number {
    return this.ms;
  }
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advanceMs must be a non-negative number');
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
