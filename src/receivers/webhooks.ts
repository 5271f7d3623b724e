// Receiving the CRM's webhooks: verify `X-Crm-Signature` over the exact raw bytes, then hand over a typed event.
import type { webhooks } from '../../generated/crm-webhooks';
import { CrmError } from '../core/errors';
import { readJsonBody, DEFAULT_MAX_BODY_BYTES } from './common/request-body';
import { DEFAULT_DEADLINE_MS, withDeadline } from './common/deadline';
import { memoryDedupeStore, type DedupeStore } from './common/dedupe';
import { defaultReporter, reportSafely, type ReceiverErrorReporter } from './common/error-report';
import { json, type WaitUntil } from './common/answers';
import { digestHex } from '../core/crypto-backend';
import { verifySignature } from '../core/signatures/hmac-sha256';

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

export type WebhookVerificationReason = 'missing_signature' | 'invalid_signature' | 'invalid_payload';

export class WebhookVerificationError extends CrmError {
  override name = 'WebhookVerificationError';
  constructor(
    message: string,
    readonly reason: WebhookVerificationReason,
  ) {
    super(message);
  }
}

const HEX_SIGNATURE = /^(?:sha256=)?([0-9a-f]{64})$/i;

export interface VerifyWebhookInput {
  /** The request body exactly as received: never a re-serialised object. */
  rawBody: string | Uint8Array | ArrayBuffer;
  /** The `X-Crm-Signature` header: `sha256=<hex>` or the bare hex. */
  signature: string | null | undefined;
  /** The webhook's secret token, as set in the back office. */
  secret: string;
}

const toBytes = (raw: VerifyWebhookInput['rawBody']): Uint8Array =>
  typeof raw === 'string' ? new TextEncoder().encode(raw) : raw instanceof Uint8Array ? raw : new Uint8Array(raw);

/**
 * Checks the HMAC-SHA256 of the exact raw bytes (constant-time), then parses them. Throws
 * WebhookVerificationError (`reason`) when the signature is missing or wrong or the body is not an event.
 */
export async function verifyWebhook({ rawBody, signature, secret }: VerifyWebhookInput): Promise<CrmWebhookEvent> {
  if (typeof secret !== 'string' || secret === '') throw new TypeError('verifyWebhook: `secret` is required');
  const given = typeof signature === 'string' ? HEX_SIGNATURE.exec(signature.trim()) : null;
  if (!given) throw new WebhookVerificationError('X-Crm-Signature is missing or is not a SHA-256 hex digest', typeof signature === 'string' && signature !== '' ? 'invalid_signature' : 'missing_signature');
  const bytes = toBytes(rawBody);
  // The CRM's header may lack the prefix the REST signature has; with it restored, the check is the same.
  if (!(await verifySignature(bytes, `sha256=${given[1]}`, secret))) {
    throw new WebhookVerificationError('X-Crm-Signature does not match the body', 'invalid_signature');
  }
  let event: unknown;
  try {
    event = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new WebhookVerificationError('the body is not UTF-8 JSON', 'invalid_payload');
  }
  const source = (event as { source?: { event?: unknown } } | null)?.source;
  if (typeof source?.event !== 'string' || typeof (event as { data?: unknown }).data !== 'object') {
    throw new WebhookVerificationError('the body is not a webhook event (source.event and data are required)', 'invalid_payload');
  }
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
  /** The deadline of the handler (or of `persist`), within the CRM's 5-second timeout (default 4000 ms). */
  timeoutMs?: number;
  /**
   * De-duplication of deliveries (default: an in-memory store for this instance). Pass a shared store
   * (`redisDedupeStore`) when several instances receive, or `false` to handle every delivery.
   */
  dedupe?: DedupeStore | false;
  /** How long a handled delivery is remembered, to drop its duplicates (default 7 days). */
  dedupeTtlMs?: number;
  /** Largest body accepted (default 1 MiB); larger ones are refused with 413 while being read. */
  maxBodyBytes?: number;
  /** Keeps after-persist work alive on runtimes that need it (e.g. a worker's `ctx.waitUntil`). */
  waitUntil?: WaitUntil;
  /** Told when your handler or `persist` fails or times out (never the secret, the signature or the body). */
  onError?: ReceiverErrorReporter;
}

/**
 * The key a delivery is de-duplicated by: the event slug (it names the approval node, so each node of a
 * flow is its own delivery) and the id of what the event is about (`data.id` of a request, `data.client_id`
 * of a new user). An event with neither is keyed by the SHA-256 of its exact bytes.
 */
export async function webhookDeliveryKey(event: CrmWebhookEvent, rawBody: Uint8Array): Promise<string> {
  const data = event.data as { id?: unknown; client_id?: unknown };
  const id = data.id ?? data.client_id;
  if ((typeof id === 'string' && id !== '') || typeof id === 'number') return `${event.source.event}:${id}`;
  return `${event.source.event}:sha256:${await digestHex('SHA-256', rawBody)}`;
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A fetch-style receiver: checks the content type (415), the size (413), `X-Crm-Signature` (401) and the
 * envelope (400), drops a delivery already handled (204 again), refuses one being handled elsewhere right
 * now (409), then answers 204 only once the event was handled (or persisted): 500 when that failed and 503
 * when it missed the deadline, leaving no claim behind so the resend is handled.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  const { secret, on, persist, waitUntil } = options;
  if (typeof secret !== 'string' || secret === '') throw new TypeError('createWebhookHandler: `secret` is required');
  const acknowledge = options.acknowledge ?? 'after-handling';
  if (acknowledge === 'after-persist' && typeof persist !== 'function') throw new TypeError("createWebhookHandler: `acknowledge: 'after-persist'` requires `persist` (a durable hand-off)");
  if (acknowledge === 'after-handling' && persist) throw new TypeError("createWebhookHandler: `persist` is used with `acknowledge: 'after-persist'`");
  const timeoutMs = options.timeoutMs ?? DEFAULT_DEADLINE_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const ttlMs = options.dedupeTtlMs ?? WEEK_MS;
  const store = options.dedupe === false ? undefined : options.dedupe ?? memoryDedupeStore();
  const report = options.onError ?? defaultReporter;

  return async (request) => {
    if (request.method !== 'POST') return json(405, { type: 'method_not_allowed' });
    const read = await readJsonBody(request, maxBodyBytes);
    if ('refusal' in read) return read.refusal;
    let event: CrmWebhookEvent;
    try {
      event = await verifyWebhook({ rawBody: read.bytes, signature: request.headers.get('x-crm-signature'), secret });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      return error.reason === 'invalid_payload' ? json(400, { type: 'invalid_payload' }) : json(401, { type: 'invalid_signature' });
    }
    const name = event.source.event;
    const handle = on[name as CrmWebhookEventName] as ((e: CrmWebhookEvent, c: { signal: AbortSignal }) => unknown) | undefined;
    if (!handle && acknowledge === 'after-handling') return new Response(null, { status: 204 });

    const key = await webhookDeliveryKey(event, read.bytes);
    // The claim outlives the deadline a little, so a crashed process's claim lapses and the resend is handled.
    const claim = store ? await store.claim(key, timeoutMs + 60_000) : 'claimed';
    if (claim === 'done') return new Response(null, { status: 204 });
    if (claim === 'pending') return json(409, { type: 'delivery_in_progress' });

    const step = acknowledge === 'after-persist' ? 'persist' : 'handler';
    const work = acknowledge === 'after-persist' ? (signal: AbortSignal) => persist!(event, { key, signal }) : (signal: AbortSignal) => handle!(event, { signal });
    const settled = await withDeadline(work, timeoutMs);
    if (!settled.ok) {
      await store?.release(key);
      reportSafely(report, settled.error, { receiver: 'webhooks', step: settled.timedOut ? `${step}-timeout` : step, event: name, key });
      return settled.timedOut ? json(503, { type: 'handler_timeout' }) : json(500, { type: 'handler_failed' });
    }
    await store?.complete(key, ttlMs);
    if (acknowledge === 'after-persist' && handle) {
      // Durably stored: the handler runs after the answer, on a later task.
      const later = new Promise((resolve) => setTimeout(resolve, 0))
        .then(() => handle(event, { signal: new AbortController().signal }))
        .catch((error: unknown) => reportSafely(report, error, { receiver: 'webhooks', step: 'handler', event: name, key }));
      waitUntil?.(later);
    }
    return new Response(null, { status: 204 });
  };
}
