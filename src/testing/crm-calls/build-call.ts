// One of the CRM's calls to the tenant, made as the spec describes it: the method and path of the operation,
// the body (the spec's example unless given) serialised once, and signed over exactly those bytes.
import { signPayload } from '../../core/signatures/hmac-sha256';
import { sha1ParamsSignature, withoutEmptyParams } from '../../core/signatures/sha1-params';
import { isPlainObject } from '../../core/plain-object';
import { secretProblem } from './inputs';
import { resolveOperation } from './surfaces';
import type { BuildCrmCallInput, CrmCallRequest, CrmCallSecrets, CrmSurface } from './types';

/** The secret a surface's calls are signed with, by its option name (what an error names). */
export const SECRET_OF: Record<CrmSurface, keyof CrmCallSecrets> = {
  webhooks: 'webhookSecret',
  psp: 'crmPayToken',
  'exchange-rates': 'ratesKey',
  'external-wallets': 'walletsKey',
};

/** The configured URL with the operation's path appended, unless the URL already ends with it. */
function targetUrl(baseUrl: string, path: string, query: Record<string, unknown> | undefined): string {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`baseUrl: must be an http(s) URL`);
  const base = url.pathname.replace(/\/+$/, '');
  url.pathname = path === '' || base.endsWith(path) ? base || '/' : `${base}${path}`;
  for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, String(value));
  return url.toString();
}

/** The call, signed; a TypeError names what is missing (the secret, an operation the surface has not). */
export async function buildCrmCall(input: BuildCrmCallInput): Promise<CrmCallRequest> {
  const { surface, operation: name, baseUrl, secrets, params } = input;
  const resolved = resolveOperation(surface, name);
  if (!resolved) throw new TypeError(`operation: ${JSON.stringify(name)} is not a ${surface} call the spec describes`);
  const secret = secrets?.[SECRET_OF[surface]];
  if (typeof secret !== 'string' || secret === '') throw new TypeError(`secrets.${SECRET_OF[surface]}: is required to sign a ${surface} call`);
  const problem = secretProblem(SECRET_OF[surface], secret);
  if (problem) throw new TypeError(`secrets.${SECRET_OF[surface]}: ${problem}`);
  const { operation, event } = resolved;
  let body = input.body === undefined ? operation.example.body : input.body;
  const headers: Record<string, string> = {};
  const query = operation.method === 'GET' ? { ...operation.example.query, ...params } : params && Object.keys(params).length ? params : undefined;

  if (surface === 'webhooks' && event !== undefined && input.body === undefined && isPlainObject(body) && isPlainObject(body.source)) {
    // The example names one node of an approval; the name asked for may name another.
    body = { ...body, source: { ...body.source, event } };
  }
  if (surface === 'psp' && isPlainObject(body)) {
    // No empty fields are sent, so either reading of "empty" gives the same `sign`; an old `sign` is replaced.
    const { sign: _old, ...rest } = withoutEmptyParams(body);
    body = { ...rest, sign: await sha1ParamsSignature(rest, secret) };
  }
  const text = body === undefined || operation.method === 'GET' ? undefined : JSON.stringify(body);
  if (text !== undefined) headers['content-type'] = 'application/json';

  switch (surface) {
    case 'webhooks':
      headers['x-crm-signature'] = await signPayload(text ?? '', secret);
      break;
    case 'psp':
      headers['crm-pay-token'] = secret;
      break;
    case 'exchange-rates':
      headers.key = secret;
      break;
    case 'external-wallets':
      headers.key = secret;
      // The wallet `signature` is the SHA-1 parameter signature of the JSON body, keyed by the API key.
      if (isPlainObject(body) && operation.method !== 'GET') headers.signature = await sha1ParamsSignature(body, secret);
      break;
  }
  const sentEvent = surface === 'webhooks' && isPlainObject(body) && isPlainObject(body.source) && typeof body.source.event === 'string' ? body.source.event : undefined;
  return {
    surface,
    operation: operation.id,
    ...(sentEvent === undefined ? {} : { event: sentEvent }),
    method: operation.method,
    url: targetUrl(baseUrl, operation.path, query),
    headers,
    ...(text === undefined ? {} : { body: text }),
  };
}

/** A webhook event's body: the spec's example for the event, its `data` shallow-merged with `data`. */
export function webhookBody(name: string, data?: Record<string, unknown>): Record<string, unknown> {
  const resolved = resolveOperation('webhooks', name);
  if (!resolved) throw new TypeError(`event: ${JSON.stringify(name)} is not a webhook event the spec describes`);
  const example = resolved.operation.example.body as Record<string, unknown>;
  const source = { ...(example.source as object), event: resolved.event };
  return { ...example, source, data: { ...(example.data as object), ...(data ?? {}) } };
}
