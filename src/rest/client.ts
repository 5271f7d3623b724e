import type { Client } from 'openapi-fetch';
import type { paths } from '../../generated/crm-rest';
import { operations } from '../../generated/crm-rest.operations';
import { requestSchemas } from '../../generated/crm-rest.request-schemas';
import { throwOnErrorMiddleware } from '../http/throw-on-error';
import { createOperationClient } from '../http/operation-client';
import { createRequestSigner, type SignatureVersion } from './request-signing';
import type { CrmLogger } from '../core/logger';
import { isPlainObject, withoutEmptyParams } from '../core/signatures/sha1-params';
import { requestValidators } from '../core/validation/request-validators';
import type { BackoffOptions } from '../http/transport/backoff';
import { createRetryingFetch } from '../http/transport/retrying-fetch';
import { createReconcilingFetch } from './reconcile/auto-reconcile';
import type { ReconcileOptions } from './reconcile/reconcile';

/** Compiled per operation on first use. */
const validators = /* @__PURE__ */ requestValidators(requestSchemas);

export type { paths as CrmPaths, components as CrmComponents, operations as CrmOperations } from '../../generated/crm-rest';

export interface CrmClientOptions {
  /** Scheme and host of your CRM, e.g. `https://crm.my-broker.com` (paths start with /public/v1). */
  baseUrl: string;
  /** The Open API key; sent as `key` on every request. */
  apiKey: string;
  /** Key of the body signature. Defaults to `apiKey`, as every vendor sample does. */
  signingSecret?: string;
  /**
   * Which signature your CRM checks (default `'v2'`): `'v2'` is `sha256=` + HMAC-SHA256 of the exact body
   * bytes; `'v1'` is the older SHA-1 of the sorted non-empty `k=v&…` fields + key, upper-case hex. With
   * `'v1'`, empty top-level fields are left out of the body sent, and a body with nested objects is refused
   * (CrmValidationError) since the scheme does not define them. `detectSignatureVersion` finds out which.
   */
  signatureVersion?: SignatureVersion;
  /** A fetch implementation (defaults to `globalThis.fetch`); it must honour `init.signal` for timeouts. */
  fetch?: (input: Request, init?: RequestInit) => Promise<Response>;
  /** Headers added to every request. `key` and `signature` are always set by the client. */
  headers?: Record<string, string>;
  /** Check path, query and body against the spec before sending (default true). */
  validateRequests?: boolean;
  /** Per attempt, until the answer's headers arrive (default 30 000). A call's own `signal` is honoured too. */
  timeoutMs?: number;
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
  autoReconcile?: boolean | Pick<ReconcileOptions, 'safetyMarginMs' | 'attempts'>;
  /** The clock (ms) that times a request for reconciliation; default Date.now (tests pass a virtual one). */
  clock?: () => number;
}

export type CrmClient = Client<paths, 'application/json'>;

function nonNegativeInteger(options: CrmClientOptions, name: 'timeoutMs' | 'maxRetries', fallback: number): number {
  const value = options[name] ?? fallback;
  if (!Number.isInteger(value) || value < 0 || (name === 'timeoutMs' && value === 0)) {
    throw new TypeError(`createCrmClient: option \`${name}\` must be a ${name === 'timeoutMs' ? 'positive' : 'non-negative'} integer`);
  }
  return value;
}

function requireOption(options: Partial<CrmClientOptions> | undefined, name: 'baseUrl' | 'apiKey'): string {
  const value = options?.[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`createCrmClient: option \`${name}\` is required and must be a non-empty string`);
  }
  return value;
}

/**
 * A typed client of the CRM's REST API: openapi-fetch typed by the spec, with the `key` header on every
 * request and the `signature` header on every request with a body.
 */
export function createCrmClient(options: CrmClientOptions): CrmClient {
  const baseUrl = requireOption(options, 'baseUrl');
  const apiKey = requireOption(options, 'apiKey');
  const signingSecret = options.signingSecret === undefined || options.signingSecret === '' ? apiKey : options.signingSecret;
  const signatureVersion = options.signatureVersion ?? 'v2';
  if (signatureVersion !== 'v1' && signatureVersion !== 'v2') throw new TypeError("createCrmClient: option `signatureVersion` must be 'v1' or 'v2'");
  let transport = createRetryingFetch({
    // `signature` is set here, once, just before the first attempt: over what is actually sent.
    prepare: createRequestSigner(signingSecret, signatureVersion),
    fetch: options.fetch,
    timeoutMs: nonNegativeInteger(options, 'timeoutMs', 30_000),
    maxRetries: nonNegativeInteger(options, 'maxRetries', 2),
    backoff: options.backoff ?? {},
    logger: options.logger,
    clock: options.clock,
  });
  if (options.autoReconcile) {
    // Reconciliation calls go through a twin of this client without autoReconcile, so they never recurse.
    let reconciler: CrmClient | undefined;
    const settings = typeof options.autoReconcile === 'object' ? options.autoReconcile : {};
    transport = createReconcilingFetch(transport, () => (reconciler ??= createCrmClient({ ...options, autoReconcile: false })), { ...settings, now: options.clock, logger: options.logger });
  }
  // Validation happens as the Request is built, so nothing invalid is signed, let alone sent.
  const client = createOperationClient<paths>({
    baseUrl,
    fetch: transport,
    ...(options.headers ? { headers: options.headers } : {}),
    operations,
    ...(options.validateRequests === false ? {} : { validators }),
    // v1 signs field values, not bytes: empty fields are not sent, so the CRM's reading of "empty" cannot matter.
    ...(signatureVersion === 'v1' ? { prepareBody: (sent: unknown) => (isPlainObject(sent) ? withoutEmptyParams(sent) : sent) } : {}),
    setHeaders: (headers) => headers.set('key', apiKey),
  });
  if (options.throwOnError) client.use(throwOnErrorMiddleware());
  return client;
}
