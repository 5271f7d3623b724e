// The sandbox CRM without HTTP: routes a received request to its operation, checks it against the spec,
// applies the operation to the state, and says what to answer and which fault (if any) to apply around it.
import { requestSchemas } from '../../../generated/crm-rest.request-schemas';
import { requestValidators } from '../../core/validation/request-validators';
import { CRM_REST_FORMATS } from '../../core/validation/formats';
import { inputProblem } from '../../core/validation/messages';
import type { RequestValidator } from '../../core/validation/types';
import type { CapturedRequest } from '../http-host';
import { readJson } from '../json-body';
import { VirtualClock } from './clock';
import { FaultTable, type ArmedFault } from './faults';
import { clientOperations } from './operations/clients';
import type { OperationHandler, SandboxAnswer, SandboxContext } from './operations/context';
import { lookupOperations } from './operations/lookups';
import { reportOperations } from './operations/reports';
import { requestOperations } from './operations/requests';
import { tradingOperations } from './operations/trading';
import { walletOperations } from './operations/wallets';
import { seedFromExamples } from './seed-examples';
import { coerceParam, loadSandboxSpec, type ParamType, type SandboxOperation } from './spec-index';
import { checkFixture } from './fixture-check';
import { applyFixture, emptyState, type SandboxFixture, type SandboxState } from './state';
import { OutwardCalls, type OutwardTargets } from './outward-calls';
import { WebhookDeliverer } from './webhook-delivery';
import { eventBody, type SandboxEvent } from './webhook-events';

const HANDLERS: Record<string, OperationHandler> = {
  ...clientOperations,
  ...tradingOperations,
  ...walletOperations,
  ...requestOperations,
  ...reportOperations,
  ...lookupOperations,
};

export interface EngineOptions extends OutwardTargets {
  /** Seed of the id generator (default 1). */
  seed?: number;
  /** A fixture loaded on top of the spec's examples, at start and at every reset. */
  fixture?: SandboxFixture;
  /** Start without the spec's example data (default false). */
  empty?: boolean;
  /** The timeout of every call to the tenant's servers (default 5000 ms, the CRM's). */
  callTimeoutMs?: number;
  /** Virtual clock start (ms since the epoch); default 2024-05-10 12:00:00 UTC. */
  epochMs?: number;
}

export interface EngineOutcome {
  operationId?: string;
  answer: SandboxAnswer;
  fault?: ArmedFault;
}

const sandboxAnswer = (status: number, body: unknown): SandboxAnswer => ({ status, body });

export class SandboxEngine {
  readonly spec: SandboxOperation[];
  readonly clock: VirtualClock;
  readonly faults = new FaultTable();
  readonly webhooks: WebhookDeliverer;
  /** Every call to the tenant's servers (webhooks, PSP, rates, wallets), recorded with its verdict. */
  readonly outward: OutwardCalls;
  state: SandboxState;
  private readonly validators: Record<string, RequestValidator> = requestValidators(requestSchemas, CRM_REST_FORMATS);

  constructor(private readonly options: EngineOptions = {}) {
    // Literal paths before templated ones, so `/users/create` is never read as `/users/{id}`.
    this.spec = loadSandboxSpec().sort((a, b) => a.path.split('{').length - b.path.split('{').length);
    const missing = this.spec.filter((op) => !HANDLERS[op.id] && !EXAMPLE_ONLY.has(op.id)).map((op) => op.id);
    if (missing.length > 0) throw new Error(`sandbox: no handler for ${missing.join(', ')}`);
    this.clock = new VirtualClock(options.epochMs);
    // The webhook target is the deliverer's to set (it configures the calls too).
    this.outward = new OutwardCalls({ psp: options.psp, rates: options.rates, wallets: options.wallets }, options.callTimeoutMs);
    this.webhooks = new WebhookDeliverer(this.outward, options.webhook);
    this.state = this.initialState();
  }

  private initialState(): SandboxState {
    const state = emptyState(this.options.seed ?? 1);
    if (!this.options.empty) seedFromExamples(state, this.clock, this.spec);
    if (this.options.fixture) {
      checkFixture(this.options.fixture);
      applyFixture(state, this.clock, this.options.fixture);
    }
    return state;
  }

  /** Back to the start: initial state, clock, no faults, no deliveries. */
  reset(): void {
    this.clock.reset();
    this.faults.clear();
    this.webhooks.reset();
    this.outward.reset();
    this.state = this.initialState();
  }

  hasOperation = (id: string): boolean => this.spec.some((op) => op.id === id);

  emit(event: SandboxEvent): void {
    void this.webhooks.deliver(eventBody(event, this.clock.now()) as { source: { event: string } }, this.clock.now());
  }

  /** One REST call, already past the key/signature gate. */
  handle(request: CapturedRequest): EngineOutcome {
    const candidates = this.spec.map((op) => ({ op, params: op.match(request.path) })).filter((c) => c.params);
    if (candidates.length === 0) return { answer: sandboxAnswer(404, { type: 'not_found', detail: `no operation at ${request.path}` }) };
    const found = candidates.find((c) => c.op.method === request.method);
    if (!found) return { answer: sandboxAnswer(405, { type: 'method_not_allowed', detail: `${request.path} takes ${candidates.map((c) => c.op.method).join(', ')}` }) };
    const { op } = found;

    const search = new URLSearchParams(request.query);
    const declared = (where: Record<string, ParamType>, name: string): ParamType => (Object.hasOwn(where, name) ? where[name]! : { type: 'string' });
    const path = Object.fromEntries(Object.entries(found.params ?? {}).map(([name, text]) => [name, coerceParam(text, declared(op.params.path, name))]));
    // Own properties only: a parameter named `__proto__` is a stray field, not the object's prototype.
    const query: Record<string, unknown> = Object.create(null);
    for (const name of new Set(search.keys())) {
      const type = declared(op.params.query, name);
      query[name] = coerceParam(type.type === 'array' ? search.getAll(name) : (search.get(name) as string), type);
    }
    let body: unknown;
    if (request.body.length > 0) {
      const read = readJson(request.body);
      if ('problem' in read) return { operationId: op.id, answer: sandboxAnswer(422, { type: 'mock_request_invalid', title: 'The request breaks the spec (sandbox)', detail: read.problem }) };
      body = read.value;
    }
    const validate = this.validators[op.id];
    const input = body === undefined ? { path, query } : { path, query, body };
    const detail = validate && inputProblem(validate, input);
    if (detail) {
      return { operationId: op.id, answer: sandboxAnswer(422, { type: 'mock_request_invalid', title: 'The request breaks the spec (sandbox)', detail }) };
    }

    const fault = this.faults.take(op.id);
    if (fault?.when === 'before-commit') return { operationId: op.id, answer: sandboxAnswer(fault.status, { type: 'sandbox_fault' }), fault };
    const context: SandboxContext = { state: this.state, clock: this.clock, emit: (event) => this.emit(event) };
    const handler = HANDLERS[op.id];
    const answer = handler ? handler({ op, path, query, body: body ?? {} }, context) : { status: op.example.status, body: op.example.body };
    if (fault) return { operationId: op.id, answer: fault.kind === 'status' ? sandboxAnswer(fault.status, { type: 'sandbox_fault' }) : answer, fault };
    return { operationId: op.id, answer };
  }

  /** Adds a fixture to the current state. */
  seed(fixture: SandboxFixture): void {
    checkFixture(fixture);
    applyFixture(this.state, this.clock, fixture);
  }
}

/** Static look-ups whose documented example is the whole answer (nothing in the state changes them). */
const EXAMPLE_ONLY = new Set(['getCountries', 'getStates', 'getCities', 'getTraderRegistrationForm', 'getS3UploadSignature', 'listTradingAccountTypes', 'getCompetitionLeaderboard']);
