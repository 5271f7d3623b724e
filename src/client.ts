import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/crm-rest';
import { authMiddleware } from './middleware/auth';
import { validationMiddleware } from './middleware/validation';
import { serializeJsonBody } from './serialize-body';

export type { paths as CrmPaths, components as CrmComponents, operations as CrmOperations } from '../generated/crm-rest';

export interface CrmClientOptions {
  /** Scheme and host of your CRM, e.g. `https://crm.my-broker.com` (paths start with /public/v1). */
  baseUrl: string;
  /** The Open API key; sent as `key` on every request. */
  apiKey: string;
  /** Key of the body HMAC. Defaults to `apiKey`, as every vendor sample does. */
  signingSecret?: string;
  /** A fetch implementation (defaults to `globalThis.fetch`). */
  fetch?: (input: Request) => Promise<Response>;
  /** Headers added to every request. `key` and `signature` are always set by the client. */
  headers?: Record<string, string>;
  /** Check path, query and body against the spec before sending (default true). */
  validateRequests?: boolean;
}

export type CrmClient = Client<paths, 'application/json'>;

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
  const client = createClient<paths, 'application/json'>({
    baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    bodySerializer: serializeJsonBody,
  });
  // Validation first: nothing invalid is signed, let alone sent.
  if (options.validateRequests !== false) client.use(validationMiddleware());
  client.use(authMiddleware(apiKey, signingSecret));
  return client;
}
