// reconcile(crm, error): settles a CrmAmbiguousOutcomeError with documented calls only. The one re-send it
// ever makes is one the CRM de-duplicates (a deposit with the same comment inside its repeat window) or
// one that cannot apply twice (approving or rejecting a request that is no longer pending is refused).
import { operations } from '../../../generated/crm-rest.operations';
import type { CrmClient } from '../client';
import type { CrmAmbiguousOutcomeError, Reconciliation, SentRequest } from '../../core/errors';
import type { CrmLogger } from '../../core/logger';
import { compilePathTemplate } from '../../core/path-template';
import type { OperationEntry } from '../../core/validation/types';
import { STRATEGIES } from './strategies';

export type { Reconciliation } from '../../core/errors';

export interface ReconcileOptions {
  /** The clock the error's `sentAt` was read from (ms); default Date.now. */
  now?: () => number;
  /**
   * How much of the CRM's repeat window is kept back for clock skew between you and the CRM and for the
   * time the lost request spent in flight (default 30 000 ms of the 120 000 ms window): a deposit is
   * re-sent only while less than `window - margin` has passed since it was first sent.
   */
  safetyMarginMs?: number;
  /** Re-sends inside the window when the re-send's own answer is lost too (default 3). */
  attempts?: number;
  logger?: CrmLogger;
}

/** What a strategy gets: the lost request, read back into its parts, and a way to call the CRM. */
export interface LostRequest {
  operation: OperationEntry;
  sent: SentRequest;
  path: Record<string, string | number>;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The same call again, through the client (signed, validated); `undefined` when its answer was lost too. */
  resend(): Promise<{ status: number; data?: unknown; error?: unknown; response: Response } | undefined>;
  crm: CrmClient;
  options: Required<Pick<ReconcileOptions, 'now' | 'safetyMarginMs' | 'attempts'>>;
  log(step: string, details?: { status?: number; reason?: string }): void;
}

export type Strategy = (lost: LostRequest) => Promise<Reconciliation>;

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
  const strategy = operation && STRATEGIES[operation.id];
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
        if ((failure as Error)?.name === 'CrmAmbiguousOutcomeError') return undefined;
        throw failure;
      }
    },
  };
  const result = await strategy(lost);
  log(`outcome ${result.outcome} (${result.how})`);
  return result;
}
