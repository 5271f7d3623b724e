// Delivering events to the tenant's webhook URL as the CRM does (src/testing/crm-calls/): a POST of the JSON
// body with `X-Crm-Signature: sha256=<hex HMAC-SHA256 of the exact bytes under the webhook secret>`, the CRM's
// 5-second timeout, no automatic retry (the CRM documents none), each delivery and its answer recorded (here,
// and with its verdict among the sandbox's calls).
import type { OutwardCalls, WebhookTarget } from './outward-calls';

export type { WebhookTarget } from './outward-calls';

export interface SandboxDelivery {
  /** Sequence number, from 1. */
  id: number;
  event: string;
  url: string;
  /** The exact body sent. */
  body: string;
  // Kept, unlike /calls' `[redacted]`: an HMAC of a body the user sees, under the user's own secret, is no
  // secret itself, and tests check it against the body (contract-tests/sandbox/flows.test.ts).
  signature: string;
  /** The tenant's status, or undefined when the delivery failed without one (`error` says why). */
  status?: number;
  error?: string;
  /** The time on the sandbox's clock when it was sent. */
  sentAtMs: number;
  /** Its entry in the sandbox's calls (`GET /__sandbox/calls`). */
  callId?: number;
}

/** Ordered delivery: one at a time, in the order the events happened. */
export class WebhookDeliverer {
  readonly deliveries: SandboxDelivery[] = [];
  private queue: Promise<void> = Promise.resolve();
  private nextId = 1;
  private target: WebhookTarget | undefined;

  constructor(
    private readonly calls: OutwardCalls,
    target: WebhookTarget | undefined,
  ) {
    this.configure(target);
  }

  configure(target: WebhookTarget | undefined): void {
    this.target = target;
    this.calls.configure('webhooks', target);
  }

  get configured(): boolean {
    return this.target !== undefined;
  }

  /** Queues one delivery of `body` (nothing when no URL is configured); resolves when it was answered or failed. */
  deliver(body: { source: { event: string } }, nowMs: number): Promise<SandboxDelivery | undefined> {
    const target = this.target;
    if (!target) return Promise.resolve(undefined);
    const text = JSON.stringify(body);
    const delivery: SandboxDelivery = { id: this.nextId++, event: body.source.event, url: target.url, body: text, signature: '', sentAtMs: nowMs };
    this.deliveries.push(delivery);
    const done = this.queue.then(async () => {
      try {
        const { sent, outcome, record } = await this.calls.call('webhooks', body.source.event, { body });
        delivery.signature = sent.headers['x-crm-signature']!;
        delivery.callId = record.id;
        if (outcome.answer) delivery.status = outcome.answer.status;
        else delivery.error = `${outcome.error}: ${outcome.errorDetail ?? ''}`.trim();
      } catch (error) {
        delivery.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      return delivery;
    });
    this.queue = done.then(() => undefined);
    return done;
  }

  /** Resolves when every queued delivery has been answered or has failed. */
  settled(): Promise<void> {
    return this.queue;
  }

  reset(): void {
    this.deliveries.length = 0;
    this.nextId = 1;
  }
}
