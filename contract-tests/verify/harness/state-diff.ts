// What changed in the sandbox's state (GET /__sandbox/state) between two snapshots: per collection, the
// records added and removed (by their key) and, for records in both, the names of the fields that changed.
type Json = Record<string, any>;

const KEYS: Record<string, (record: Json) => string> = {
  clients: (r) => r.id,
  leads: (r) => r.id,
  connections: (r) => r.id,
  accounts: (r) => `${r.connection_id}|${r.login}`,
  transactions: (r) => r.id,
  walletOrders: (r) => r.order_id,
  withdrawalRequests: (r) => r.id,
};

export interface StateDiff {
  added: Record<string, Json[]>;
  removed: Record<string, string[]>;
  /** collection → key → the fields whose value changed. */
  changed: Record<string, Record<string, string[]>>;
  /** Top-level parts without keyed records (wallets, oauth) that differ. */
  other: string[];
}

export function stateDiff(before: Json, after: Json): StateDiff {
  const diff: StateDiff = { added: {}, removed: {}, changed: {}, other: [] };
  for (const part of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const key = KEYS[part];
    if (!key) {
      if (JSON.stringify(before[part]) !== JSON.stringify(after[part])) diff.other.push(part);
      continue;
    }
    const old = new Map<string, Json>((before[part] ?? []).map((r: Json) => [key(r), r]));
    const now = new Map<string, Json>((after[part] ?? []).map((r: Json) => [key(r), r]));
    const added = [...now].filter(([k]) => !old.has(k)).map(([, r]) => r);
    const removed = [...old.keys()].filter((k) => !now.has(k));
    if (added.length) diff.added[part] = added;
    if (removed.length) diff.removed[part] = removed;
    for (const [k, record] of now) {
      const was = old.get(k);
      if (!was) continue;
      const fields = [...new Set([...Object.keys(was), ...Object.keys(record)])].filter((f) => JSON.stringify(was[f]) !== JSON.stringify(record[f]));
      if (fields.length) (diff.changed[part] ??= {})[k] = fields.sort();
    }
  }
  return diff;
}
