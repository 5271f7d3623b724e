// The calls the CRM makes to a tenant's server, as the bundled specs describe them: each operation's method,
// path, example body or query (overrides applied), and its credentials (`X-Crm-Signature`, `crm-pay-token` and
// `sign`, `key` and `signature`); and the documented answers every answer is judged against.
import { readFileSync } from 'node:fs';
import { signPayload } from '../../core/signatures/hmac-sha256';
import { sha1ParamsSignature } from '../../core/signatures/sha1-params';
import type { JsonSchema } from '../../core/validation/schema-validator';
import { bundledSpecPath } from '../package-root';
import type { ResponseSchemas } from '../verify/response-validators';
import type { KitRequest } from './send';
import type { KitSecrets, KitSurface } from './types';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One call of a surface: the spec's example of `operationId`, with `body`/`query` members replaced (undefined drops one). */
export interface CrmCall {
  operationId: string;
  body?: Record<string, unknown>;
  query?: Record<string, string | undefined>;
}

const API: Record<KitSurface, string> = { webhooks: 'crm-webhooks', psp: 'psp', 'exchange-rates': 'exchange-rates', 'external-wallets': 'external-wallets' };

interface SpecOperation {
  method: 'GET' | 'POST';
  /** The path under the configured URL ('' for a webhook: the URL is the endpoint). */
  path: string;
  body?: Record<string, unknown>;
  query: Record<string, string>;
}

export interface SurfaceSpec {
  operations: Record<string, SpecOperation>;
  /** The documented answers, in the table verify's validators read. */
  responses: ResponseSchemas;
}

const cache = new Map<KitSurface, SurfaceSpec>();

/** The surface's operations and documented answers, from its bundled spec (read once). */
export function surfaceSpec(surface: KitSurface): SurfaceSpec {
  const known = cache.get(surface);
  if (known) return known;
  const bundle: Json = JSON.parse(readFileSync(bundledSpecPath(API[surface]), 'utf8'));
  const deref = (node: Json): Json => {
    let at = node;
    for (let hops = 0; at && typeof at.$ref === 'string' && hops < 20; hops++) at = (at.$ref as string).slice(2).split('/').reduce((o: Json, k: string) => o?.[k], bundle);
    return at;
  };
  const spec: SurfaceSpec = { operations: {}, responses: { specVersion: String(bundle.info?.version ?? ''), operations: {}, schemas: bundle.components?.schemas ?? {} } };
  const items: [string, Json][] = [...Object.entries(bundle.paths ?? {}), ...Object.entries(bundle.webhooks ?? {}).map(([, item]) => ['', item] as [string, Json])];
  for (const [path, item] of items) {
    for (const method of ['get', 'post'] as const) {
      const op = item?.[method];
      if (!op?.operationId) continue;
      const query: Record<string, string> = {};
      for (const parameter of (op.parameters ?? []).map(deref)) if (parameter?.in === 'query' && parameter.example !== undefined) query[parameter.name] = String(parameter.example);
      const body = op.requestBody?.content?.['application/json']?.example;
      spec.operations[op.operationId] = { method: method.toUpperCase() as 'GET' | 'POST', path, query, ...(body ? { body } : {}) };
      const responses: Record<string, JsonSchema | null> = {};
      for (const [status, response] of Object.entries(op.responses ?? {})) responses[status] = deref(response)?.content?.['application/json']?.schema ?? null;
      spec.responses.operations[op.operationId] = { ...(op['x-inferred'] ? { inferred: true } : {}), responses };
    }
  }
  cache.set(surface, spec);
  return spec;
}

/** Drops the members set to undefined. */
const defined = <T>(record: Record<string, T | undefined>): Record<string, T> => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Record<string, T>;

/** The well-formed, signed request of `call` to the server at `url`, as the CRM sends it. */
export async function buildCall(surface: KitSurface, url: string, secrets: KitSecrets, call: CrmCall): Promise<KitRequest> {
  const operation = surfaceSpec(surface).operations[call.operationId];
  if (!operation) throw new Error(`${surface} has no operation ${call.operationId}`);
  const target = new URL(url.replace(/\/+$/, '') + operation.path);
  for (const [name, value] of Object.entries(defined({ ...operation.query, ...call.query }))) target.searchParams.set(name, value);
  const headers: Record<string, string> = {};
  let body: Record<string, unknown> | undefined = operation.body && defined({ ...operation.body, ...call.body });
  if (surface === 'psp') {
    headers['crm-pay-token'] = secrets.crmPayToken!;
    // The example's sign is the demo token's: computed again over the body as sent.
    const { sign: _drop, ...params } = body ?? {};
    body = { ...params, sign: await sha1ParamsSignature(params, secrets.crmPayToken!) };
  }
  if (surface === 'exchange-rates' || surface === 'external-wallets') headers.key = secrets.apiKey!;
  const bytes = body && new TextEncoder().encode(JSON.stringify(body));
  if (bytes) headers['content-type'] = 'application/json';
  if (surface === 'webhooks') headers['x-crm-signature'] = await signPayload(bytes!, secrets.webhookSecret!);
  if (surface === 'external-wallets' && body) headers.signature = await sha1ParamsSignature(body, secrets.apiKey!);
  return { method: operation.method, url: target.href, headers, ...(bytes ? { body: bytes } : {}) };
}
