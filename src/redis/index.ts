// crm-open-api/redis: stores shared by every instance, over the official `redis` client (node-redis, an
// optional peer dependency): the receivers' de-duplication store, and the intent journal (redis-journal.ts).
// Each operation is one atomic round trip.
//
// A de-duplication claim is a lease: it holds `pending:<token>` for `ttlMs`, and the process that took it renews
// it every third of that while it holds it, so a claim never lapses under work that is still running however
// long it runs, and only a crashed process's claim lapses (within one lease). The token makes renewing and
// releasing touch only this process's own claim, never one another process took after this one's lapsed.
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
  /**
   * Told when a held claim could not be renewed (Redis unreachable, or the claim lapsed anyway, e.g. after a
   * pause longer than its lease); default one console.error line.
   */
  onError?: (error: unknown) => void;
}

// Claim: set this process's token if the key is free; otherwise say what it holds. One script, so no other
// instance can slip in between the check and the claim.
const CLAIM = `if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[1]) then return 'claimed' end
if redis.call('GET', KEYS[1]) == 'done' then return 'done' end
return 'pending'`;
// Renew or release only this process's own unfinished claim: a key marked done, or claimed by another, is left alone.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const newToken = () => `pending:${globalThis.crypto.randomUUID()}`;

/**
 * A DedupeStore in Redis: `createWebhookHandler({ dedupe: redisDedupeStore(client) })` and
 * `createExternalWalletHandler({ dedupe: … })` then drop duplicates across every instance sharing `client`'s server.
 */
export function redisDedupeStore(client: RedisCommander, { prefix = 'crm-open-api:dedupe:', onError }: RedisDedupeOptions = {}): DedupeStore {
  requireCommander(client, 'redisDedupeStore');
  const report = onError ?? ((error: unknown) => console.error(`crm-open-api redis dedupe: a claim could not be renewed: ${error instanceof Error ? error.message : String(error)}`));
  const ms = (ttlMs: number) => {
    if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new RangeError('ttlMs must be a positive integer');
    return String(ttlMs);
  };
  /** This process's claims: the token each holds, and the timer that renews it. */
  const held = new Map<string, { token: string; timer: ReturnType<typeof setInterval> }>();
  const drop = (key: string) => {
    const claim = held.get(key);
    if (claim) clearInterval(claim.timer);
    held.delete(key);
    return claim;
  };
  const hold = (key: string, token: string, ttlMs: number) => {
    const timer = setInterval(() => {
      client.sendCommand(['EVAL', RENEW, '1', prefix + key, token, String(ttlMs)]).then(
        (renewed) => {
          if (Number(renewed) === 1 || held.get(key)?.token !== token) return;
          drop(key);
          report(new Error(`the claim of ${key} lapsed before it was settled (held longer than a lease without renewal)`));
        },
        (error: unknown) => report(error),
      );
    }, Math.max(1, Math.floor(ttlMs / 3)));
    // Renewing must never keep a process alive by itself.
    (timer as { unref?: () => void }).unref?.();
    held.set(key, { token, timer });
  };
  return {
    async claim(key, ttlMs) {
      const token = newToken();
      const result = (await client.sendCommand(['EVAL', CLAIM, '1', prefix + key, ms(ttlMs), token])) as ClaimResult;
      if (result === 'claimed') hold(key, token, ttlMs);
      return result;
    },
    async complete(key, ttlMs) {
      // Renewed until it is done: if Redis cannot be told, the claim stays held while this process lives.
      await client.sendCommand(['SET', prefix + key, 'done', 'PX', ms(ttlMs)]);
      drop(key);
    },
    async release(key) {
      // No longer renewed even if Redis cannot be told: the claim then lapses within its lease.
      const claim = drop(key);
      if (claim) await client.sendCommand(['EVAL', RELEASE, '1', prefix + key, claim.token]);
    },
  };
}
