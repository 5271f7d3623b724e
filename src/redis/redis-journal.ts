// redisJournal(redis): the intent journal in Redis, shared by every instance. Each step is one script, so one
// atomic round trip: no instance can slip in between a check and its write. The scripts keep the rules of
// src/rest/journal/intent-book.ts. An intent is a hash (`<prefix>intent:<id>`); the open ones are a set and
// the settled ones a sorted set by settlement time, kept `keepSettledMs`. The default prefix is one hash tag,
// so every key is in one slot of a cluster.
import type { Journal, JournalEntry, JournalIntent, JournalSettlement } from '../rest/journal/types';
import { requireCommander, type RedisCommander } from './commander';

export interface RedisJournalOptions {
  /** Prepended to every key (default `{crm-open-api:journal}:`; in a cluster, keep a `{hash tag}` in it). */
  prefix?: string;
  /** How long a settled intent is kept for `entries()` (default 7 days). Open ones are kept until settled. */
  keepSettledMs?: number;
}

const BEGIN = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'intent', ARGV[2], 'holder', ARGV[3], 'until', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[1])
return 1`;

// A lapsed hold, or the holder's own (a renewal).
const CLAIM = `local s = redis.call('HMGET', KEYS[1], 'intent', 'holder', 'until', 'settlement')
if not s[1] or s[4] then return 0 end
if s[2] ~= ARGV[1] and tonumber(s[3]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'until', ARGV[3])
return 1`;

// The first outcome wins; `unknown` is remembered as the last attempt and ends the holder's hold.
const SETTLE = `local s = redis.call('HMGET', KEYS[1], 'intent', 'holder', 'until', 'settlement')
if not s[1] or s[4] then return 0 end
if ARGV[4] == 'unknown' then
  redis.call('HSET', KEYS[1], 'last', ARGV[3])
  if s[2] == ARGV[2] and tonumber(s[3]) > tonumber(ARGV[5]) then redis.call('HSET', KEYS[1], 'until', ARGV[5]) end
  return 0
end
redis.call('HSET', KEYS[1], 'settlement', ARGV[3])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[7])
return 1`;

// Every open intent, and the settled ones still kept (ids whose hash has expired are dropped from the index).
const ENTRIES = `local out = {}
local function add(id)
  local s = redis.call('HMGET', ARGV[1] .. id, 'intent', 'holder', 'until', 'settlement', 'last')
  if not s[1] then return false end
  table.insert(out, {s[1], s[2], s[3], s[4] or '', s[5] or ''})
  return true
end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do add(id) end
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if not add(id) then redis.call('ZREM', KEYS[2], id) end
end
return out`;

export function redisJournal(client: RedisCommander, { prefix = '{crm-open-api:journal}:', keepSettledMs = 7 * 86_400_000 }: RedisJournalOptions = {}): Journal {
  requireCommander(client, 'redisJournal');
  if (!Number.isInteger(keepSettledMs) || keepSettledMs < 1) throw new TypeError('redisJournal: `keepSettledMs` must be a positive integer');
  const key = (id: string) => `${prefix}intent:${id}`;
  const open = `${prefix}open`;
  const settled = `${prefix}settled`;
  const run = async (script: string, keys: string[], args: (string | number)[]) => client.sendCommand(['EVAL', script, String(keys.length), ...keys, ...args.map(String)]);
  return {
    async begin(intent: JournalIntent) {
      const { holder, heldUntil, ...rest } = intent;
      await run(BEGIN, [key(intent.id), open], [intent.id, JSON.stringify(rest), holder, heldUntil]);
    },
    async claim(id, holder, now, until) {
      return Number(await run(CLAIM, [key(id)], [holder, now, until])) === 1;
    },
    async settle(id, holder, settlement: JournalSettlement) {
      const cutoff = settlement.at - keepSettledMs;
      return Number(await run(SETTLE, [key(id), open, settled], [id, holder, JSON.stringify(settlement), settlement.outcome, settlement.at, keepSettledMs, cutoff])) === 1;
    },
    async entries() {
      const rows = (await run(ENTRIES, [open, settled], [`${prefix}intent:`])) as string[][];
      return rows.map(([intent, holder, until, settlement, last]): JournalEntry => ({
        ...(JSON.parse(String(intent)) as Omit<JournalIntent, 'holder' | 'heldUntil'>),
        holder: String(holder),
        heldUntil: Number(until),
        ...(settlement ? { settlement: JSON.parse(String(settlement)) as JournalSettlement } : {}),
        ...(last ? { lastAttempt: JSON.parse(String(last)) as JournalSettlement } : {}),
      }));
    },
  };
}
