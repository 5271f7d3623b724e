// The `fetch` openapi-fetch calls: one request, sent with a per-attempt timeout, retried only when that is safe.
// Safe means the operation is idempotent in the spec (`x-idempotent`), or the connection was refused before
// any byte was written. Anything else that leaves a money-moving or creating request unsettled becomes a
// CrmAmbiguousOutcomeError, never a second request.
import { CrmAmbiguousOutcomeError, CrmConnectionError, CrmTimeoutError } from '../../core/errors';
import type { CrmLogger, CrmLogDetails } from '../../core/logger';
import { isSecretName, redactHeaders } from '../../core/redact';
import { getRequestContext, type RequestContext } from '../request-context';
import type { OperationEntry } from '../../core/validation/types';
import { requestBytes } from '../request-bytes';
import { OutgoingRequest, type TransportRequest } from '../outgoing-request';
import { backoffMs, retryAfterMs, type BackoffOptions } from './backoff';
import { createDeadlines, type Deadlines, type Expiring } from './deadlines';
import { describeFailure, isIndefiniteStatus, TRANSIENT_STATUSES, wasNotSent } from './failure';

export interface TransportOptions {
  fetch: ((request: Request, init?: RequestInit) => Promise<Response>) | undefined;
  timeoutMs: number;
  maxRetries: number;
  backoff: BackoffOptions;
  logger: CrmLogger | undefined;
  /** The clock `sentAt` is read from (ms); Date.now unless a test drives virtual time. */
  clock?: () => number;
  /** Runs once per request before its first attempt (the REST client signs here); what it throws, the call throws. */
  prepare?: (request: TransportRequest) => Promise<void> | undefined;
}

/**
 * The `init` of one attempt, and its timeout: `signal` is a getter, so the AbortSignal is made (and tied to
 * the caller's) only when the fetch reads it. Making a signal costs more than the rest of an attempt together
 * on Node 20, and a fetch that never reads it cannot be cut short anyway. A class, not closures: nothing is
 * allocated per attempt but this object.
 */
class AttemptInit implements Expiring {
  private controller: AbortController | undefined;
  timedOut = false;

  constructor(
    private readonly caller: AbortSignal | undefined,
    private readonly deadlines: Deadlines,
  ) {
    deadlines.add(this);
  }

  expire(): void {
    this.timedOut = true;
    this.controller?.abort();
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.timedOut) this.controller.abort();
      else if (this.caller?.aborted) this.controller.abort(this.caller.reason);
      else this.caller?.addEventListener('abort', this, { once: true });
    }
    return this.controller.signal;
  }

  /** The caller's signal fired (this object is its listener). */
  handleEvent(): void {
    this.controller?.abort(this.caller?.reason);
  }

  done(): void {
    this.deadlines.remove(this);
    if (this.controller) this.caller?.removeEventListener('abort', this);
  }
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (!signal) return void setTimeout(resolve, ms);
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** The Request one attempt hands a fetch that takes a Request: see the attempt in createRetryingFetch. */
function attemptRequest(request: TransportRequest, retry: number, body: string | Uint8Array | undefined): Request {
  if (request instanceof OutgoingRequest) return request.toRequest();
  if (retry === 0) return request;
  return new Request(request.url, { method: request.method, headers: request.headers, redirect: request.redirect, ...(body ? { body } : {}) });
}

/** The reconciliation handle named by `x-reconcile-by`, read from the body that was sent. */
function reconcileHandle(body: string | Uint8Array | undefined, field: string | undefined): { field: string; value: unknown } | undefined {
  if (!field || body === undefined) return undefined;
  try {
    const sent = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)) as Record<string, unknown>;
    return { field, value: isSecretName(field) ? undefined : sent[field] };
  } catch {
    return { field, value: undefined };
  }
}

function logDetails(request: TransportRequest, context: RequestContext | undefined, attemptNo: number): CrmLogDetails {
  return {
    ...(context?.operation ? { operationId: context.operation.id } : {}),
    method: request.method,
    path: context?.schemaPath ?? new URL(request.url).pathname,
    attempt: attemptNo,
  };
}

/** The error of a request that may have taken effect: what was sent, when, and how to settle it. */
function ambiguousOutcome(request: TransportRequest, operation: OperationEntry | undefined, label: string, body: string | Uint8Array | undefined, sentAt: number, reason: string, status: number | undefined, cause: unknown): CrmAmbiguousOutcomeError {
  const reconcile = reconcileHandle(body, operation?.reconcileBy);
  const how = reconcile ? ` Reconcile by \`${reconcile.field}\`${reconcile.value === undefined ? '' : ` = ${JSON.stringify(reconcile.value)}`} before trying again.` : ' Check its outcome before trying again.';
  const sent = { method: request.method, url: request.url, sentAt, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : new TextDecoder().decode(body) }) };
  return new CrmAmbiguousOutcomeError(`${label}: the request was sent and no definitive answer came back (${reason}); it was not re-sent.${how}`, operation?.id ?? label, reconcile, status, { cause, request: sent });
}

export function createRetryingFetch(options: TransportOptions): (request: TransportRequest) => Promise<Response> {
  const { timeoutMs, maxRetries, backoff, logger } = options;
  const deadlines = createDeadlines(timeoutMs);

  const fetchImpl = options.fetch ?? ((input: Request, init?: RequestInit) => globalThis.fetch(input, init));

  return async function retryingFetch(request: TransportRequest): Promise<Response> {
    const prepared = options.prepare?.(request);
    if (prepared) await prepared;
    const context = getRequestContext(request);
    const operation = context?.operation;
    // Unknown to the spec (a path outside it): only GET and HEAD are assumed safe to repeat.
    const repeatable = operation ? operation.idempotent : request.method === 'GET' || request.method === 'HEAD';
    const label = operation?.id ?? request.method;
    // Kept for a retry's copy and the reconcile handle: the serializer's text when we made the body, else its
    // bytes, read now (the first attempt spends the stream).
    const body = request.body === null ? undefined : context?.bodyText ?? (await requestBytes(request as Request));
    const caller = request.signal;
    const sentAt = (options.clock ?? Date.now)();
    const ambiguous = (reason: string, status: number | undefined, cause: unknown, attemptNo: number) => {
      logger?.error?.('crm outcome unknown', { ...logDetails(request, context, attemptNo), ...(status === undefined ? {} : { status }), reason });
      return ambiguousOutcome(request, operation, label, body, sentAt, reason, status, cause);
    };

    for (let retry = 0; ; retry++) {
      if (caller?.aborted) throw caller.reason;
      const started = logger ? performance.now() : 0;
      logger?.debug?.('crm request', { ...logDetails(request, context, retry + 1), headers: redactHeaders(request.headers) });
      // One attempt, with our signal in `init`. A call not built into a Request goes to Node's fetch as its URL
      // and init (Node builds the one Request), or built for a custom `fetch`. A Request is sent itself the
      // first time (no copy: copying one costs more than everything else this client does to it), and as a
      // fresh copy on a retry, since the first one's body stream is spent. A custom `fetch` must honour
      // `init.signal` for `timeoutMs` to cut it short.
      const init = new AttemptInit(caller, deadlines);
      let response: Response | undefined;
      let failed = false;
      let error: unknown;
      try {
        if (request instanceof OutgoingRequest && !options.fetch) response = await globalThis.fetch(request.url, request.attemptInit(init.signal));
        else response = await fetchImpl(attemptRequest(request, retry, body), init as RequestInit);
      } catch (thrown) {
        failed = true;
        error = thrown;
      } finally {
        init.done();
      }
      const canRetry = retry < maxRetries;
      let wait: number | undefined;
      let reason: string;

      if (!failed) {
        response = response!;
        const status = response.status;
        logger?.debug?.('crm response', { ...logDetails(request, context, retry + 1), status, durationMs: Math.round(performance.now() - started) });
        if (!repeatable && isIndefiniteStatus(status)) {
          await response.body?.cancel();
          throw ambiguous(`HTTP ${status}`, status, undefined, retry + 1);
        }
        if (!repeatable || !canRetry || !TRANSIENT_STATUSES.has(status)) return response;
        await response.body?.cancel();
        reason = `HTTP ${status}`;
        wait = retryAfterMs(response.headers);
      } else if (caller?.aborted) {
        if (!repeatable) throw ambiguous('aborted by the caller', undefined, error, retry + 1);
        throw caller.reason;
      } else if (init.timedOut) {
        reason = `no answer within ${timeoutMs} ms`;
        if (!repeatable) throw ambiguous(reason, undefined, error, retry + 1);
        if (!canRetry) throw new CrmTimeoutError(`${label}: ${reason} (after ${retry + 1} attempt(s))`, operation?.id, timeoutMs);
      } else {
        const notSent = wasNotSent(error);
        reason = describeFailure(error);
        if (!notSent && !repeatable) throw ambiguous(`connection lost: ${reason}`, undefined, error, retry + 1);
        if (!canRetry) {
          const what = notSent ? 'the request was not sent' : 'the connection was lost';
          throw new CrmConnectionError(`${label}: ${what} (${reason}) after ${retry + 1} attempt(s)`, operation?.id, notSent, { cause: error });
        }
      }

      const delayMs = wait ?? backoffMs(retry, backoff);
      logger?.warn?.('crm retry', { ...logDetails(request, context, retry + 1), reason, delayMs: Math.round(delayMs) });
      await sleep(delayMs, caller);
    }
  };
}
