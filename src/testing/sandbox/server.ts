// The sandbox over HTTP: the mock's key/signature gate, then the engine; faults applied to the socket; the
// control API for its owner only; every request recorded as the mock records them. The shared host
// (http-server.ts) checks every target, caps every body and answers 500 to anything unexpected.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SignatureVersion } from '../../rest/types';
import { createAuthCheck } from '../mock/gate';
import { answerJson, createHost, listen, RequestLog, type CapturedRequest } from '../http-host';
import { readJson } from '../json-body';
import { createWithdrawalRequest, decideKyc, handleControl, type KycDecision } from './control';
import { controlRefusal } from './control-access';
import { createSandboxOAuth } from './oauth/client-oauth';
import { SandboxEngine, type EngineOptions } from './engine';
import type { FaultRule } from './faults';
import type { SandboxAnswer } from './operations/context';
import { stateSnapshot, type SandboxFixture, type SandboxStateSnapshot, type WithdrawalRequestInput } from './state';
import type { SandboxDelivery, WebhookTarget } from './webhook-delivery';

export interface SandboxCrmOptions extends EngineOptions {
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
  /** Sets (or, with undefined, removes) where webhooks are delivered. */
  configureWebhook(target: WebhookTarget | undefined): void;
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
    stop: async () => {
      for (const socket of stalled) socket.destroy();
      await engine.webhooks.settled();
      await listening.stop();
    },
  };
}
