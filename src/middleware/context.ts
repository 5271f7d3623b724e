import type { Middleware } from 'openapi-fetch';
import { setRequestContext } from '../request-context';
import type { OperationEntry } from '../validation-types';

/** Tags each request with its operation from the spec, for validation and for the transport's retry rules. */
export function contextMiddleware(operations: Record<string, OperationEntry>): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      setRequestContext(request, { operation: operations[`${request.method} ${schemaPath}`], schemaPath });
      return undefined;
    },
  };
}
