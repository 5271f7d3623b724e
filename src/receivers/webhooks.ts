// Receiving the CRM's webhooks: verify `X-Crm-Signature` over the exact raw bytes, then hand over a typed event.
import type { webhooks } from '../../generated/crm-webhooks';
import { WebhookVerificationError } from '../core/errors';
import { DEFAULT_MAX_BODY_BYTES } from '../core/body-limits';
import { NOT_JSON, parseJson, readJsonBytes, type Refuse } from './common/request-body';
import { DEFAULT_DEADLINE_MS } from './common/deadline';
import { memoryDedupeStore, type DedupeStore } from './common/dedupe';
import { runOnce } from './common/once';
import { reportingTo, defaultReporter, reportSafely, type ReceiverErrorReporter } from './common/error-report';
import { emptyResponse, jsonResponse, type WaitUntil } from './common/answers';
import { digestHex, utf8 } from '../core/crypto-backend';
import { isPlainObject } from '../core/plain-object';
import { hexSignatureMatches } from '../core/signatures/hmac-sha256';

/** Every webhook event the CRM documents (a union; narrow it with `WebhookEventOf<'crm.webhooks…'>`). */
export type CrmWebhookEvent = {
  [Name in keyof webhooks]: webhooks[Name] extends { post: { requestBody: { content: { 'application/json': infer Body } } } } ? Body : never;
}[keyof webhooks];

/** Every event slug, e.g. `crm.webhooks.users.create`, `crm.webhooks.requests.withdrawal.approve.node.3`. */
export type CrmWebhookEventName = CrmWebhookEvent['source']['event'];

/** The event type whose `source.event` is `Name`. */
export type WebhookEventOf<Name extends CrmWebhookEventName> = CrmWebhookEvent extends infer Member
  ? Member extends { source: { event: infer Slug } }
    ? Name extends Slug
      ? Member
      : never
    : never
  : never;

/** The header's value: `sha256=<hex>` or the bare hex, with any whitespace around it. */
const HEX_SIGNATURE = /^\s*(?:sha256=)?([0-9a-f]{64})\s*$/i;
/** Every event the CRM documents is `crm.webhooks.<…>`; a name outside that shape (`__proto__`) is not an event. */
const EVENT_NAME = /^crm\.webhooks(?:\.[A-Za-z0-9_-]+)+$/;

export interface VerifyWebhookInput {
  /** The request body exactly as received: never a re-serialised object. */
  rawBody: string | Uint8Array | ArrayBuffer;
  /** The `X-Crm-Signature` header: `sha256=<hex>` or the bare hex. */
  signature: string | null | undefined;
  /** The webhook's secret token, as set in the back office. */
  secret: string;
}

/** The bytes of a body given as text, any typed array (a Buffer too) or an ArrayBuffer; undefined for anything else. */
function toBytes(raw: unknown): Uint8Array | undefined {
  if (typeof raw === 'string') return utf8(raw);
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  return Object.prototype.toString.call(raw) === '[object ArrayBuffer]' ? new Uint8Array(raw as ArrayBuffer) : undefined;
}

/** The first rule of the envelope `event` breaks, as `field: rule` (never a value); undefined for an event. */
function envelopeProblem(event: unknown): string | undefined {
  if (!isPlainObject(event)) return 'body: must be a JSON object';
  const source = event.source;
  if (!isPlainObject(source) || typeof source.event !== 'string' || !EVENT_NAME.test(source.event)) return 'source.event: must be a crm.webhooks.<name> event name';
  if (!isPlainObject(event.data)) return 'data: must be an object';
  return undefined;
}

/**
 * Checks the HMAC-SHA256 of the exact raw bytes (constant-time), then parses them. Whatever the request holds,
 * it only throws WebhookVerificationError (`reason`): the signature is missing or wrong, or the body is not an
 * event (its message names the field and the rule). A TypeError means your own `secret` is missing.
 */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<CrmWebhookEvent> {
  const { rawBody, signature, secret } = input ?? ({} as Partial<VerifyWebhookInput>);
  if (typeof secret !== 'string' || secret === '') throw new TypeError('verifyWebhook: `secret` is required');
  const given = typeof signature === 'string' ? HEX_SIGNATURE.exec(signature) : null;
  if (!given) {
    // No header (undefined or null) or an empty one is missing; anything else, of whatever type, is invalid.
    const missing = signature == null || signature === '';
    throw new WebhookVerificationError(`X-Crm-Signature ${missing ? 'is missing' : 'must be a SHA-256 hex digest'}`, missing ? 'missing_signature' : 'invalid_signature');
  }
  const bytes = toBytes(rawBody);
  if (!bytes) throw new WebhookVerificationError('rawBody: must be a string, a Uint8Array or an ArrayBuffer', 'invalid_payload');
  // The CRM's header may lack the prefix the REST signature has: its hex digits are compared either way.
  if (!(await hexSignatureMatches(bytes, given[1]!, secret))) {
    throw new WebhookVerificationError('X-Crm-Signature does not match the body', 'invalid_signature');
  }
  const event = parseJson(bytes);
  const problem = event === undefined ? NOT_JSON : envelopeProblem(event);
  if (problem) throw new WebhookVerificationError(problem, 'invalid_payload');
  return event as CrmWebhookEvent;
}

export type WebhookHandlers = { [Name in CrmWebhookEventName]?: (event: WebhookEventOf<Name>, context: { signal: AbortSignal }) => unknown };

export interface WebhookHandlerOptions {
  secret: string;
  /** Work per event slug. Unlisted events are acknowledged and ignored. */
  on: WebhookHandlers;
  /**
   * When the CRM gets its 2xx (default `'after-handling'`): `'after-handling'` once the event's handler
   * finished; `'after-persist'` once `persist` stored the event durably, the handler then running after the
   * answer (the CRM never waits on it, and its failures go to `onError`). Anything that throws or misses the
   * deadline answers non-2xx, so the CRM's delivery log shows the failure and it can be resent.
   */
  acknowledge?: 'after-handling' | 'after-persist';
  /** Durable hand-off (a queue, a table), required by `acknowledge: 'after-persist'`. */
  persist?: (event: CrmWebhookEvent, context: { key: string; signal: AbortSignal }) => Promise<unknown> | unknown;
  /**
   * The deadline of the handler (or of `persist`) and of the de-duplication store's claim, within the CRM's
   * 5-second timeout (default 4000 ms). Past it the answer is 503 and the delivery stays claimed until your code
   * actually ends (done if it returned, freed if it threw: a handler that stops on its signal should throw), so
   * a resend meanwhile gets 409 and never runs it a second time.
   */
  timeoutMs?: number;
  /**
   * De-duplication of deliveries (default: an in-memory store for this instance). Pass a shared store
   * (`redisDedupeStore`) when several instances receive, or `false` to handle every delivery. A store that
   * fails or does not answer within `timeoutMs` gets 503 `dedupe_unavailable`, and nothing runs.
   */
  dedupe?: DedupeStore | false;
  /** How long a handled delivery is remembered, to drop its duplicates (default 7 days). */
  dedupeTtlMs?: number;
  /** Largest body accepted (default 1 MiB); larger ones are refused with 413 while being read. */
  maxBodyBytes?: number;
  /** Keeps after-persist work alive on runtimes that need it (e.g. a worker's `ctx.waitUntil`). */
  waitUntil?: WaitUntil;
  /** Told when your handler or `persist` fails or times out, or the store fails (never the secret, the signature or the body). */
  onError?: ReceiverErrorReporter;
}

/**
 * The key a delivery is de-duplicated by: the event slug (it names the approval node, so each node of a
 * flow is its own delivery) and the id of what the event is about (`data.id` of a request, `data.client_id`
 * of a new user). An event with neither is keyed by the SHA-256 of its exact bytes.
 */
export async function webhookDeliveryKey(event: CrmWebhookEvent, rawBody: Uint8Array): Promise<string> {
  const data = (isPlainObject(event.data) ? event.data : {}) as { id?: unknown; client_id?: unknown };
  const id = data.id ?? data.client_id;
  if ((typeof id === 'string' && id !== '') || typeof id === 'number') return `${event.source.event}:${id}`;
  return `${event.source.event}:sha256:${await digestHex('SHA-256', rawBody)}`;
}

// A literal, not `7 * 24 * 60 * 60 * 1000`: esbuild does not fold that product whole, and a top-level product it
// cannot prove free of side effects survives tree-shaking in every bundle of this module (verifyWebhook's too).
const WEEK_MS = 604_800_000;

/** The webhook receiver's own words for a refusal of the body it reads (its 400 is `invalid_payload`). */
const refuseBody: Refuse = (status, type, message) => jsonResponse(status, { type: status === 400 ? 'invalid_payload' : type, message });

/**
 * A fetch-style receiver: checks the content type (415), the size (413), `X-Crm-Signature` (401) and the
 * envelope (400, naming the field and the rule), drops a delivery already handled (204 again), refuses one being
 * handled right now (409), then answers 204 only once the event was handled (or persisted): 500 when that failed,
 * 503 when it missed the deadline (its claim then held until it ends: done if it returned, freed if it threw) or
 * the de-duplication store failed.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  const { secret, on, persist, waitUntil } = options;
  if (typeof secret !== 'string' || secret === '') throw new TypeError('createWebhookHandler: `secret` is required');
  if (!isPlainObject(on) || !Object.values(on).every((handler) => handler === undefined || typeof handler === 'function')) throw new TypeError('createWebhookHandler: `on` must map event names to functions');
  const acknowledge = options.acknowledge ?? 'after-handling';
  if (acknowledge === 'after-persist' && typeof persist !== 'function') throw new TypeError("createWebhookHandler: `acknowledge: 'after-persist'` requires `persist`");
  if (acknowledge === 'after-handling' && persist) throw new TypeError("createWebhookHandler: `persist` is used with `acknowledge: 'after-persist'`");
  const timeoutMs = options.timeoutMs ?? DEFAULT_DEADLINE_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const ttlMs = options.dedupeTtlMs ?? WEEK_MS;
  const store = options.dedupe === false ? undefined : options.dedupe ?? memoryDedupeStore();
  const report = options.onError ?? defaultReporter;

  return reportingTo('webhooks', report, async (request) => {
    if (request.method !== 'POST') return jsonResponse(405, { type: 'method_not_allowed' });
    const read = await readJsonBytes(request, maxBodyBytes, refuseBody);
    if ('refusal' in read) return read.refusal;
    let event: CrmWebhookEvent;
    try {
      event = await verifyWebhook({ rawBody: read.bytes, signature: request.headers.get('x-crm-signature'), secret });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      return error.reason === 'invalid_payload' ? jsonResponse(400, { type: 'invalid_payload', message: error.message }) : jsonResponse(401, { type: 'invalid_signature' });
    }
    const name = event.source.event;
    // Own properties only: an event named after something every object inherits is not a handler.
    const handle = (Object.hasOwn(on, name) ? on[name as CrmWebhookEventName] : undefined) as ((e: CrmWebhookEvent, c: { signal: AbortSignal }) => unknown) | undefined;
    if (!handle && acknowledge === 'after-handling') return emptyResponse(204);

    const key = await webhookDeliveryKey(event, read.bytes);
    const step = acknowledge === 'after-persist' ? 'persist' : 'handler';
    const tell = (error: unknown, what: string) => reportSafely(report, error, { receiver: 'webhooks', step: what, event: name, key });
    const once = await runOnce(acknowledge === 'after-persist' ? (signal) => persist!(event, { key, signal }) : (signal) => handle!(event, { signal }), {
      store,
      key,
      timeoutMs,
      // A crashed process's claim lapses after this, so the resend of its delivery is handled.
      claimTtlMs: timeoutMs + 60_000,
      doneTtlMs: ttlMs,
      report: tell,
      waitUntil,
      // Durably stored: the handler runs after the answer, on a later task.
      afterDone:
        acknowledge === 'after-persist' && handle
          ? () => {
              const later = new Promise((resolve) => setTimeout(resolve, 0))
                .then(() => handle(event, { signal: new AbortController().signal }))
                .catch((error: unknown) => tell(error, 'handler'));
              waitUntil?.(later);
            }
          : undefined,
    });
    switch (once.state) {
      case 'done':
        return emptyResponse(204);
      case 'pending':
        return jsonResponse(409, { type: 'delivery_in_progress' });
      case 'store-failed':
        return jsonResponse(503, { type: 'dedupe_unavailable', message: 'the de-duplication store failed or timed out; the delivery was not handled' });
      case 'timed-out':
        tell(once.error, `${step}-timeout`);
        return jsonResponse(503, { type: 'handler_timeout' });
    }
    if (!once.outcome.ok) {
      tell(once.outcome.error, step);
      return jsonResponse(500, { type: 'handler_failed' });
    }
    return emptyResponse(204);
  });
}
