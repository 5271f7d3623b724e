import type { paths } from '../../generated/crm-rest';
import { operations } from '../../generated/crm-rest.operations';
import { requestSchemas } from '../../generated/crm-rest.request-schemas';
import { throwOnErrorAnswers } from '../http/throw-on-error';
import { createOperationClient } from '../http/operation-client';
import { createRequestSigner } from './request-signing';
import { isPlainObject } from '../core/plain-object';
import { withoutEmptyParams } from '../core/signatures/sha1-params';
import { requestValidators } from '../core/validation/request-validators';
import { CRM_REST_FORMATS } from '../core/validation/formats';
import { createRetryingFetch, DEFAULT_MAX_RESPONSE_BYTES } from '../http/transport/retrying-fetch';
import { createReconcilingFetch } from './reconcile/auto-reconcile';
import { createJournalingFetch } from './journal/journaling-fetch';
import { registerRecoveryClient } from './journal/recovery-client';
import type { CrmClient, CrmClientOptions } from './types';
import { envNameOf, withEnvDefaults } from './env-defaults';

export type { CrmClient, CrmClientOptions, CrmPaths, CrmComponents, CrmOperations } from './types';

/** Compiled per operation on first use. */
const validators = /* @__PURE__ */ requestValidators(requestSchemas, CRM_REST_FORMATS);

function nonNegativeInteger(options: CrmClientOptions, name: 'timeoutMs' | 'maxRetries' | 'maxResponseBytes', fallback: number): number {
  const value = options[name] ?? fallback;
  const positive = name !== 'maxRetries';
  if (!Number.isInteger(value) || value < 0 || (positive && value === 0)) {
    throw new TypeError(`createCrmClient: option \`${name}\` must be a ${positive ? 'positive' : 'non-negative'} integer`);
  }
  return value;
}

function requireOption(options: Partial<CrmClientOptions> | undefined, name: 'baseUrl' | 'apiKey'): string {
  const value = options?.[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`createCrmClient: option \`${name}\` is required and must be a non-empty string (or set ${envNameOf(name)} where process.env exists)`);
  }
  return value;
}

/**
 * A typed client of the CRM's REST API: openapi-fetch typed by the spec, with the `key` header on every
 * request and the `signature` header on every request with a body. `baseUrl`, `apiKey`, `signingSecret` and
 * `signatureVersion` left out are read from CRM_BASE_URL, CRM_API_KEY, CRM_SIGNING_SECRET and
 * CRM_SIGNATURE_VERSION where `process.env` exists.
 */
export function createCrmClient(given: CrmClientOptions = {}): CrmClient {
  const options = withEnvDefaults(given) as CrmClientOptions;
  const baseUrl = requireOption(options, 'baseUrl');
  const apiKey = requireOption(options, 'apiKey');
  // Left out or empty: the API key signs.
  const signingSecret = options.signingSecret || apiKey;
  const signatureVersion = options.signatureVersion ?? 'v2';
  if (signatureVersion !== 'v1' && signatureVersion !== 'v2') throw new TypeError("createCrmClient: option `signatureVersion` must be 'v1' or 'v2'");
  const { journal } = options;
  if (journal !== undefined && !['begin', 'claim', 'settle', 'entries'].every((step) => typeof (journal as unknown as Record<string, unknown>)?.[step] === 'function')) {
    throw new TypeError('createCrmClient: option `journal` must be a Journal (begin, claim, settle, entries)');
  }
  const timeoutMs = nonNegativeInteger(options, 'timeoutMs', 30_000);
  // The same client without journal or autoReconcile: what reconciliation and recovery call the CRM through,
  // so that their own calls are neither journaled as new intents nor reconciled within a reconciliation. It
  // does not throw on error answers: the strategies read `{ data, error }` (the caller's client still throws).
  let plain: CrmClient | undefined;
  const plainTwin = () => (plain ??= createCrmClient({ ...options, autoReconcile: false, journal: undefined, throwOnError: false }));
  let transport = createRetryingFetch({
    // `signature` is set here, once, just before the first attempt: over what is actually sent.
    prepare: createRequestSigner(signingSecret, signatureVersion),
    fetch: options.fetch,
    timeoutMs,
    maxRetries: nonNegativeInteger(options, 'maxRetries', 2),
    backoff: options.backoff ?? {},
    logger: options.logger,
    clock: options.clock,
    maxResponseBytes: nonNegativeInteger(options, 'maxResponseBytes', DEFAULT_MAX_RESPONSE_BYTES),
    // An error answer that echoes them (a proxy's debug page, a CRM quoting the request) has them redacted.
    secrets: [apiKey, signingSecret],
  });
  if (options.autoReconcile) {
    const settings = typeof options.autoReconcile === 'object' ? options.autoReconcile : {};
    transport = createReconcilingFetch(transport, plainTwin, { ...settings, now: options.clock, logger: options.logger });
  }
  // Outermost, so the outcome it records is the call's last word (autoReconcile's included).
  if (journal) transport = createJournalingFetch(transport, journal, { clock: options.clock ?? Date.now, timeoutMs, logger: options.logger });
  // Validation happens as the Request is built, so nothing invalid is signed, let alone sent.
  const client = createOperationClient<paths>({
    baseUrl,
    fetch: transport,
    headers: options.headers,
    operations,
    validators: options.validateRequests === false ? undefined : validators,
    // v1 signs field values, not bytes: empty fields are not sent, so the CRM's reading of "empty" cannot matter.
    prepareBody: signatureVersion === 'v1' ? (sent: unknown) => (isPlainObject(sent) ? withoutEmptyParams(sent) : sent) : undefined,
    setHeaders: (headers) => headers.set('key', apiKey),
  });
  if (options.throwOnError) throwOnErrorAnswers(client, operations);
  registerRecoveryClient(client, { plain: journal || options.autoReconcile ? plainTwin : () => client, clock: options.clock, timeoutMs });
  return client;
}
