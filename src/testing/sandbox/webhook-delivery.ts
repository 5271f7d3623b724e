// Delivering events to the tenant's webhook URL as the CRM does: a POST of the JSON body with
// `X-Crm-Signature: sha256=<hex HMAC-SHA256 of the exact bytes under the webhook secret>`, a 5-second
// timeout, no automatic retry (the CRM documents none), and every delivery and its answer recorded.
import { signPayload } from '../../core/signatures/hmac-sha256';

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface SandboxDelivery {
  /** Sequence number, from 1. */
  id: number;
  event: string;
  url: string;
  /** The exact body sent. */
  body: string;
  signature: string;
  /** The tenant's status, or undefined when the delivery failed without one (`error` says why). */
  status?: number;
  error?: string;
  /** The time on the sandbox's clock when it was sent. */
  sentAtMs: number;
}

/** Ordered delivery: one at a time, in the order the events happened. */
export class WebhookDeliverer {
  readonly deliveries: SandboxDelivery[] = [];
  private queue: Promise<void> = Promise.resolve();
  private nextId = 1;

  constructor(
    private target: WebhookTarget | undefined,
    private readonly timeoutMs = 5000,
  ) {}

  configure(target: WebhookTarget | undefined): void {
    this.target = target;
  }

  get configured(): boolean {
    return this.target !== undefined;
  }

  /** Queues one delivery of `body` (nothing when no URL is configured). */
  deliver(body: { source: { event: string } }, nowMs: number): void {
    const target = this.target;
    if (!target) return;
    const text = JSON.stringify(body);
    const delivery: SandboxDelivery = {
      id: this.nextId++,
      event: body.source.event,
      url: target.url,
      body: text,
      // Signed with the package's own HMAC as it is queued; the tests check it with an independent copy.
      signature: '',
      sentAtMs: nowMs,
    };
    this.deliveries.push(delivery);
    this.queue = this.queue.then(async () => {
      delivery.signature = await signPayload(text, target.secret);
      try {
        const answer = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-crm-signature': delivery.signature },
          body: text,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        delivery.status = answer.status;
        await answer.body?.cancel();
      } catch (error) {
        delivery.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    });
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
