// The REST client's types, a leaf: what other modules (reconcile, paginate, the testing kit) need to know of
// the client without importing it, so no import cycle runs through createCrmClient.
import type { Client } from 'openapi-fetch';
import type { paths } from '../../generated/crm-rest';
import type { CrmLogger } from '../core/logger';
import type { BackoffOptions } from '../http/transport/backoff';
import type { Journal } from './journal/types';

export type { paths as CrmPaths, components as CrmComponents, operations as CrmOperations } from '../../generated/crm-rest';

/** Which REST signature the CRM checks: `'v2'` (HMAC-SHA256 of the bytes) or `'v1'` (SHA-1 of the sorted fields). */
export type SignatureVersion = 'v1' | 'v2';

export interface CrmClientOptions {
  /** Scheme and host of your CRM, e.g. `https://crm.my-broker.com` (paths start with /public/v1); default `CRM_BASE_URL`. */
  baseUrl?: string;
  /** The Open API key; sent as `key` on every request; default `CRM_API_KEY`. */
  apiKey?: string;
  /** Key of the body signature. Defaults to `CRM_SIGNING_SECRET`, else `apiKey`, as every vendor sample does. */
  signingSecret?: string;
  /**
   * Which signature your CRM checks (default `CRM_SIGNATURE_VERSION`, else `'v2'`): `'v2'` is `sha256=` + HMAC-SHA256 of the exact body
   * bytes; `'v1'` is the older SHA-1 of the sorted non-empty `k=v&…` fields + key, upper-case hex. With
   * `'v1'`, empty top-level fields are left out of the body sent, and a body with nested objects is refused
   * (CrmValidationError) since the scheme does not define them. `detectSignatureVersion` finds out which.
   */
  signatureVersion?: SignatureVersion;
  /**
   * A fetch implementation (defaults to `globalThis.fetch`); it must honour `init.signal` for timeouts. It is
   * given a Request with `redirect: 'manual'` (and the same in `init`); an answer it got by following a
   * redirect anyway is refused like any redirect.
   */
  fetch?: (input: Request, init?: RequestInit) => Promise<Response>;
  /** Headers added to every request. `key` and `signature` are always set by the client. */
  headers?: Record<string, string>;
  /** Check path, query and body against the spec before sending (default true). */
  validateRequests?: boolean;
  /**
   * Per attempt, from sending until the whole answer, body included, is read (default 30 000). A call's own
   * `signal` is honoured too.
   */
  timeoutMs?: number;
  /**
   * The largest answer body read, in bytes (default 33 554 432, 32 MiB): a larger one is cut off while
   * reading and ends the call in CrmUnreadableResponseError (CrmAmbiguousOutcomeError on a money call).
   */
  maxResponseBytes?: number;
  /**
   * Extra attempts after a failure (default 2). Only idempotent operations are retried (on connection errors,
   * timeouts, 429, 502, 503, 504); an operation that moves money or creates something is re-sent only when
   * the connection was refused before any byte was written, and otherwise throws CrmAmbiguousOutcomeError.
   */
  maxRetries?: number;
  /** Back-off between retries (default 500 ms doubling to 8 s, with jitter); a server's Retry-After wins. */
  backoff?: BackoffOptions;
  /** Throw CrmApiError on any non-2xx answer instead of returning `{ error, response }` (default false). */
  throwOnError?: boolean;
  /** Receives request/response summaries; headers redacted, no bodies. `console` works. */
  logger?: CrmLogger;
  /**
   * Settle a lost answer to a money movement or creation before returning (default false): the client runs
   * `reconcile` itself and returns the real answer, throws CrmNotAppliedError when it provably did not take
   * effect, or throws CrmAmbiguousOutcomeError with `reconciliation` attached when it stays unknown. An
   * object sets the reconciliation's `safetyMarginMs` and `attempts`.
   */
  autoReconcile?: boolean | ReconcileSettings;
  /** The clock (ms) that times a request for reconciliation; default Date.now (tests pass a virtual one). */
  clock?: () => number;
  /**
   * Where each call that moves money or creates something is written down before it is sent (its intent) and
   * its outcome after, so that `recoverJournal` settles what a crash left open (README "Surviving a crash").
   * A call whose intent cannot be written is not sent: it throws CrmJournalError. `memoryJournal()`,
   * `fileJournal(path)` from crm-open-api/node, `redisJournal(redis)` from crm-open-api/redis, or your own.
   */
  journal?: Journal;
}

export type CrmClient = Client<paths, 'application/json'>;

/** How reconciliation re-sends (the client's `autoReconcile` object, and part of `reconcile`'s options). */
export interface ReconcileSettings {
  /**
   * How much of the CRM's repeat window is kept back for clock skew between you and the CRM and for the
   * time the lost request spent in flight (default 30 000 ms of the 120 000 ms window): a deposit is
   * re-sent only while less than `window - margin` has passed since it was first sent.
   */
  safetyMarginMs?: number;
  /** Re-sends inside the window when the re-send's own answer is lost too (default 3). */
  attempts?: number;
  /**
   * How long after it was sent a lost request may still land at the CRM (default 120 000 ms): a look-up that
   * finds nothing (a wallet update's `order_not_found`) proves `not_applied` only after this, unless the CRM
   * refused the attempt itself (429, 500, 503); before, the outcome is `unknown`, to be looked up again.
   */
  settleWindowMs?: number;
}
