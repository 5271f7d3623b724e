// The sandbox's calls to the tenant's servers, made as the CRM makes them (src/testing/crm-calls/), only to
// the URLs the user configured, and every one recorded with its verdict (`GET /__sandbox/calls`).
import { loggedText } from '../http-host';
import { buildCrmCall, DEFAULT_CRM_TIMEOUT_MS, recordCrmCall, sendCrmCall, type CrmCallOutcome, type CrmCallRecord, type CrmCallRequest, type CrmSurface } from '../crm-calls';

export interface WebhookTarget {
  url: string;
  secret: string;
}

/** The tenant's servers the sandbox calls, each with the secret the CRM is configured with. */
export interface OutwardTargets {
  webhook?: WebhookTarget;
  /** The PSP integration (its `/pay/url`), and the `crm-pay-token` of both directions. */
  psp?: { url: string; crmPayToken: string };
  /** The External Exchange Rates API, and its `key`. */
  rates?: { url: string; apiKey: string };
  /** The External Wallets service (`{api_url}`), and its API key. */
  wallets?: { url: string; apiKey: string };
}

/** Which target each surface calls, and the flag that sets it (what a refusal names). */
const TARGET_OF = {
  webhooks: ['webhook', '--webhook-url'],
  psp: ['psp', '--psp-url'],
  'exchange-rates': ['rates', '--rates-url'],
  'external-wallets': ['wallets', '--wallets-url'],
} as const;

export interface OutwardCall {
  record: CrmCallRecord;
  /** The exact request sent, secrets included (for the sandbox's own use, never shown). */
  sent: CrmCallRequest;
  outcome: CrmCallOutcome;
  /** The answer's body as JSON, when it is. */
  json?: unknown;
}

function checkUrl(url: unknown, flag: string): string {
  if (typeof url !== 'string') throw new TypeError(`${flag}: must be a URL`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${flag}: must be a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`${flag}: must be an http(s) URL`);
  return url;
}

/** A body as the log keeps it: at most LOGGED_BODY_BYTES (as the request log), the cut marked with the full size. */
function logged<T extends { body?: string }>(part: T): T {
  if (part.body === undefined) return part;
  const cut = loggedText(part.body);
  return cut.truncated ? { ...part, body: cut.text, bodyTruncated: true, bodyBytes: cut.bytes } : part;
}

/** The calls remembered (oldest dropped first), as the request log remembers 1000 requests: 1000 × 2 × 64 KiB at most. */
const MAX_RECORDS = 1000;

export class OutwardCalls {
  readonly records: CrmCallRecord[] = [];
  private nextId = 1;
  private inFlight = new Set<Promise<unknown>>();

  constructor(
    private targets: OutwardTargets = {},
    private readonly timeoutMs = DEFAULT_CRM_TIMEOUT_MS,
  ) {
    for (const [surface, [name]] of Object.entries(TARGET_OF)) if (targets[name]) this.configure(surface as CrmSurface, targets[name]);
  }

  /** Sets (or, with undefined, removes) where a surface's calls go. */
  configure<S extends CrmSurface>(surface: S, target: OutwardTargets[(typeof TARGET_OF)[S][0]] | undefined): void {
    const [name, flag] = TARGET_OF[surface];
    if (target !== undefined) checkUrl(target.url, flag);
    this.targets = { ...this.targets, [name]: target };
  }

  /** The PSP target: its `crm-pay-token` also authenticates the PSP's callback to the sandbox. */
  get psp(): OutwardTargets['psp'] {
    return this.targets.psp;
  }

  configured(surface: CrmSurface): boolean {
    return this.targets[TARGET_OF[surface][0]] !== undefined;
  }

  /**
   * One call of the surface (a RangeError naming the flag when no URL is configured for it), recorded when
   * answered; never re-sent.
   */
  async call(surface: CrmSurface, operation: string, input: { body?: unknown; params?: Record<string, string> } = {}): Promise<OutwardCall> {
    const [name, flag] = TARGET_OF[surface];
    const target = this.targets[name];
    if (!target) throw new RangeError(`${surface}: no URL is configured for the ${surface} calls (${flag})`);
    const secret = 'secret' in target ? target.secret : 'crmPayToken' in target ? target.crmPayToken : target.apiKey;
    const secrets = { webhookSecret: secret, crmPayToken: secret, ratesKey: secret, walletsKey: secret };
    const sent = await buildCrmCall({ surface, operation, baseUrl: target.url, secrets, ...input });
    const id = this.nextId++;
    const pending = sendCrmCall(sent, { timeoutMs: this.timeoutMs });
    this.inFlight.add(pending);
    const outcome = await pending.finally(() => this.inFlight.delete(pending));
    // Judged on the whole (1 MiB-bounded) answer; only what is kept is cut.
    const judged = recordCrmCall(id, sent, outcome);
    const record: CrmCallRecord = { ...judged, request: logged(judged.request), ...(judged.answer ? { answer: logged(judged.answer) } : {}) };
    this.records.push(record);
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
    let json: unknown;
    try {
      json = outcome.answer && outcome.answer.body.trim() !== '' ? JSON.parse(outcome.answer.body) : undefined;
    } catch {
      json = undefined;
    }
    return { record, sent, outcome, ...(json === undefined ? {} : { json }) };
  }

  /** Resolves when every call under way has been answered or has failed. */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** The records, in the order the calls were answered. */
  list(): CrmCallRecord[] {
    return [...this.records].sort((a, b) => a.id - b.id);
  }

  reset(): void {
    this.records.length = 0;
    this.nextId = 1;
  }
}
