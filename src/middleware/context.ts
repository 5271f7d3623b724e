import { setRequestContext } from '../request-context';
import type { OperationEntry } from '../validation-types';
import type { RequestMiddleware } from './sequence';

/**
 * Tags each request with its operation from the spec (for validation and the transport's retry rules) and
 * with the body text the serializer just produced (`takeBodyText`). Must be the first middleware.
 */
export function contextMiddleware(operations: Record<string, OperationEntry>, takeBodyText: () => string | undefined = () => undefined): RequestMiddleware {
  return {
    onRequest({ request, schemaPath }) {
      const bodyText = takeBodyText();
      setRequestContext(request, {
        operation: operations[`${request.method} ${schemaPath}`],
        schemaPath,
        ...(bodyText !== undefined && request.body !== null ? { bodyText } : {}),
      });
      return undefined;
    },
  };
}
