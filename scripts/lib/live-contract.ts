// Live contract mode: `crm-open-api verify`'s run (src/testing/verify/, one implementation), with the
// options `npm run contract:live` reads from the environment. Read-only operations always; writes and money
// movements only when asked for.
import { OPERATIONS, TIER_SKIPPED, tierOf, tiersOf } from '../../src/testing/verify/tiers';
import type { MoneyTarget, VerifyReport } from '../../src/testing/verify/types';
import { verifyCrm } from '../../src/testing/verify/verify-crm';

export type { OperationResult, Verdict, VerifyReport as DriftReport } from '../../src/testing/verify/types';

export interface LiveOptions {
  baseUrl: string;
  apiKey: string;
  signingSecret?: string;
  /** Also run operations that create or change something (needs `testUser`). */
  writes?: boolean;
  /** Also move the smallest amounts on this account (needs `writes`); set only on the tenant's explicit word. */
  money?: MoneyTarget;
  /** The CRM user every write acts on (replaces user ids in the examples). */
  testUser?: string;
  /** The signature scheme the CRM checks (default 'auto': found out first). */
  signatureVersion?: 'v1' | 'v2' | 'auto';
}

/** Which operations a run may call, by tier: reads always, writes with `writes`, money with both. */
export function selectOperations(operations: { id: string }[], { writes, money }: { writes?: boolean; money?: unknown }) {
  const tiers = new Set(tiersOf({ writes, money }));
  const run: string[] = [];
  const skipped: { operationId: string; reason: string }[] = [];
  for (const { id } of operations) {
    const entry = OPERATIONS.find((op) => op.id === id);
    const tier = entry ? tierOf(entry) : 'write';
    if (tier === 'read' || tiers.has(tier)) run.push(id);
    else skipped.push({ operationId: id, reason: TIER_SKIPPED[tier] });
  }
  return { run, skipped };
}

export function runLiveContract(options: LiveOptions): Promise<VerifyReport> {
  // CRM_LIVE_MONEY=1 with an account named is the tenant's explicit word: no question asked.
  return verifyCrm({ ...options, ...(options.money ? { yes: true } : {}) });
}
