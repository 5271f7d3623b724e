// Receiving the CRM's webhooks: verify `X-Crm-Signature` over the exact raw bytes, then hand over a typed event.
import type { webhooks } from '../generated/crm-webhooks';
import { CrmError } from './errors';
import { json, type WaitUntil } from './handlers/respond';
import { verifySignature } from './signature';

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

export type WebhookHandlers = { [Name in CrmWebhookEventName]?: (event: WebhookEventOf<Name>) => unknown };

export interface WebhookHandlerOptions {
  secret: string;
  /** Work per event slug; it runs after the CRM has its 204. Unlisted events are acknowledged and ignored. */
  on: WebhookHandlers;
  /** Keeps the work alive after the answer on runtimes that need it (e.g. a worker's `ctx.waitUntil`). */
  waitUntil?: WaitUntil;
  /** Called when a handler throws or rejects (the CRM has already been answered). Default: console.error. */
  onError?: (error: unknown, event: CrmWebhookEvent) => void;
}

/**
 * A fetch-style receiver: 204 as soon as the signature and envelope check out (the CRM times out after 5 s),
 * then the event's handler runs; 401 on a missing or wrong signature, 400 on a body that is not an event,
 * 405 on anything but POST.
 */
export function createWebhookHandler({ secret, on, waitUntil, onError }: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  if (typeof secret !== 'string' || secret === '') throw new TypeError('createWebhookHandler: `secret` is required');
  const report = onError ?? ((error: unknown) => console.error('crm webhook handler failed:', error instanceof Error ? error.message : error));
  return async (request) => {
    if (request.method !== 'POST') return json(405, { type: 'method_not_allowed' });
    let event: CrmWebhookEvent;
    try {
      event = await verifyWebhook({ rawBody: await request.arrayBuffer(), signature: request.headers.get('x-crm-signature'), secret });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      return error.reason === 'invalid_payload' ? json(400, { type: 'invalid_payload' }) : json(401, { type: 'invalid_signature' });
    }
    const handle = on[event.source.event as CrmWebhookEventName] as ((e: CrmWebhookEvent) => unknown) | undefined;
    if (handle) {
      // Started on a later task, so the 204 is written before the tenant's work begins.
      const work = new Promise((resolve) => setTimeout(resolve, 0))
        .then(() => handle(event))
        .catch((error: unknown) => report(error, event));
      waitUntil?.(work);
    }
    return new Response(null, { status: 204 });
  };
}
