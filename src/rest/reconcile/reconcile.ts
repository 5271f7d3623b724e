// reconcile(crm, error): settles a CrmAmbiguousOutcomeError with documented calls only. The one re-send it
// ever makes is one the CRM de-duplicates (a deposit with the same comment inside its repeat window) or
// one that cannot apply twice (approving or rejecting a request that is no longer pending is refused).
import { operations } from '../../../generated/crm-rest.operations';
import type { CrmClient } from '../types';
import { CrmAmbiguousOutcomeError, type Reconciliation } from '../../core/errors';
import { compilePathTemplate } from '../../core/path-template';
import type { OperationEntry } from '../../core/validation/types';
import { STRATEGIES } from './strategies';
import type { LostRequest, ReconcileOptions, Strategy } from './types';

export type { Reconciliation } from '../../core/errors';
export type { ReconcileOptions } from './types';

const byId = /* @__PURE__ */ (() => new Map(Object.values(operations).map((op) => [op.id, op])))();

type AnyCall = (path: string, init: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/**
 * Finds out what became of a request whose answer was lost, using documented calls only. Never applies a
 * money movement a second time; answers `unknown` (with what it saw) rather than guess.
 */
export async function reconcile(crm: CrmClient, error: CrmAmbiguousOutcomeError, options: ReconcileOptions = {}): Promise<Reconciliation> {
  const operation = byId.get(error.operationId);
  const sent = error.request;
  const settings = { now: options.now ?? Date.now, safetyMarginMs: options.safetyMarginMs ?? 30_000, attempts: options.attempts ?? 3 };
  const log: LostRequest['log'] = (step, details = {}) =>
    options.logger?.info?.(`crm reconcile: ${step}`, { operationId: error.operationId, method: sent?.method ?? '', path: operation?.path ?? '', attempt: 0, ...details });
  const strategy = operation && (STRATEGIES as Record<string, Strategy | undefined>)[operation.id];
  if (!operation || !sent || !strategy) {
    log('no documented way to look this operation up');
    return { outcome: 'unknown', how: 'none', evidence: { reason: `no documented look-up for ${error.operationId}` } };
  }
  const url = new URL(sent.url);
  const text = compilePathTemplate(operation.path)(url.pathname) ?? {};
  const path = Object.fromEntries(Object.entries(text).map(([name, value]) => [name, operation.numericPath?.includes(name) ? Number(value) : value]));
  const body = sent.body ? (JSON.parse(sent.body) as Record<string, unknown>) : {};
  const call = (crm as unknown as Record<string, AnyCall>)[operation.method] as AnyCall;
  const lost: LostRequest = {
    operation,
    sent,
    path,
    body,
    crm,
    options: settings,
    log,
    async resend() {
      try {
        const result = await call(operation.path, { params: { path }, ...(sent.body ? { body } : {}) });
        return { status: result.response.status, ...result };
      } catch (failure) {
        if (failure instanceof CrmAmbiguousOutcomeError) return undefined;
        throw failure;
      }
    },
  };
  const result = await strategy(lost);
  log(`outcome ${result.outcome} (${result.how})`);
  return result;
}
