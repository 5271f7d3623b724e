// A call openapi-fetch asked us to build a Request for, kept as its URL and init while nothing but our
// transport will see it (no middleware). Node's fetch builds a Request of whatever it is given, so building
// one first makes two per call, and on Node 20 each costs about 15 µs, as much as everything else this SDK
// does to a call (loopback bench). The transport passes the URL and init straight to fetch, or builds the
// Request for a custom `fetch`, which is promised one. The fields are private, so `util.inspect` shows no body.
import type { RequestContext } from './request-context';

/** What the transport is handed: a Request, or a call not built into one. */
export type TransportRequest = Request | OutgoingRequest;

type CallInit = RequestInit & { method: string; headers: Headers };

export class OutgoingRequest {
  readonly #url: string;
  readonly #init: CallInit;
  readonly #context: RequestContext;

  constructor(url: string, init: CallInit, context: RequestContext) {
    this.#url = url;
    this.#init = init;
    this.#context = context;
  }

  get url(): string {
    return this.#url;
  }

  get method(): string {
    return this.#init.method;
  }

  get headers(): Headers {
    return this.#init.headers;
  }

  /** The caller's signal, when the call was given one. */
  get signal(): AbortSignal | undefined {
    return this.#init.signal ?? undefined;
  }

  /** Null without a body, as a Request's is (the text is in `context.bodyText`). */
  get body(): string | null {
    return this.#context.bodyText ?? null;
  }

  get context(): RequestContext {
    return this.#context;
  }

  /** What one attempt hands fetch: the call's init with the attempt's signal. */
  attemptInit(signal: AbortSignal): RequestInit {
    return { ...this.#init, signal };
  }

  /** The Request it stands for (for a custom `fetch`, which is promised one). */
  toRequest(): Request {
    return new Request(this.#url, this.#init);
  }
}
