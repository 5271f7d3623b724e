// How each operation's lost answer is settled. Each strategy uses the CRM's own handle for that operation
// (`x-reconcile-by`) and documented calls only; what they cannot decide is `unknown`, with what was seen.
import { CrmApiError, type Reconciliation } from '../../core/errors';
import type { ReconcilableOperationId } from '../../../generated/crm-rest.operations';
import { paginate } from '../paginate';
import type { LostRequest, Strategy } from './types';

const DAY_MS = 86_400_000;
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const unknown = (how: string, evidence: Record<string, unknown>): Reconciliation => ({ outcome: 'unknown', how, evidence });

/**
 * The first record of a paged list that matches, with how many were looked at; a page the CRM refuses gives
 * its status and error instead (the outcome then stays unknown).
 */
async function firstMatch<T>(records: AsyncIterable<T>, matches: (record: T) => boolean): Promise<{ match?: T; seen: number } | { refused: Record<string, unknown> }> {
  let seen = 0;
  try {
    for await (const record of records) {
      seen += 1;
      if (matches(record)) return { match: record, seen };
    }
  } catch (error) {
    if (error instanceof CrmApiError) return { refused: { status: error.status, error: error.body } };
    throw error;
  }
  return { seen };
}

/**
 * Looks a deposit or withdrawal up in the transactions report by its comment, on the account it was for,
 * from the day before it was sent to the day after now (clock skew), through `paginate` (pages of 500).
 */
async function findInTransactions(lost: LostRequest, type: 'deposit' | 'withdrawal'): Promise<Reconciliation> {
  const { body, path, sent } = lost;
  const start = date(sent.sentAt - DAY_MS);
  const end = date(Math.max(lost.options.now(), sent.sentAt) + DAY_MS);
  const records = paginate(lost.crm, '/public/v1/report/transactions', { body: { start, end, type: [type], ...(body.user_id ? { user_id: body.user_id } : {}) } });
  const found = await firstMatch(records, (r) => r.comment === body.comment && r.trading_id === String(path.login) && (r.trading_connection_id === undefined || r.trading_connection_id === body.connection_id));
  if ('refused' in found) return unknown('transactions-report', found.refused);
  // Found: it applied once; the documented answer of both calls is 204.
  if (found.match) return { outcome: 'applied', how: 'transactions-report', evidence: { transaction: found.match }, result: { status: 204 } };
  // Absence is not proof: the request may still be in flight at the CRM, or the report may lag behind it.
  return unknown('transactions-report', { searched: { start, end, type, comment: body.comment, login: path.login }, transactionsSeen: found.seen });
}

const deposit: Strategy = async (lost) => {
  const window = lost.operation.repeatWindowMs ?? 0;
  for (let attempt = 1; attempt <= lost.options.attempts; attempt++) {
    const elapsed = lost.options.now() - lost.sent.sentAt;
    if (elapsed >= window - lost.options.safetyMarginMs) {
      lost.log('outside the repeat window: looking the deposit up', { reason: `${elapsed} ms since it was sent` });
      return findInTransactions(lost, 'deposit');
    }
    lost.log('inside the repeat window: re-sending with the same comment', { reason: `${elapsed} ms since it was sent` });
    const answer = await lost.resend();
    if (!answer) continue;
    if (answer.status === 204) return { outcome: 'applied', how: 'resent-within-repeat-window', evidence: { status: 204, appliedBy: 'the re-send' }, result: { status: 204 } };
    if (answer.status === 200 && (answer.data as { repeat?: boolean })?.repeat === true) {
      return { outcome: 'applied', how: 'resent-within-repeat-window', evidence: { status: 200, repeat: true, appliedBy: 'the lost request' }, result: { status: 200, body: answer.data } };
    }
    // Refused (e.g. the account is gone): neither the lost request nor the re-send applied; the refusal is the answer.
    if (answer.status === 400) return { outcome: 'not_applied', how: 'resent-within-repeat-window', evidence: { status: 400, error: answer.error }, result: { status: 400, body: answer.error } };
    return unknown('resent-within-repeat-window', { status: answer.status, error: answer.error });
  }
  return unknown('resent-within-repeat-window', { reason: `every re-send's answer was lost too (${lost.options.attempts})` });
};

const withdrawal: Strategy = (lost) => findInTransactions(lost, 'withdrawal');

// Statuses with which the CRM itself refused the lost attempt: once one came back, the CRM is done with that
// request, so it cannot land later. Not 502/504 (or any other): a gateway's answer says nothing of whether
// the CRM behind it is still working on the request.
const REFUSED_BY_THE_CRM = new Set([429, 500, 503]);

/**
 * An update's order, looked up by its `order_id`. No order found proves nothing by itself: a request whose
 * answer was lost (a timeout, a reset) may still be on its way to, or inside, the CRM and land after the
 * look-up. It is `not_applied` only once the original cannot land any more: the CRM refused it (a status
 * above), or `settleWindowMs` has passed since it was sent; before that it is `unknown`, to be looked up
 * again later (autoReconcile throws CrmAmbiguousOutcomeError; the journal keeps the intent open).
 */
const walletUpdate: Strategy = async (lost) => {
  const order = await lost.crm.GET('/public/v1/wallets/balance/{order_id}', { params: { path: { order_id: lost.body.order_id } } });
  if (order.data?.status === 'success') return { outcome: 'applied', how: 'order-status', evidence: { order: order.data }, result: { status: 200, body: {} } };
  if (order.data?.status === 'failed') return { outcome: 'not_applied', how: 'order-status', evidence: { order: order.data } };
  if (order.error?.type === 'order_not_found') {
    const evidence = { status: 400, error: order.error };
    const refused = lost.answeredStatus !== undefined && REFUSED_BY_THE_CRM.has(lost.answeredStatus);
    if (refused) return { outcome: 'not_applied', how: 'order-status', evidence: { ...evidence, refusedWith: lost.answeredStatus } };
    const elapsed = lost.options.now() - lost.sent.sentAt;
    if (elapsed >= lost.options.settleWindowMs) return { outcome: 'not_applied', how: 'order-status', evidence: { ...evidence, elapsedMs: elapsed } };
    lost.log('no such order yet, and the lost update may still land: look again later', { reason: `${elapsed} ms since it was sent` });
    return unknown('order-status', { ...evidence, elapsedMs: elapsed, reason: `not found ${elapsed} ms after it was sent: it may still land (settled after ${lost.options.settleWindowMs} ms)` });
  }
  return unknown('order-status', { status: order.response.status, order: order.data, error: order.error });
};

/** Approve and reject: a request no longer pending refuses both, so one re-send cannot decide it twice. */
const decision: Strategy = async (lost) => {
  for (let attempt = 1; attempt <= lost.options.attempts; attempt++) {
    lost.log('re-sending the decision (a decided request refuses it)');
    const answer = await lost.resend();
    if (!answer) continue;
    if (answer.status >= 200 && answer.status < 300) return { outcome: 'applied', how: 'resent-decision', evidence: { status: answer.status, appliedBy: 'the re-send' }, result: { status: answer.status, body: answer.data } };
    if ((answer.error as { type?: string })?.type === 'request_status_not_pending') {
      return { outcome: 'already_decided', how: 'resent-decision', evidence: { status: answer.status, error: answer.error }, result: { status: answer.status, body: answer.error } };
    }
    return unknown('resent-decision', { status: answer.status, error: answer.error });
  }
  return unknown('resent-decision', { reason: `every re-send's answer was lost too (${lost.options.attempts})` });
};

/** A created client is found by the id the caller chose, else by its e-mail in the client list. */
const createdClient: Strategy = async (lost) => {
  const { body } = lost;
  if (body.id) {
    const found = await lost.crm.GET('/public/v1/users/{id}', { params: { path: { id: body.id } } });
    if (found.data?.email?.toLowerCase() === String(body.email).toLowerCase()) return { outcome: 'applied', how: 'client-lookup', evidence: { id: found.data.id }, result: { status: 201, body: { id: found.data.id } } };
  }
  const found = await firstMatch(paginate(lost.crm, '/public/v1/users', { params: { query: {} } }), (c) => c.email?.toLowerCase() === String(body.email).toLowerCase());
  if ('refused' in found) return unknown('client-lookup', found.refused);
  if (found.match) return { outcome: 'applied', how: 'client-lookup', evidence: { id: found.match.id }, result: { status: 201, body: { id: found.match.id } } };
  return unknown('client-lookup', { searched: 'client list by e-mail', clientsSeen: found.seen });
};

// Keyed by the generated list of operations with `x-reconcile-by`: one that gains it without a strategy here
// fails the type-check (npm test), instead of silently reconciling as `unknown`.
export const STRATEGIES: Record<ReconcilableOperationId, Strategy> = {
  depositToMt4Account: deposit,
  withdrawFromMt4Account: withdrawal,
  updateWalletBalance: walletUpdate,
  approveWithdrawalRequest: decision,
  rejectWithdrawalRequest: decision,
  createClient: createdClient,
};
