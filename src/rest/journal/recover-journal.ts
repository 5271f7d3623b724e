// recoverJournal(crm, journal): settles every intent a crash (or a lost answer) left open, with the same
// strategies as reconcile (settleCall), and records each outcome. Each intent is claimed first, and its
// claim renewed while it is settled, so several instances may recover one journal at once: an intent held
// by its live sender or by another recovery is left to it.
import type { Reconciliation } from '../../core/errors';
import type { CrmLogger } from '../../core/logger';
import { settleCall } from '../reconcile/reconcile';
import type { CrmClient, ReconcileSettings } from '../types';
import { holdMs, keepHeld } from './hold';
import { randomId } from './journaling-fetch';
import { recoveryClientOf } from './recovery-client';
import type { Journal, JournalEntry, JournalOutcome } from './types';

export interface RecoverJournalOptions extends ReconcileSettings {
  /**
   * The clock the intents' `sentAt` were read from (ms): default the `clock` of the client given, else
   * Date.now. A deposit is re-sent only while less than its window less `safetyMarginMs` has passed by it.
   */
  now?: () => number;
  /** One `info` line per intent settled (its id, operation, outcome and how; never a body). */
  logger?: CrmLogger;
  /** This recovery's name in the journal's holds (default a random one). */
  holder?: string;
}

/** What became of one intent. */
export interface RecoveredIntent {
  id: string;
  operationId: string;
  /** The field and value the CRM knows the call by (e.g. `comment`), when it has one. */
  reconcile?: { field: string; value: unknown };
  sentAt: number;
  outcome: JournalOutcome;
  how: string;
  evidence: Record<string, unknown>;
  /**
   * True when this outcome is now the intent's. False for `unknown` (the intent stays open), and for an outcome
   * someone else recorded first (the sender's late answer, or a recovery whose claim had lapsed).
   */
  recorded: boolean;
}

/**
 * Settles every open intent of `journal` that no one else holds: a deposit inside its repeat window (less the
 * safety margin) is re-sent with the same comment, outside it looked up; a wallet update is settled by its
 * order status; an approval or rejection re-sent; a created client looked up. `unknown` keeps the intent
 * open (the next recovery tries again). Calls go through a twin of `crm` without journal or autoReconcile.
 */
export async function recoverJournal(crm: CrmClient, journal: Journal, options: RecoverJournalOptions = {}): Promise<RecoveredIntent[]> {
  const known = recoveryClientOf(crm);
  const via = known?.plain() ?? crm;
  const now = options.now ?? known?.clock ?? Date.now;
  const timeoutMs = known?.timeoutMs ?? 30_000;
  const holder = options.holder ?? `recovery:${randomId()}`;
  const { logger } = options;
  const settings = { now, ...(options.safetyMarginMs === undefined ? {} : { safetyMarginMs: options.safetyMarginMs }), ...(options.attempts === undefined ? {} : { attempts: options.attempts }), ...(options.settleWindowMs === undefined ? {} : { settleWindowMs: options.settleWindowMs }), ...(logger ? { logger } : {}) };
  const lines: RecoveredIntent[] = [];
  let leftToOthers = 0;
  for (const entry of await journal.entries()) {
    if (entry.settlement) continue;
    const at = now();
    // Held by its sender (still running) or by another recovery: theirs to settle. The claim decides races.
    if ((entry.holder !== holder && entry.heldUntil > at) || !(await journal.claim(entry.id, holder, at, at + holdMs(timeoutMs)))) {
      leftToOthers += 1;
      continue;
    }
    const details = { operationId: entry.operationId, method: entry.method, path: entry.path, attempt: 0 };
    const release = keepHeld(journal, entry.id, holder, now, timeoutMs, (message) => logger?.warn?.(message, details));
    let found: Reconciliation;
    try {
      found = await settleCall(via, callOf(entry), settings);
    } catch (failure) {
      // The CRM unreachable, say: it stays unknown, and open.
      found = { outcome: 'unknown', how: 'reconciliation-failed', evidence: { error: failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure) } };
    } finally {
      release();
    }
    const recorded = await journal.settle(entry.id, holder, { outcome: found.outcome, how: found.how, evidence: found.evidence, at: now() });
    logger?.info?.(`crm journal: intent ${entry.id} ${found.outcome} (${found.how})${recorded || found.outcome === 'unknown' ? '' : ', already settled by another'}`, details);
    lines.push({ id: entry.id, operationId: entry.operationId, ...(entry.reconcile ? { reconcile: entry.reconcile } : {}), sentAt: entry.sentAt, outcome: found.outcome, how: found.how, evidence: found.evidence, recorded });
  }
  if (leftToOthers > 0) logger?.info?.(`crm journal: ${leftToOthers} open intent(s) held by their sender or another recovery, left to them`, { method: '', path: '', attempt: 0 });
  return lines;
}

/** An intent as the reconcile core reads a lost call: a body without its passwords is settled by look-up only. */
const callOf = (entry: JournalEntry) => ({
  operationId: entry.operationId,
  method: entry.method,
  path: entry.params,
  sentAt: entry.sentAt,
  ...(entry.body === undefined ? {} : { body: entry.body }),
  resendable: !entry.omitted?.length,
  // The status the lost attempt was answered with (429, 5xx), as the sender recorded it: a refusal by the CRM
  // proves it cannot land later.
  ...(entry.lastAttempt?.how === 'answer-lost' && typeof entry.lastAttempt.evidence.status === 'number' ? { answeredStatus: entry.lastAttempt.evidence.status } : {}),
});
