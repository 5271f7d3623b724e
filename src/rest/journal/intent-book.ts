// The rules of an intent's life, in one place: begin, claim (or renew) a hold, settle. The memory store is this
// book; the file store replays its log into one (a line read twice changes nothing); the Redis store's scripts
// keep the same rules on the server.
import type { JournalEntry, JournalIntent, JournalSettlement } from './types';

export class IntentBook {
  private readonly byId = new Map<string, JournalEntry>();
  /** Settled ids and who settled each, oldest first: the Map's order is the order they are dropped in. */
  private readonly settled = new Map<string, string>();

  /** `keepSettled`: how many settled intents to remember (the oldest are forgotten first). */
  constructor(private readonly keepSettled = Number.POSITIVE_INFINITY) {}

  /** Records an intent; one already known (a log line read twice) is left as it is. */
  begin(intent: JournalIntent): void {
    if (!this.byId.has(intent.id)) this.byId.set(intent.id, { ...intent });
  }

  claim(id: string, holder: string, now: number, until: number): boolean {
    const entry = this.byId.get(id);
    if (!entry || entry.settlement || (entry.holder !== holder && entry.heldUntil > now)) return false;
    entry.holder = holder;
    entry.heldUntil = until;
    return true;
  }

  settle(id: string, holder: string, settlement: JournalSettlement): boolean {
    const entry = this.byId.get(id);
    if (!entry || entry.settlement) return false;
    if (settlement.outcome === 'unknown') {
      entry.lastAttempt = settlement;
      if (entry.holder === holder) entry.heldUntil = Math.min(entry.heldUntil, settlement.at);
      return false;
    }
    entry.settlement = settlement;
    this.settled.set(id, holder);
    for (const [old] of this.settled) {
      if (this.settled.size <= this.keepSettled) break;
      this.settled.delete(old);
      this.byId.delete(old);
    }
    return true;
  }

  get(id: string): JournalEntry | undefined {
    const entry = this.byId.get(id);
    return entry && { ...entry };
  }

  /** Who recorded an intent's outcome (a store that learns it from a shared log asks whether it won). */
  settledBy(id: string): string | undefined {
    return this.settled.get(id);
  }

  entries(): JournalEntry[] {
    return [...this.byId.values()].map((entry) => ({ ...entry }));
  }
}
