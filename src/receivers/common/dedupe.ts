// De-duplication of deliveries: a store in which a key is claimed while its delivery is being handled,
// completed once it was handled (and remembered for a while), and released when handling failed, so that a
// resend is handled. The default lives in memory, bounded; `redisDedupeStore` (crm-open-api/redis) shares
// one across instances.

export type ClaimResult =
  /** This caller owns the key now: handle the delivery, then `complete` or `release`. */
  | 'claimed'
  /** Another caller is handling it right now: answer non-2xx so the sender may try again later. */
  | 'pending'
  /** It was handled: acknowledge without handling again. */
  | 'done';

export interface DedupeStore {
  /** Claims `key` for `ttlMs` (after which an unfinished claim lapses, e.g. when its process died). */
  claim(key: string, ttlMs: number): Promise<ClaimResult>;
  /** Marks a claimed key handled, remembered for `ttlMs`. */
  complete(key: string, ttlMs: number): Promise<void>;
  /** Gives up a claim that was not completed (handling failed), so a resend is handled. */
  release(key: string): Promise<void>;
}

export interface MemoryDedupeOptions {
  /** At most this many keys (oldest dropped first; default 10 000). */
  maxEntries?: number;
  /** The clock (ms); default Date.now. */
  now?: () => number;
}

/** One instance's store: a Map bounded by `maxEntries`, each key also bounded by its own time to live. */
export function memoryDedupeStore({ maxEntries = 10_000, now = Date.now }: MemoryDedupeOptions = {}): DedupeStore & { readonly size: number } {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('memoryDedupeStore: `maxEntries` must be a positive integer');
  const entries = new Map<string, { state: 'pending' | 'done'; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const put = (key: string, state: 'pending' | 'done', ttlMs: number) => {
    entries.delete(key); // re-inserted last: the Map's order is the eviction order
    entries.set(key, { state, expiresAt: now() + ttlMs });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  };
  return {
    get size() {
      return entries.size;
    },
    async claim(key, ttlMs) {
      const entry = live(key);
      if (entry) return entry.state;
      put(key, 'pending', ttlMs);
      return 'claimed';
    },
    async complete(key, ttlMs) {
      put(key, 'done', ttlMs);
    },
    async release(key) {
      if (live(key)?.state === 'pending') entries.delete(key);
    },
  };
}
