// A call openapi-fetch asked us to build a Request for, kept as its URL and init while nothing but our
// transport will see it (no middleware). Node's fetch builds a Request of whatever it is given, so building
// one first makes two per call, and on Node 20 each costs about 15 µs, as much as everything else this SDK
// does to a call (loopback bench). The transport passes the URL and init straight to fetch, or builds the
// Request for a custom `fetch`, which is promised one. The fields are private, so `util.inspect` shows no body.
import type { OperationEntry } from '../core/validation/types';

// What the transport needs to know about a request that openapi-fetch does not hand to `fetch`: which
// operation it is. Set as the Request is built (operation-client.ts), read by the transport and the signer.
export interface RequestContext {
  operation: OperationEntry | undefined;
  schemaPath: string;
  /** The serialized body, exactly as sent, when our serializer produced it. */
  bodyText?: string | undefined;
  /** The call's `parseAs` (undefined: the default, `json`): only a JSON answer is checked to be JSON. */
  parseAs?: string | undefined;
}

// A non-enumerable, symbol-keyed property of the Request: invisible to enumeration, JSON and inspection in
// every runtime (the body text may hold a password), and, unlike a WeakMap entry, nothing for the garbage
// collector to do.
const CONTEXT = Symbol('crm-open-api.request-context');
type Tagged = Request & { [CONTEXT]?: RequestContext };

export const setRequestContext = (request: Request, context: RequestContext): void => {
  Object.defineProperty(request, CONTEXT, { value: context, configurable: true });
};

export const getRequestContext = (request: Request | OutgoingRequest): RequestContext | undefined =>
  request instanceof OutgoingRequest ? request.context : (request as Tagged)[CONTEXT];

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
