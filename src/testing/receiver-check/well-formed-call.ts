// The kit's well-formed calls: crm-calls' buildCrmCall (the spec's example, signed as the CRM signs), with a
// few members of the example's body or query replaced or dropped.
import { buildCrmCall, resolveOperation, type CrmCallSecrets, type CrmSurface } from '../crm-calls';
import { isPlainObject } from '../../core/plain-object';
import type { KitRequest } from './send';

/** One call of a surface: the spec's example of `operationId`, with `body`/`query` members replaced (undefined drops one). */
export interface CrmCall {
  operationId: string;
  body?: Record<string, unknown>;
  query?: Record<string, string | undefined>;
}

const defined = <T>(record: Record<string, T | undefined>): Record<string, T> => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Record<string, T>;

/** The well-formed, signed request of `call` to the server at `url`, as the CRM sends it. */
export async function buildCall(surface: CrmSurface, url: string, secrets: CrmCallSecrets, call: CrmCall): Promise<KitRequest> {
  const example = resolveOperation(surface, call.operationId)?.operation.example;
  const body = call.body && isPlainObject(example?.body) ? defined({ ...example.body, ...call.body }) : undefined;
  const params = call.query ? defined(call.query) : undefined;
  const built = await buildCrmCall({ surface, operation: call.operationId, baseUrl: url, secrets, ...(body ? { body } : {}), ...(params ? { params } : {}) });
  const target = new URL(built.url);
  for (const [name, value] of Object.entries(call.query ?? {})) if (value === undefined) target.searchParams.delete(name);
  return { ...built, url: target.href };
}
