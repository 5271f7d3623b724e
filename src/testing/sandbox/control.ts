// The sandbox's control API under /__sandbox/ (loopback callers only), and the same actions for the JS API:
// reset, seed, clock, faults, deliveries, state, withdrawal requests, KYC decisions, webhook target; and the
// sandbox's calls to the tenant's servers (outward-actions.ts) and their record.
import { crmTimestamp } from './clock';
import type { SandboxEngine } from './engine';
import type { FaultRule } from './faults';
import { checkWithdrawalRequest } from './fixture-check';
import type { SandboxAnswer } from './operations/context';
import { addWithdrawalRequest, BACK_OFFICE_REQUEST_TYPES, stateSnapshot, type BackOfficeRequestType, type SandboxBackOfficeRequest, type SandboxFixture, type WithdrawalRequestInput } from './state';
import { unitsText } from './money';
import { askRate, fireWebhook, OutwardRefusal, pspDeposit, syncExternalWallets, transferExternalWallet } from './outward-actions';

export type KycDecision = { user_id: string; decision: 'approve' | 'reject' };

/** Approves or rejects a client's KYC, as a back-office user would, and fires the KYC webhook. */
export function decideKyc(engine: SandboxEngine, { user_id, decision }: KycDecision): { id: string; kyc_status: string } {
  const client = engine.state.clients.get(user_id);
  if (!client) throw new RangeError(`user_id: no client ${user_id}`);
  if (decision !== 'approve' && decision !== 'reject') throw new RangeError('decision must be approve or reject');
  client.kyc_status = decision === 'approve' ? 'verified' : 'rejected';
  client.kyc_processing = false;
  client.updated_at = crmTimestamp(engine.clock.now());
  const requestId = engine.state.ids.id();
  engine.emit({ kind: 'kyc', client, requestId, decision });
  return { id: requestId, kyc_status: client.kyc_status };
}

export function createWithdrawalRequest(engine: SandboxEngine, input: WithdrawalRequestInput) {
  checkWithdrawalRequest(input);
  const request = addWithdrawalRequest(engine.state, engine.clock, input);
  return { ...request, amount: unitsText(request.amount) };
}

export type BackOfficeRequestInput = { type: BackOfficeRequestType; user_id: string; steps?: number };
export type BackOfficeDecision = { id: string; decision: 'approve' | 'reject' };

/** A pending transfer or prop-trading request of a client, to decide with decideBackOfficeRequest. */
export function createBackOfficeRequest(engine: SandboxEngine, input: BackOfficeRequestInput): SandboxBackOfficeRequest {
  if (!BACK_OFFICE_REQUEST_TYPES.includes(input?.type)) throw new RangeError(`type: must be one of ${BACK_OFFICE_REQUEST_TYPES.join(', ')}`);
  if (typeof input.user_id !== 'string' || !engine.state.clients.has(input.user_id)) throw new RangeError(`user_id: no client ${String(input.user_id)}`);
  const steps = input.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 1 || steps > 10) throw new RangeError('steps: must be an integer from 1 to 10');
  const request: SandboxBackOfficeRequest = { id: engine.state.ids.id(), type: input.type, user_id: input.user_id, status: 'pending', steps, approved_nodes: 0, atMs: engine.clock.now() };
  engine.state.backOfficeRequests.set(request.id, request);
  return { ...request };
}

/** One back-office decision: an approval passes one node (the last approves the request), a rejection ends it; each fires its webhook. */
export function decideBackOfficeRequest(engine: SandboxEngine, input: BackOfficeDecision): SandboxBackOfficeRequest {
  const request = typeof input?.id === 'string' ? engine.state.backOfficeRequests.get(input.id) : undefined;
  if (!request) throw new RangeError(`id: no back-office request ${String(input?.id)}`);
  if (input.decision !== 'approve' && input.decision !== 'reject') throw new RangeError("decision: must be 'approve' or 'reject'");
  if (request.status !== 'pending') throw new RangeError(`id: the request is ${request.status}, no longer pending`);
  if (input.decision === 'approve') {
    request.approved_nodes += 1;
    if (request.approved_nodes === request.steps) request.status = 'approved';
  } else request.status = 'rejected';
  engine.emit({ kind: 'back-office', request, decision: input.decision, node: input.decision === 'approve' ? request.approved_nodes : request.approved_nodes + 1 });
  return { ...request };
}

const ok = (body: unknown, status = 200): SandboxAnswer => ({ status, body });

/**
 * One control call; a RangeError or TypeError from the action becomes a 400 naming what was wrong. `reset` is
 * the server's whole reset (the engine's, and its request log).
 */
export async function handleControl(engine: SandboxEngine, method: string, route: string, body: any, reset = () => engine.reset()): Promise<SandboxAnswer> { // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    const call = `${method} ${route}`;
    switch (call) {
      case 'POST reset':
        reset();
        return ok({ reset: true });
      case 'POST seed':
        engine.seed(body as SandboxFixture);
        return ok({ seeded: true });
      case 'GET clock':
        return ok({ nowMs: engine.clock.now(), now: crmTimestamp(engine.clock.now()) });
      case 'POST clock':
        engine.clock.advance(body?.advanceMs);
        return ok({ nowMs: engine.clock.now(), now: crmTimestamp(engine.clock.now()) });
      case 'GET faults':
        return ok(engine.faults.list());
      case 'POST faults':
        engine.faults.add(body as FaultRule, engine.hasOperation);
        return ok(engine.faults.list(), 201);
      case 'DELETE faults':
        engine.faults.clear();
        return ok([]);
      case 'GET deliveries':
        await engine.webhooks.settled();
        return ok(engine.webhooks.deliveries);
      case 'GET state':
        return ok(stateSnapshot(engine.state));
      case 'POST withdrawal-requests':
        return ok(createWithdrawalRequest(engine, body), 201);
      case 'POST kyc-decisions':
        return ok(decideKyc(engine, body), 201);
      case 'POST back-office-requests':
        return ok(createBackOfficeRequest(engine, body), 201);
      case 'POST back-office-requests/decisions':
        return ok(decideBackOfficeRequest(engine, body), 201);
      case 'GET calls':
        await engine.outward.settled();
        return ok(engine.outward.list());
      case 'POST webhooks':
        return ok(await fireWebhook(engine, body?.event, body?.data), 201);
      case 'POST psp/deposits':
        return ok(await pspDeposit(engine, body), 201);
      case 'POST rates/ask':
        return ok(await askRate(engine, body));
      case 'POST external-wallets/sync':
        return ok(await syncExternalWallets(engine, body));
      case 'POST external-wallets/transfer':
        return ok(await transferExternalWallet(engine, body), 201);
      case 'POST webhook':
        engine.webhooks.configure(body?.url ? { url: String(body.url), secret: String(body.secret ?? '') } : undefined);
        return ok({ configured: engine.webhooks.configured });
      default:
        return { status: 404, body: { type: 'not_found', detail: `no control call ${method} /__sandbox/${route}` } };
    }
  } catch (error) {
    // The tenant's server gave no usable answer: nothing followed from it (the call says what came).
    if (error instanceof OutwardRefusal) return { status: 502, body: { type: error.type, detail: error.message, ...(error.call ? { call: error.call } : {}) } };
    if (error instanceof RangeError || error instanceof TypeError) return { status: 400, body: { type: 'invalid_control_request', detail: error.message } };
    throw error;
  }
}
