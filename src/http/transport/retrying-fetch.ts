// The `fetch` openapi-fetch calls: one request, sent with a per-attempt timeout, retried only when that is safe.
// Safe means the operation is idempotent in the spec (`x-idempotent`), or the connection was refused before
// any byte was written. Anything else that leaves a money-moving or creating request unsettled becomes a
// CrmAmbiguousOutcomeError, never a second request. Every answer is hostile until checked: a redirect is never
// followed (the request carries `key`, `signature` and a signed body), and the body is read here, whole, within
// the attempt's timeout and `maxResponseBytes`, and checked (a 2xx must be JSON) before openapi-fetch sees it.
import { CrmAmbiguousOutcomeError, CrmConnectionError, CrmRedirectError, CrmTimeoutError, CrmUnreadableResponseError } from '../../core/errors';
import { segmentsOf, valuesAt } from '../../core/field-paths';
import type { CrmLogger, CrmLogDetails } from '../../core/logger';
import { isSecretName, redactHeaders, redactSecretsIn, secretSpellings } from '../../core/redact';
import { getRequestContext, type RequestContext } from '../outgoing-request';
import type { OperationEntry } from '../../core/validation/types';
import { requestBytes } from '../request-bytes';
import { OutgoingRequest, type TransportRequest } from '../outgoing-request';
import { backoffMs, retryAfterMs, type BackoffOptions } from './backoff';
import { createDeadlines, type Deadlines, type Expiring } from './deadlines';
import { describeFailure, isIndefiniteStatus, redirectOf, TRANSIENT_STATUSES, wasNotSent, type Redirect } from './failure';
import { answeredFrom, decodeBody, readBody, type BodyRead } from './read-body';

/** The default `maxResponseBytes`: 32 MiB, far above any page the CRM sends (500 records). */
export const DEFAULT_MAX_RESPONSE_BYTES = 33_554_432;

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
  /** The largest answer body read (default DEFAULT_MAX_RESPONSE_BYTES); a larger one is cut off while reading. */
  maxResponseBytes?: number;
  /** Values an error answer must not hand back (the API key, the signing secret): redacted from its body. */
  secrets?: readonly (string | undefined)[];
}

/**
 * The `init` of one attempt, and its timeout, which runs until the answer's body is read: `signal` is a
 * getter, so the AbortSignal is made (and tied to the caller's) only when the fetch reads it. Making a signal
 * costs more than the rest of an attempt together on Node 20, and a fetch that never reads it cannot be cut
 * short anyway; the body read can, by cancelling it. `redirect: 'manual'` overrides whatever the Request says
 * (a middleware's, say). A class, not closures: nothing is allocated per attempt but this object.
 */
class AttemptInit implements Expiring, BodyRead {
  readonly redirect = 'manual' as const;
  // ES private fields: the minifier shortens their names (it keeps TypeScript's `private` ones whole).
  #controller: AbortController | undefined;
  readonly #caller: AbortSignal | undefined;
  readonly #deadlines: Deadlines;
  timedOut = false;
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined = undefined;

  constructor(caller: AbortSignal | undefined, deadlines: Deadlines) {
    this.#caller = caller;
    this.#deadlines = deadlines;
    deadlines.add(this);
  }

  expire(): void {
    this.timedOut = true;
    this.#controller?.abort();
    this.#stopReading();
  }

  /** A pending body read ends now (it resolves done; the transport sees why by `timedOut` or the caller). */
  #stopReading(): void {
    this.reader?.cancel().catch(() => undefined);
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.timedOut) this.#controller.abort();
      else if (this.#caller?.aborted) this.#controller.abort(this.#caller.reason);
      else this.#caller?.addEventListener('abort', this, { once: true });
    }
    return this.#controller.signal;
  }

  /** The caller's signal fired (this object is its listener). */
  handleEvent(): void {
    this.#controller?.abort(this.#caller?.reason);
    this.#stopReading();
  }

  done(): void {
    this.#deadlines.remove(this);
    if (this.#controller) this.#caller?.removeEventListener('abort', this);
  }
}

/** Waits `ms` before a retry, or rejects with the caller's reason once it aborts. */
const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The Request one attempt hands a fetch that takes a Request: see the attempt in createRetryingFetch. Always
 * one with `redirect: 'manual'`, so a custom fetch that ignores `init` does not follow a redirect either.
 */
function attemptRequest(request: TransportRequest, retry: number, body: string | Uint8Array | undefined): Request {
  if (request instanceof OutgoingRequest) return request.toRequest();
  if (retry === 0 && request.redirect === 'manual') return request;
  return new Request(request.url, { method: request.method, headers: request.headers, redirect: 'manual', body: body || null });
}

/** An answer that will not be read: its body is let go, so the connection is freed (or closed). */
const discard = (response: Response): Promise<void> | undefined => response.body?.cancel().catch(() => undefined);

function redirectError(label: string, operationId: string | undefined, { status, targetOrigin, followed }: Redirect): CrmRedirectError {
  const where = targetOrigin ?? 'an unnamed origin';
  const what = followed ? `the custom fetch followed a redirect to ${where}, though given \`redirect: 'manual'\`` : `the CRM answered ${status}, a redirect to ${where}, not followed`;
  return new CrmRedirectError(`${label}: ${what}. Check \`baseUrl\`.`, operationId, status, targetOrigin);
}

const textOf = (body: string | Uint8Array): string => (typeof body === 'string' ? body : decodeBody(body));

/** The reconciliation handle named by `x-reconcile-by`, read from the body that was sent. */
export function reconcileHandle(body: string | Uint8Array | undefined, field: string | undefined): { field: string; value: unknown } | undefined {
  if (!field || body === undefined) return undefined;
  try {
    const sent = JSON.parse(textOf(body)) as Record<string, unknown>;
    return { field, value: isSecretName(field) ? undefined : sent[field] };
  } catch {
    return { field, value: undefined };
  }
}

/** What every log line of an attempt tells, and `extra`. */
function logDetails(request: TransportRequest, context: RequestContext | undefined, attemptNo: number, extra: object): CrmLogDetails {
  return {
    ...(context?.operation ? { operationId: context.operation.id } : {}),
    method: request.method,
    path: context?.schemaPath ?? new URL(request.url).pathname,
    attempt: attemptNo,
    ...extra,
  };
}

/**
 * The passwords a call sent: the body fields its operation marks `format: password` (`passwordFields`). An error
 * answer that echoes one (`password … is too weak`) has it redacted like the API key.
 */
function sentPasswords(operation: OperationEntry | undefined, body: string | Uint8Array | undefined): string[] {
  if (!operation?.passwordFields || body === undefined) return [];
  try {
    const sent = JSON.parse(textOf(body)) as unknown;
    return operation.passwordFields.flatMap((path) => valuesAt(sent, segmentsOf(path))).filter((value): value is string => typeof value === 'string');
  } catch {
    return [];
  }
}

/** The error of a request that may have taken effect: what was sent, when, and how to settle it. */
function ambiguousOutcome(request: TransportRequest, operation: OperationEntry | undefined, label: string, body: string | Uint8Array | undefined, sentAt: number, clock: (() => number) | undefined, reason: string, status: number | undefined, cause: unknown): CrmAmbiguousOutcomeError {
  const reconcile = reconcileHandle(body, operation?.reconcileBy);
  const how = reconcile ? ` Reconcile by \`${reconcile.field}\`${reconcile.value === undefined ? '' : ` = ${JSON.stringify(reconcile.value)}`} before trying again.` : ' Check its outcome before trying again.';
  const sent = { method: request.method, url: request.url, sentAt, ...(clock ? { clock } : {}), ...(body === undefined ? {} : { body: textOf(body) }) };
  return new CrmAmbiguousOutcomeError(`${label}: the request was sent and no definitive answer came back (${reason}); it was not re-sent.${how}`, operation?.id ?? label, reconcile, status, { cause, request: sent });
}

export function createRetryingFetch(options: TransportOptions): (request: TransportRequest) => Promise<Response> {
  const { timeoutMs, maxRetries, backoff, logger } = options;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const spellings = secretSpellings(options.secrets ?? []);
  const deadlines = createDeadlines(timeoutMs);

  const fetchImpl = options.fetch ?? ((input: Request, init?: RequestInit) => globalThis.fetch(input, init));

  /**
   * The answer's body, read whole within the attempt and checked: a 2xx must be JSON (when JSON is what the
   * call parses), and an error answer's body loses every secret spelling (and the passwords the call sent). What cannot be read throws.
   */
  async function readAnswer(response: Response, init: AttemptInit, caller: AbortSignal | undefined, context: RequestContext | undefined, label: string, sent: string | Uint8Array | undefined): Promise<Response> {
    const { body } = response;
    if (body === null) return response;
    const bytes = await readBody(body, maxResponseBytes, response.headers.get('content-length'), init);
    if (!bytes) {
      throw new CrmUnreadableResponseError(`${label}: the CRM answered ${response.status} with a body larger than maxResponseBytes (${maxResponseBytes}); it was cut off while reading`, context?.operation?.id, response.status, 'too-large');
    }
    // Cut short by the deadline or the caller: what was read is not the answer.
    if (init.timedOut || caller?.aborted) throw new Error('the body read was cut short');
    if (response.ok) {
      if (bytes.length === 0 || (context?.parseAs ?? 'json') !== 'json') return answeredFrom(response, bytes);
      const text = decodeBody(bytes);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        const type = response.headers.get('content-type');
        throw new CrmUnreadableResponseError(`${label}: the CRM answered ${response.status} with a body that is not JSON (${bytes.length} bytes${type ? `, ${type.split(';')[0]}` : ''})`, context?.operation?.id, response.status, 'not-json');
      }
      return answeredFrom(response, bytes, text, { value });
    }
    const text = decodeBody(bytes);
    const redacted = redactSecretsIn(text, [...spellings, ...secretSpellings(sentPasswords(context?.operation, sent))]);
    return answeredFrom(response, redacted === text ? bytes : new TextEncoder().encode(redacted), redacted);
  }

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
      logger?.error?.('crm outcome unknown', logDetails(request, context, attemptNo, status === undefined ? { reason } : { status, reason }));
      return ambiguousOutcome(request, operation, label, body, sentAt, options.clock, reason, status, cause);
    };

    for (let retry = 0; ; retry++) {
      if (caller?.aborted) throw caller.reason;
      const attemptNo = retry + 1;
      const started = logger ? performance.now() : 0;
      logger?.debug?.('crm request', logDetails(request, context, attemptNo, { headers: redactHeaders(request.headers) }));
      // One attempt, with our signal in `init`. A call not built into a Request goes to Node's fetch as its URL
      // and init (Node builds the one Request), or built for a custom `fetch`. A Request is sent itself the
      // first time (no copy: copying one costs more than everything else this client does to it), and as a
      // fresh copy on a retry, since the first one's body stream is spent. A custom `fetch` must honour
      // `init.signal` for `timeoutMs` to cut its wait for the headers short; the body read is cut short here.
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
        init.done();
      }
      const canRetry = retry < maxRetries;
      let wait: number | undefined;
      let reason: string;

      if (!failed) {
        response = response!;
        const status = response.status;
        logger?.debug?.('crm response', logDetails(request, context, attemptNo, { status, durationMs: Math.round(performance.now() - started) }));
        const redirect = redirectOf(response, request);
        if (redirect) {
          init.done();
          await discard(response);
          const refused = redirectError(label, operation?.id, redirect);
          if (!repeatable) throw ambiguous(redirect.followed ? `the custom fetch followed a redirect to ${redirect.targetOrigin ?? 'an unnamed origin'}` : `HTTP ${status} redirect to ${redirect.targetOrigin ?? 'an unnamed origin'}, not followed`, status, refused, attemptNo);
          logger?.error?.('crm redirect refused', logDetails(request, context, attemptNo, { status, reason: redirect.targetOrigin ?? 'no location' }));
          throw refused;
        }
        if (!repeatable && isIndefiniteStatus(status)) {
          init.done();
          await discard(response);
          throw ambiguous(`HTTP ${status}`, status, undefined, attemptNo);
        }
        if (repeatable && canRetry && TRANSIENT_STATUSES.has(status)) {
          init.done();
          await discard(response);
          reason = `HTTP ${status}`;
          wait = retryAfterMs(response.headers);
        } else {
          try {
            return await readAnswer(response, init, caller, context, label, body);
          } catch (thrown) {
            failed = true;
            error = thrown;
          } finally {
            init.done();
          }
        }
      }

      // Here a transient status on a repeatable call is retried, or what failed is told apart.
      if (!failed) {
        // Retried below.
      } else if (caller?.aborted) {
        if (!repeatable) throw ambiguous('aborted by the caller', undefined, error, attemptNo);
        throw caller.reason;
      } else if (init.timedOut) {
        reason = response ? `the answer's body did not arrive within ${timeoutMs} ms` : `no answer within ${timeoutMs} ms`;
        if (!repeatable) throw ambiguous(reason, response?.status, error, attemptNo);
        if (!canRetry) throw new CrmTimeoutError(`${label}: ${reason} (after ${attemptNo} attempt(s))`, operation?.id, timeoutMs);
      } else if (error instanceof CrmUnreadableResponseError) {
        // The CRM answered, with nothing usable: not transient, so not retried; on a money call it may have applied.
        if (!repeatable) throw ambiguous(`HTTP ${error.status}, ${error.reason === 'too-large' ? 'a body larger than maxResponseBytes' : 'a body that is not JSON'}`, error.status, error, attemptNo);
        logger?.error?.('crm answer unreadable', logDetails(request, context, attemptNo, { status: error.status, reason: error.reason }));
        throw error;
      } else {
        const notSent = !response && wasNotSent(error);
        reason = describeFailure(error);
        if (!notSent && !repeatable) throw ambiguous(`connection lost: ${reason}`, response?.status, error, attemptNo);
        if (!canRetry) {
          const what = notSent ? 'the request was not sent' : 'the connection was lost';
          throw new CrmConnectionError(`${label}: ${what} (${reason}) after ${attemptNo} attempt(s)`, operation?.id, notSent, { cause: error });
        }
      }

      const delayMs = wait ?? backoffMs(retry, backoff);
      logger?.warn?.('crm retry', logDetails(request, context, attemptNo, { reason: reason!, delayMs: Math.round(delayMs) }));
      await sleep(delayMs, caller);
    }
  };
}
