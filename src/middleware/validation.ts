import { CrmValidationError } from '../errors';
import { getRequestContext } from '../request-context';
import { requestBytes } from '../request-bytes';
import { describeIssues, issuesText } from '../validation-message';
import type { OperationEntry, RequestValidator } from '../validation-types';
import type { RequestMiddleware } from './sequence';

const decoder = /* @__PURE__ */ new TextDecoder();

type Input = { path: object; query: object; body?: unknown };

function check(validate: RequestValidator, operation: OperationEntry, input: Input): undefined {
  if (validate(input)) return undefined;
  const issues = describeIssues(validate.errors ?? []);
  const [first] = issues;
  throw new CrmValidationError(`${operation.id}: ${issuesText(issues)}`, first?.field ?? '', first?.rule ?? '', operation.id);
}

/**
 * Checks path, query and body against the operation's schemas before any byte is sent. The body checked is
 * the serialised one, so what is validated is exactly what would go on the wire. Synchronous unless the body
 * has to be read back from the request (a body this package did not serialise).
 */
export function validationMiddleware(table: Record<string, RequestValidator>): RequestMiddleware {
  return {
    onRequest({ request, params }) {
      const context = getRequestContext(request);
      const operation = context?.operation;
      const validate = operation && table[operation.id];
      if (!operation || !validate) return undefined;
      const input: Input = { path: params.path ?? {}, query: params.query ?? {} };
      if (request.body === null) return check(validate, operation, input);
      if (context.bodyText !== undefined) return check(validate, operation, { ...input, body: JSON.parse(context.bodyText) });
      return requestBytes(request).then((bytes) => check(validate, operation, { ...input, body: JSON.parse(decoder.decode(bytes)) }));
    },
  };
}
