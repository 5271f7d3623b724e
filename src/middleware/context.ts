import type { Middleware } from 'openapi-fetch';
import { operations } from '../../generated/crm-rest.operations';
import { setRequestContext } from '../request-context';

/** Tags each request with its operation from the spec, for validation and for the transport's retry rules. */
export function contextMiddleware(): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      setRequestContext(request, { operation: operations[`${request.method} ${schemaPath}`], schemaPath });
      return undefined;
    },
  };
}
