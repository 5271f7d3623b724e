// The sandbox over HTTP: the mock's key/signature gate, then the engine; faults applied to the socket; the
// control API for its owner only; every request recorded as the mock records them. The shared host
// (http-server.ts) checks every target, caps every body and answers 500 to anything unexpected.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SignatureVersion } from '../../rest/types';
import { createAuthCheck } from '../mock/gate';
import { answerJson, createHost, listen, RequestLog, type CapturedRequest } from '../http-host';
import { readJson } from '../json-body';
import { createBackOfficeRequest, createWithdrawalRequest, decideBackOfficeRequest, decideKyc, handleControl, type BackOfficeDecision, type BackOfficeRequestInput, type KycDecision } from './control';
import type { SandboxBackOfficeRequest } from './state';
import { controlRefusal } from './control-access';
import { createSandboxOAuth } from './oauth/client-oauth';
import { SandboxEngine, type EngineOptions } from './engine';
import type { FaultRule } from './faults';
import type { SandboxAnswer } from './operations/context';
import { stateSnapshot, type SandboxFixture, type SandboxStateSnapshot, type WithdrawalRequestInput } from './state';
import type { SandboxDelivery, WebhookTarget } from './webhook-delivery';
import type { CrmCallRecord } from '../crm-calls';
import type { OutwardTargets } from './outward-calls';
import { askRate, fireWebhook, pspDeposit, syncExternalWallets, transferExternalWallet } from './outward-actions';
import { PSP_CALLBACK_PATHS, receivePspCallback } from './psp-callback';

export interface SandboxCrmOptions extends EngineOptions, OutwardTargets {
  /** The API key the sandbox accepts (and, as the CRM does, the key of the body signature). */
  apiKey: string;
  /** Key of the body signature when it is not the API key. */
  signingSecret?: string;
  /** The signature scheme this CRM checks (default 'v2'); a request signed with the other gets 403 invalid_signature. */
  signatureVersion?: SignatureVersion;
  /** Default 127.0.0.1; the control API answers its owner only (README: "Test your integration"), wherever it listens. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** How many requests to remember (oldest dropped first; default 1000), each with at most 64 KiB of its body. */
  capture?: number;
  /** Largest request body read (default 1 MiB); a larger one is answered 413 before any check. */
  maxBodyBytes?: number;
  /** Where the one line about an internal error (a 500 `sandbox_internal_error`) goes (default console.error). */
  log?: (line: string) => void;
}

export interface SandboxCrm {
  /** Base URL to give `createCrmClient`. */
  url: string;
  /** Requests received (not the control API's), oldest first; each body at most its first 64 KiB. */
  readonly requests: readonly CapturedRequest[];
  /** Back to the initial state and clock; faults, deliveries and the request log cleared. */
  reset(): void;
  /** Adds a fixture (clients, connections, accounts, wallets, withdrawal requests) to the state. */
  seed(fixture: SandboxFixture): void;
  /** The virtual clock (ms since the epoch); it moves only by `advanceClock`. */
  now(): number;
  advanceClock(ms: number): number;
  /** Arms a fault for the next `times` calls of an operation. */
  injectFault(rule: FaultRule): void;
  /** Webhook deliveries so far, once every queued one has been answered. */
  deliveries(): Promise<SandboxDelivery[]>;
  /** The whole state as JSON (amounts as decimal strings), typed. */
  state(): SandboxStateSnapshot;
  /** A pending withdrawal request, as a client would file it; approve or reject it through the REST calls. */
  createWithdrawalRequest(input: WithdrawalRequestInput): { id: string; status: string; amount: string };
  /** A back-office KYC decision for a client; fires the KYC webhook. */
  decideKyc(decision: KycDecision): { id: string; kyc_status: string };
  /** A pending transfer or prop-trading request (POST /__sandbox/back-office-requests). */
  createBackOfficeRequest(input: BackOfficeRequestInput): SandboxBackOfficeRequest;
  /** Approves one node of it, or rejects it, as the back office does; fires its webhook (POST /__sandbox/back-office-requests/decisions). */
  decideBackOfficeRequest(decision: BackOfficeDecision): SandboxBackOfficeRequest;
  /** Sets (or, with undefined, removes) where webhooks are delivered. */
  configureWebhook(target: WebhookTarget | undefined): void;
  /** Sets (or, with a key given as undefined, removes) the tenant's PSP, rate API and wallet service the sandbox calls. */
  configureCalls(targets: Omit<OutwardTargets, 'webhook'>): void;
  /** Every call the sandbox made to the tenant's servers (webhooks, PSP, rates, wallets), with its verdict, once all are answered. */
  calls(): Promise<CrmCallRecord[]>;
  /** Fires any of the 11 webhook events (the spec's example, `data` shallow-merged); resolves once it was answered. */
  fireWebhook(event: string, data?: Record<string, unknown>): Promise<{ delivery: SandboxDelivery; call?: CrmCallRecord }>;
  /** The CRM_Callback_URL to give `createPspCallbackClient` (`/pay/callback` is appended by it). */
  readonly pspCallbackUrl: string;
  /** A deposit through the tenant's PSP (POST /__sandbox/psp/deposits): the `/pay/url` call (and the rate, if the currencies differ). */
  pspDeposit(input: { user_id: string; amount: number | string; currency: string; wallet_currency?: string }): ReturnType<typeof pspDeposit>;
  /** Asks the tenant's rate API (POST /__sandbox/rates/ask). */
  askRate(input: { from: string; to: string }): ReturnType<typeof askRate>;
  /** Lists and reads a user's wallets from the tenant's wallet service (POST /__sandbox/external-wallets/sync). */
  syncExternalWallets(input: { external_user_id: string }): ReturnType<typeof syncExternalWallets>;
  /** A credit or debit of the tenant's wallet, a fresh order_id unless given (POST /__sandbox/external-wallets/transfer). */
  transferExternalWallet(input: { external_user_id: string; currency: string; amount: number | string; direction: 'credit' | 'debit'; order_id?: string }): ReturnType<typeof transferExternalWallet>;
  stop(): Promise<void>;
}

const send = (response: ServerResponse, answer: SandboxAnswer) => {
  if (answer.body === undefined) response.writeHead(answer.status).end();
  else answerJson(response, answer.status, answer.body);
};

/**
 * Starts a sandbox CRM: every REST operation of the spec answered from state (seeded from the spec's
 * examples), behind the same `key`/`signature` gate as the mock, with webhooks, a virtual clock and faults.
 */
export async function startSandboxCrm(options: SandboxCrmOptions): Promise<SandboxCrm> {
  if (typeof options?.apiKey !== 'string' || options.apiKey === '') throw new TypeError('startSandboxCrm: option `apiKey` is required and must be a non-empty string');
  const engine = new SandboxEngine(options);
  const refusal = createAuthCheck(options.apiKey, options.signingSecret || options.apiKey, options.signatureVersion);
  const log = new RequestLog(options.capture ?? 1000);
  const stalled = new Set<Socket>();
  const oauth = createSandboxOAuth(engine);
  /** The port listened on, which a control request's Host must name (known once listening). */
  let port = 0;
  const reset = () => {
    engine.reset();
    log.clear();
  };

  const server = createHost(
    async (captured, request, response) => {
      if (captured.path.startsWith('/__sandbox/')) {
        const refused = controlRefusal(request.socket.remoteAddress, captured.headers, captured.bodyBytes > 0, port);
        if (refused) return send(response, refused);
        const read = captured.body.length > 0 ? readJson(captured.body) : { value: undefined };
        if ('problem' in read) return answerJson(response, 400, { type: 'invalid_control_request', detail: read.problem });
        return send(response, await handleControl(engine, captured.method, captured.path.slice('/__sandbox/'.length), read.value, reset));
      }
      log.add(captured);
      // The CRM's PSP callback is authenticated by the crm-pay-token and `sign`, not by the REST key.
      if (PSP_CALLBACK_PATHS.has(captured.path)) return send(response, await receivePspCallback(engine, captured.method, captured.headers, captured.body));
      if (oauth.handles(captured.path)) {
        const answer = oauth.handle(captured);
        const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        response.writeHead(answer.status, { ...(answer.body !== undefined && typeof answer.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...answer.headers });
        return response.end(text);
      }
      const refused = await refusal(captured.method, captured.headers, captured.body);
      if (refused) return answerJson(response, 403, { type: refused });

      const { answer, fault } = engine.handle(captured);
      if (fault?.kind === 'reset') return request.socket.resetAndDestroy();
      if (fault?.kind === 'stall') {
        stalled.add(request.socket);
        request.socket.once('close', () => stalled.delete(request.socket));
        return;
      }
      send(response, answer);
    },
    { name: 'sandbox', maxBodyBytes: options.maxBodyBytes, log: options.log },
  );
  const listening = await listen(server, options.host, options.port);
  port = listening.port;

  return {
    url: listening.url,
    requests: log.entries,
    reset,
    seed: (fixture) => engine.seed(fixture),
    now: () => engine.clock.now(),
    advanceClock: (ms) => engine.clock.advance(ms),
    injectFault: (rule) => engine.faults.add(rule, engine.hasOperation),
    deliveries: async () => {
      await engine.webhooks.settled();
      return engine.webhooks.deliveries;
    },
    state: () => stateSnapshot(engine.state),
    createWithdrawalRequest: (input) => createWithdrawalRequest(engine, input),
    decideKyc: (decision) => decideKyc(engine, decision),
    configureWebhook: (target) => engine.webhooks.configure(target),
    createBackOfficeRequest: (input) => createBackOfficeRequest(engine, input),
    decideBackOfficeRequest: (decision) => decideBackOfficeRequest(engine, decision),
    configureCalls: (targets) => {
      if ('psp' in targets) engine.outward.configure('psp', targets.psp);
      if ('rates' in targets) engine.outward.configure('exchange-rates', targets.rates);
      if ('wallets' in targets) engine.outward.configure('external-wallets', targets.wallets);
    },
    calls: async () => {
      await engine.outward.settled();
      return engine.outward.list();
    },
    fireWebhook: (event, data) => fireWebhook(engine, event, data),
    pspCallbackUrl: `${listening.url}/api/psp`,
    pspDeposit: (input) => pspDeposit(engine, input),
    askRate: (input) => askRate(engine, input),
    syncExternalWallets: (input) => syncExternalWallets(engine, input),
    transferExternalWallet: (input) => transferExternalWallet(engine, input),
    stop: async () => {
      for (const socket of stalled) socket.destroy();
      await engine.webhooks.settled();
      await engine.outward.settled();
      await listening.stop();
    },
  };
}
