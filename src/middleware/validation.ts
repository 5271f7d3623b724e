import type { Middleware } from 'openapi-fetch';
import { CrmValidationError } from '../errors';
import { getRequestContext } from '../request-context';
import { requestBytes } from '../request-bytes';
import { describeIssues, issuesText } from '../validation-message';
import type { RequestValidator } from '../validation-types';

const decoder = new TextDecoder();

/**
 * Checks path, query and body against the operation's schemas before any byte is sent. The body checked is
 * the serialised one, so what is validated is exactly what would go on the wire.
 */
export function validationMiddleware(table: Record<string, RequestValidator>): Middleware {
  return {
    async onRequest({ request, params }) {
      const context = getRequestContext(request);
      const operation = context?.operation;
      const validate = operation && table[operation.id];
      if (!operation || !validate) return undefined;
      const input: { path: object; query: object; body?: unknown } = { path: params.path ?? {}, query: params.query ?? {} };
      if (request.body !== null) input.body = JSON.parse(context?.bodyText ?? decoder.decode(await requestBytes(request)));
      if (validate(input)) return undefined;
      const issues = describeIssues(validate.errors ?? []);
      const [first] = issues;
      const message = `${operation.id}: ${issuesText(issues)}`;
      throw new CrmValidationError(message, first?.field ?? '', first?.rule ?? '', operation.id);
    },
  };
}
