// The client's `autoReconcile`: a lost answer is settled before the caller sees it. Settled with an answer
// (applied, already decided, or refused on re-send) → that answer, marked `x-crm-reconciled: <how>`;
// provably not applied without one → CrmNotAppliedError; still unknown → the CrmAmbiguousOutcomeError,
// with `reconciliation` attached.
import type { CrmClient } from '../types';
import { CrmAmbiguousOutcomeError, CrmNotAppliedError, type Reconciliation } from '../../core/errors';
import type { TransportRequest } from '../../http/outgoing-request';
import { reconcile } from './reconcile';
import type { ReconcileOptions } from './types';

// The reconciliation behind each answer it made up, for the intent journal to record as the call's outcome.
const settledBy = /* @__PURE__ */ new WeakMap<Response, Reconciliation>();

/** How an answer of the reconciling fetch was settled; undefined for the CRM's own answer. */
export const reconciliationOf = (response: Response): Reconciliation | undefined => settledBy.get(response);

export function createReconcilingFetch(
  send: (request: TransportRequest) => Promise<Response>,
  reconciler: () => CrmClient,
  options: ReconcileOptions,
): (request: TransportRequest) => Promise<Response> {
  return async (request) => {
    try {
      return await send(request);
    } catch (error) {
      if (!(error instanceof CrmAmbiguousOutcomeError)) throw error;
      let found: Reconciliation;
      try {
        found = await reconcile(reconciler(), error, options);
      } catch (failure) {
        // The look-up itself failed (the CRM unreachable, say): the outcome stays unknown, and the caller keeps
        // the original error with what the attempt ran into.
        error.reconciliation = { outcome: 'unknown', how: 'reconciliation-failed', evidence: { error: failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure) } };
        throw error;
      }
      if (found.outcome !== 'unknown' && found.result) {
        const { status, body } = found.result;
        const headers = { 'x-crm-reconciled': found.how, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
        const answer = new Response(body === undefined ? null : JSON.stringify(body), { status, headers });
        settledBy.set(answer, found);
        return answer;
      }
      if (found.outcome === 'not_applied') {
        throw new CrmNotAppliedError(`${error.operationId}: the lost request did not take effect (${found.how}); it is safe to send again.`, error.operationId, error.reconcile, found);
      }
      error.reconciliation = found;
      throw error;
    }
  };
}
