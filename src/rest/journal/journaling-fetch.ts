// The client's `journal`, a wrapper around the transport as autoReconcile's is: every call the spec marks as
// moving money or creating something (not `x-idempotent`, the calls the transport never repeats) is written
// down before it is sent, and its outcome once known. A call whose intent cannot be written is not sent.
// What is written: the operation, its path parameters, its reconcile-by field and value, the body as sent
// less the fields the spec marks `format: password` (the generated table lists them), and `sentAt` on the
// client's clock. Never a header: the API key and the signature are not in it; a re-send signs again.
import { CrmAmbiguousOutcomeError, CrmJournalError, CrmNotAppliedError } from '../../core/errors';
import { deleteAt, segmentsOf } from '../../core/field-paths';
import type { CrmLogger } from '../../core/logger';
import type { OperationEntry } from '../../core/validation/types';
import { getRequestContext, type TransportRequest } from '../../http/outgoing-request';
import { requestBytes } from '../../http/request-bytes';
import { reconciliationOf } from '../reconcile/auto-reconcile';
import { pathParamsOf } from '../reconcile/reconcile';
import { reconcileHandle } from '../../http/transport/retrying-fetch';
import { holdMs, keepHeld } from './hold';
import type { Journal, JournalIntent, JournalSettlement } from './types';

export interface JournalingOptions {
  /** The client's clock: `sentAt`, holds and settlements are read from it. */
  clock: () => number;
  /** The client's per-attempt timeout: how far the sender's hold reaches (hold.ts). */
  timeoutMs: number;
  logger: CrmLogger | undefined;
}

/** A random UUID (WebCrypto: every runtime the package supports; the fallback for a browser page without TLS). */
export const randomId = (): string =>
  globalThis.crypto.randomUUID?.() ?? Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');

const describe = (error: unknown): string => String((error as { code?: unknown })?.code ?? (error as Error)?.name ?? typeof error);

function intentOf(operation: OperationEntry, request: TransportRequest, text: string | undefined, sentAt: number, holder: string, heldUntil: number): JournalIntent {
  const { passwordFields } = operation;
  // The field and its value, as the transport's CrmAmbiguousOutcomeError names them (no body, or not JSON: no value).
  const reconcile = reconcileHandle(text ?? '', operation.reconcileBy);
  let body: Record<string, unknown> | undefined;
  try {
    if (text !== undefined && passwordFields) body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: with password fields in the spec, nothing of it is kept (below).
  }
  let omitted: string[] = [];
  if (text !== undefined && passwordFields) {
    if (body && typeof body === 'object') {
      omitted = passwordFields.filter((path) => deleteAt(body, segmentsOf(path)));
      if (omitted.length > 0) text = JSON.stringify(body);
    } else [text, omitted] = [undefined, ['body']];
  }
  const params = pathParamsOf(operation, request.url) ?? {};
  return {
    id: randomId(),
    operationId: operation.id,
    method: request.method,
    path: operation.path,
    params,
    ...(reconcile ? { reconcile } : {}),
    ...(text === undefined ? {} : { body: text }),
    ...(omitted.length > 0 ? { omitted } : {}),
    sentAt,
    holder,
    heldUntil,
  };
}

/** The outcome of a call that came back with an answer: the CRM's own, or the one autoReconcile settled it to. */
function answered(response: Response, at: number): JournalSettlement {
  const found = reconciliationOf(response);
  if (found) return { outcome: found.outcome, how: found.how, evidence: found.evidence, at };
  const { status } = response;
  // The transport turns 429 and 5xx into CrmAmbiguousOutcomeError for these calls: a 4xx is a refusal.
  const outcome = status >= 200 && status < 300 ? 'applied' : status >= 400 && status < 500 ? 'not_applied' : 'unknown';
  return { outcome, how: 'answer', evidence: { status }, at };
}

/** The outcome of a call that threw. */
function failed(error: unknown, at: number): JournalSettlement {
  if (error instanceof CrmNotAppliedError) return { outcome: 'not_applied', how: error.reconciliation.how, evidence: error.reconciliation.evidence, at };
  if (error instanceof CrmAmbiguousOutcomeError) {
    const { reconciliation, status } = error;
    return { outcome: 'unknown', how: reconciliation?.how ?? 'answer-lost', evidence: reconciliation?.evidence ?? { reason: error.message, ...(status === undefined ? {} : { status }) }, at };
  }
  // For a call that is not idempotent the transport throws nothing else once a byte may have reached the CRM
  // (retrying-fetch.ts): a refused connection, an abort before sending, a body it could not sign.
  return { outcome: 'not_applied', how: 'not-sent', evidence: { error: describe(error) }, at };
}

export function createJournalingFetch(
  send: (request: TransportRequest) => Promise<Response>,
  journal: Journal,
  options: JournalingOptions,
): (request: TransportRequest) => Promise<Response> {
  const { clock, timeoutMs, logger } = options;
  // This client, as a holder of the intents it sends.
  const holder = `client:${randomId()}`;
  return async (request) => {
    const context = getRequestContext(request);
    const operation = context?.operation;
    if (!operation || operation.idempotent) return send(request);
    const bodyText = request.body === null ? undefined : context.bodyText ?? new TextDecoder().decode(await requestBytes(request as Request));
    const sentAt = clock();
    const intent = intentOf(operation, request, bodyText, sentAt, holder, sentAt + holdMs(timeoutMs));
    const details = { operationId: operation.id, method: request.method, path: operation.path, attempt: 0 };
    try {
      await journal.begin(intent);
    } catch (cause) {
      // It may be written even so (a write that landed, then a failed fsync): it is closed, so that no recovery
      // sends what the caller is told was not sent.
      await journal.settle(intent.id, holder, { outcome: 'not_applied', how: 'not-sent', evidence: { reason: 'the intent could not be written' }, at: sentAt }).catch(() => false);
      throw new CrmJournalError(`${operation.id}: the journal could not write this call's intent down (${describe(cause)}), so it was not sent.`, operation.id, { cause });
    }
    const release = keepHeld(journal, intent.id, holder, clock, timeoutMs, (message) => logger?.warn?.(message, details));
    let settlement: JournalSettlement | undefined;
    try {
      const response = await send(request);
      settlement = answered(response, clock());
      return response;
    } catch (error) {
      settlement = failed(error, clock());
      throw error;
    } finally {
      release();
      // `unknown` keeps it open and ends this client's hold: recovery (or the caller's reconcile) may start now.
      if (settlement) {
        await journal.settle(intent.id, holder, settlement).catch((error: unknown) => {
          logger?.error?.('crm journal: outcome not recorded (recovery settles the intent)', { ...details, reason: describe(error) });
        });
      }
    }
  };
}
