// Turning an HTTP error answer into a thrown CrmApiError: the `throwOnError` option and the `unwrap()` helper.
import { CrmApiError } from '../core/errors';
import { METHODS } from './operation-client';

export function toApiError(status: number, body: unknown, operationId: string | undefined): CrmApiError {
  const type = typeof body === 'object' && body !== null && typeof (body as { type?: unknown }).type === 'string' ? (body as { type: string }).type : undefined;
  const message = `${operationId ? `${operationId}: ` : ''}the CRM answered ${status}${type ? ` ${type}` : ''}`;
  return new CrmApiError(message, status, type, body, operationId);
}

type Answer = { error?: unknown; response: Response };

/**
 * `throwOnError: true`: the client's methods, wrapped, throw any non-2xx answer (its body as openapi-fetch read
 * it into `error`). A wrapper, not a middleware: a middleware would make openapi-fetch build every Request
 * for it and await it twice per call, on successes too (the slow path of operation-client.ts).
 */
export function throwOnErrorAnswers<C extends object>(client: C, operations: Record<string, { id: string }>): C {
  const methods = client as unknown as Record<string, (...args: unknown[]) => Promise<Answer>>;
  const throwing = (send: (...args: unknown[]) => Promise<Answer>, operationKey: (args: unknown[]) => string) =>
    async (...args: unknown[]) => {
      const answer = await send(...args);
      if (!answer.response.ok) throw toApiError(answer.response.status, answer.error, operations[operationKey(args)]?.id);
      return answer;
    };
  for (const method of METHODS) methods[method] = throwing(methods[method]!, (args) => `${method} ${String(args[0])}`);
  methods.request = throwing(methods.request!, (args) => `${String(args[0]).toUpperCase()} ${String(args[1])}`);
  return client;
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
