// The intent journal in memory: for tests, and for a process whose crash may forget its intents (it survives
// nothing but a lost answer while the process lives). fileJournal (crm-open-api/node) and redisJournal
// (crm-open-api/redis) survive a crash.
import { IntentBook } from './intent-book';
import type { Journal } from './types';

export interface MemoryJournalOptions {
  /** Settled intents remembered for `entries()` (default 1000; the oldest are forgotten first). Open ones are all kept. */
  maxSettled?: number;
}

export function memoryJournal({ maxSettled = 1000 }: MemoryJournalOptions = {}): Journal {
  if (!Number.isInteger(maxSettled) || maxSettled < 0) throw new TypeError('memoryJournal: `maxSettled` must be a non-negative integer');
  const book = new IntentBook(maxSettled);
  return {
    begin: async (intent) => book.begin(intent),
    claim: async (id, holder, now, until) => book.claim(id, holder, now, until),
    settle: async (id, holder, settlement) => book.settle(id, holder, settlement),
    entries: async () => book.entries(),
  };
}
