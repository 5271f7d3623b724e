// Turning an HTTP error answer into a thrown CrmApiError: the `throwOnError` option and the `unwrap()` helper.
import type { Middleware } from 'openapi-fetch';
import { CrmApiError } from '../core/errors';
import { getRequestContext } from './request-context';

export function toApiError(status: number, body: unknown, operationId: string | undefined): CrmApiError {
  const type = typeof body === 'object' && body !== null && typeof (body as { type?: unknown }).type === 'string' ? (body as { type: string }).type : undefined;
  const message = `${operationId ? `${operationId}: ` : ''}the CRM answered ${status}${type ? ` ${type}` : ''}`;
  return new CrmApiError(message, status, type, body, operationId);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Middleware of `throwOnError: true`: any non-2xx answer is thrown. */
export function throwOnErrorMiddleware(): Middleware {
  return {
    async onResponse({ request, response }) {
      if (response.ok) return undefined;
      throw toApiError(response.status, await readBody(response), getRequestContext(request)?.operation?.id);
    },
  };
}

/**
 * The data of a successful call, typed; throws CrmApiError on an HTTP error answer.
 * `const page = await unwrap(crm.GET('/public/v1/users', { params: { query: { skip: 0, limit: 50 } } }))`
 */
export async function unwrap<Data>(call: Promise<{ data?: Data; error?: unknown; response: Response }>): Promise<Data> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response.status, error, undefined);
  return data as Data;
}
