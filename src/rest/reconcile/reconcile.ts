// reconcile(crm, error): settles a CrmAmbiguousOutcomeError with documented calls only. The one re-send it
// ever makes is one the CRM de-duplicates (a deposit with the same comment inside its repeat window) or
// one that cannot apply twice (approving or rejecting a request that is no longer pending is refused).
// settleCall is the core both it and the intent journal's recovery use: a call read back into its parts.
import { operations } from '../../../generated/crm-rest.operations';
import type { CrmClient } from '../types';
import { CrmAmbiguousOutcomeError, type Reconciliation } from '../../core/errors';
import { compilePathTemplate, type PathMatcher } from '../../core/path-template';
import type { OperationEntry } from '../../core/validation/types';
import { STRATEGIES } from './strategies';
import type { LostRequest, ReconcileOptions, Strategy, UnsettledCall } from './types';
import { recoveryClientOf } from '../journal/recovery-client';

export type { Reconciliation } from '../../core/errors';
export type { ReconcileOptions, UnsettledCall } from './types';

const byId = /* @__PURE__ */ (() => new Map(Object.values(operations).map((op) => [op.id, op])))();

type AnyCall = (path: string, init: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** The path's parameters as the spec types them (a URL holds text). */
const typedParams = (operation: OperationEntry, params: Record<string, string | number>): Record<string, string | number> =>
  Object.fromEntries(Object.entries(params).map(([name, value]) => [name, operation.numericPath?.includes(name) ? Number(value) : value]));

const matchers = /* @__PURE__ */ new Map<string, PathMatcher>();

/** The path's parameters of a call to `operation` at `url`, typed as the spec types them; undefined when it does not match. */
export function pathParamsOf(operation: OperationEntry, url: string): Record<string, string | number> | undefined {
  let match = matchers.get(operation.path);
  if (!match) matchers.set(operation.path, (match = compilePathTemplate(operation.path)));
  const found = match(new URL(url).pathname);
  return found && typedParams(operation, found);
}

/** Thrown by a re-send the call cannot make (its body lacks what the journal never keeps). */
const NOT_RESENDABLE = Symbol('not resendable');

/**
 * Finds out what became of a request whose answer was lost, using documented calls only. Never applies a
 * money movement a second time; answers `unknown` (with what it saw) rather than guess.
 */
export async function reconcile(crm: CrmClient, error: CrmAmbiguousOutcomeError, options: ReconcileOptions = {}): Promise<Reconciliation> {
  const operation = byId.get(error.operationId);
  const sent = error.request;
  const path = operation && sent ? pathParamsOf(operation, sent.url) : undefined;
  const call = sent && { operationId: error.operationId, method: sent.method, sentAt: sent.sentAt, body: sent.body, answeredStatus: error.status };
  // `sentAt` was read on the clock of the client that sent it: the window is measured on that clock too (a
  // client on a sandbox's virtual clock, say), unless told otherwise; the wall clock only when neither has one.
  const now = options.now ?? recoveryClientOf(crm)?.clock ?? sent?.clock ?? Date.now;
  return settleCall(crm, call && { ...call, path: path ?? {} }, { ...options, now });
}

/**
 * The outcome of one call that may or may not have taken effect, by the strategy of its operation
 * (strategies.ts). `undefined` (nothing known of what was sent) is `unknown`.
 */
export async function settleCall(crm: CrmClient, call: (UnsettledCall & { operationId: string }) | undefined, options: ReconcileOptions = {}): Promise<Reconciliation> {
  const operationId = call?.operationId ?? '';
  const operation = byId.get(operationId);
  // settleWindowMs (x-decision, no page gives one): the CRM's documented repeat window (120 s, deposits), the
  // only horizon it states for a request still counting as the same one; four times the default timeout.
  const settings = { now: options.now ?? Date.now, safetyMarginMs: options.safetyMarginMs ?? 30_000, attempts: options.attempts ?? 3, settleWindowMs: options.settleWindowMs ?? 120_000 };
  const log: LostRequest['log'] = (step, details = {}) =>
    options.logger?.info?.(`crm reconcile: ${step}`, { operationId, method: call?.method ?? '', path: operation?.path ?? '', attempt: 0, ...details });
  const strategy = operation && (STRATEGIES as Record<string, Strategy | undefined>)[operation.id];
  if (!operation || !call || !strategy) {
    log('no documented way to look this operation up');
    return { outcome: 'unknown', how: 'none', evidence: { reason: `no documented look-up for ${operationId}` } };
  }
  const path = typedParams(operation, call.path);
  const body = call.body ? (JSON.parse(call.body) as Record<string, unknown>) : {};
  const send = (crm as unknown as Record<string, AnyCall>)[operation.method] as AnyCall;
  const lost: LostRequest = {
    operation,
    sent: call,
    path,
    body,
    answeredStatus: call.answeredStatus,
    crm,
    options: settings,
    log,
    async resend() {
      if (call.resendable === false) throw NOT_RESENDABLE;
      try {
        const result = await send(operation.path, { params: { path }, ...(call.body ? { body } : {}) });
        return { status: result.response.status, ...result };
      } catch (failure) {
        if (failure instanceof CrmAmbiguousOutcomeError) return undefined;
        throw failure;
      }
    },
  };
  let result: Reconciliation;
  try {
    result = await strategy(lost);
  } catch (failure) {
    if (failure !== NOT_RESENDABLE) throw failure;
    result = { outcome: 'unknown', how: 'none', evidence: { reason: `${operationId} is settled by a re-send, and what was kept of it leaves out fields a re-send needs (format: password)` } };
  }
  log(`outcome ${result.outcome} (${result.how})`);
  return result;
}
