// De-duplication of deliveries: a store in which a key is claimed while its delivery is being handled,
// completed once it was handled (and remembered for a while), and released when handling failed, so that a
// resend is handled. The default lives in memory, bounded; `redisDedupeStore` (crm-open-api/redis) shares
// one across instances.
//
// A claim lasts as long as the process that took it lives, however long its work runs: only a claim whose
// process died may lapse, `ttlMs` after it stopped (so the resend of a crashed delivery is handled). In memory
// nothing outlives the process, so a claim there has no time limit at all; Redis cannot tell a live owner from
// a dead one, so the owner renews its claim while it holds it (a lease), and a dead owner's lapses.

export type ClaimResult =
  /** This caller owns the key now: handle the delivery, then `complete` or `release`. */
  | 'claimed'
  /** Another caller is handling it right now: answer non-2xx so the sender may try again later. */
  | 'pending'
  /** It was handled: acknowledge without handling again. */
  | 'done';

export interface DedupeStore {
  /**
   * Claims `key` until `complete` or `release`, however long that takes while this process lives; `ttlMs` is
   * how long the claim may outlive a process that died holding it (a store shared between processes renews the
   * claim while its owner lives, as `redisDedupeStore` does).
   */
  claim(key: string, ttlMs: number): Promise<ClaimResult>;
  /** Marks a claimed key handled, remembered for `ttlMs`. */
  complete(key: string, ttlMs: number): Promise<void>;
  /** Gives up a claim that was not completed (handling failed), so a resend is handled. */
  release(key: string): Promise<void>;
}

export interface MemoryDedupeOptions {
  /** At most this many keys (the oldest handled ones dropped first; claims in flight are never dropped; default 10 000). */
  maxEntries?: number;
  /** The clock (ms); default Date.now. */
  now?: () => number;
}

/**
 * One process's store: a Map bounded by `maxEntries` (the oldest handled keys dropped first), each handled key
 * also by its own time to live. A claim never lapses here (it cannot outlive its process) and is never dropped
 * to make room (claims are bounded by the work in flight): while it is held, a duplicate is always refused.
 */
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
  const put = (key: string, state: 'pending' | 'done', expiresAt: number) => {
    entries.delete(key); // re-inserted last: the Map's order is the eviction order
    entries.set(key, { state, expiresAt });
    for (const [old, entry] of entries) {
      if (entries.size <= maxEntries) break;
      if (entry.state === 'done') entries.delete(old);
    }
  };
  return {
    get size() {
      return entries.size;
    },
    async claim(key) {
      const entry = live(key);
      if (entry) return entry.state;
      put(key, 'pending', Infinity);
      return 'claimed';
    },
    async complete(key, ttlMs) {
      put(key, 'done', now() + ttlMs);
    },
    async release(key) {
      if (live(key)?.state === 'pending') entries.delete(key);
    },
  };
}
