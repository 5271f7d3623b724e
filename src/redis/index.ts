// crm-open-api/redis: stores shared by every instance, over the official `redis` client (node-redis, an
// optional peer dependency): the receivers' de-duplication store, and the intent journal (redis-journal.ts).
// Each operation is one atomic round trip.
import type { ClaimResult, DedupeStore } from '../receivers/common/dedupe';
import { requireCommander, type RedisCommander } from './commander';

export type { ClaimResult, DedupeStore } from '../receivers/common/dedupe';
export type { RedisCommander } from './commander';
export { redisJournal } from './redis-journal';
export type { RedisJournalOptions } from './redis-journal';
export type { Journal, JournalEntry, JournalIntent, JournalSettlement, JournalOutcome } from '../rest/journal/types';

export interface RedisDedupeOptions {
  /** Prepended to every key (default `crm-open-api:dedupe:`). */
  prefix?: string;
}

// Claim: set `pending` if the key is free; otherwise say what it holds. One script, so no other instance
// can slip in between the check and the claim.
const CLAIM = `if redis.call('SET', KEYS[1], 'pending', 'NX', 'PX', ARGV[1]) then return 'claimed' end
local held = redis.call('GET', KEYS[1])
if held == 'done' then return 'done' end
return 'pending'`;
// Release only an unfinished claim: a key marked done stays done.
const RELEASE = `if redis.call('GET', KEYS[1]) == 'pending' then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * A DedupeStore in Redis: `createWebhookHandler({ dedupe: redisDedupeStore(client) })` and
 * `createExternalWalletHandler({ dedupe: … })` then drop duplicates across every instance sharing `client`'s server.
 */
export function redisDedupeStore(client: RedisCommander, { prefix = 'crm-open-api:dedupe:' }: RedisDedupeOptions = {}): DedupeStore {
  requireCommander(client, 'redisDedupeStore');
  const ms = (ttlMs: number) => {
    if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new RangeError('ttlMs must be a positive integer');
    return String(ttlMs);
  };
  return {
    async claim(key, ttlMs) {
      return (await client.sendCommand(['EVAL', CLAIM, '1', prefix + key, ms(ttlMs)])) as ClaimResult;
    },
    async complete(key, ttlMs) {
      await client.sendCommand(['SET', prefix + key, 'done', 'PX', ms(ttlMs)]);
    },
    async release(key) {
      await client.sendCommand(['EVAL', RELEASE, '1', prefix + key]);
    },
  };
}
