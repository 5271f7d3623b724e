// openapi-fetch for one API of the spec, with each call's operation known before its Request exists. The
// client's methods note the path template and params of the call; openapi-fetch then builds the Request
// (synchronously, in the same call) through `Request` below, which looks the operation up, checks path,
// query and body against the spec (CrmValidationError before anything is sent), sets the headers every
// request carries and tags the Request for the transport. No middleware of ours is on the way: for each
// middleware openapi-fetch makes a request id and awaits its answer, which on the hot path cost about as
// much as all our checks together (npm run bench).
import createClient, { type Client } from 'openapi-fetch';
import { CrmValidationError } from './errors';
import { setRequestContext } from './request-context';
import { serializeJsonBody } from './serialize-body';
import { describeIssues, issuesText } from './validation-message';
import type { OperationEntry, RequestValidator } from './validation-types';

export interface OperationClientOptions {
  baseUrl: string;
  /** The transport: it gets every Request, tagged with its operation. */
  fetch: (request: Request) => Promise<Response>;
  headers?: Record<string, string>;
  /** Every operation of the API by `METHOD /path/template` (generated/<api>.operations.ts). */
  operations: Record<string, OperationEntry>;
  /** Request validators by operationId; without them nothing is validated. */
  validators?: Record<string, RequestValidator>;
  /** Applied to a body before it is serialised (v1 signing leaves empty fields out). */
  prepareBody?: (body: unknown) => unknown;
  /** Sets what every request carries (`key`, `authorization`): after the caller's headers, so it wins. */
  setHeaders?: (headers: Headers) => void;
}

type Params = { path?: object; query?: object };
type Call = { schemaPath: string; params: Params };

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

function validate(validator: RequestValidator, operation: OperationEntry, params: Params, body: string | undefined, hasBody: boolean): void {
  const input: { path: object; query: object; body?: unknown } = { path: params.path ?? {}, query: params.query ?? {} };
  if (hasBody) {
    if (body === undefined) throw new CrmValidationError(`${operation.id}: body must be JSON`, 'body', 'must be JSON', operation.id);
    input.body = JSON.parse(body);
  }
  if (validator(input)) return;
  const issues = describeIssues(validator.errors ?? []);
  const [first] = issues;
  throw new CrmValidationError(`${operation.id}: ${issuesText(issues)}`, first?.field ?? '', first?.rule ?? '', operation.id);
}

export function createOperationClient<Paths extends {}>(options: OperationClientOptions): Client<Paths, 'application/json'> {
  const { operations, validators, prepareBody, setHeaders } = options;
  let call: Call | undefined;

  // Called by openapi-fetch as `new Request(url, init)`; a function that returns an object, so `new` gives it.
  function OperationRequest(input: string, init: RequestInit & { headers: Headers; method: string }): Request {
    const current = call;
    call = undefined;
    const hasBody = init.body !== undefined && init.body !== null;
    // openapi-fetch hands over the text its body serializer (ours: JSON) produced: what is validated, signed
    // and sent are the same bytes.
    const bodyText = typeof init.body === 'string' ? init.body : undefined;
    const operation = current && operations[`${init.method} ${current.schemaPath}`];
    const validator = operation && validators?.[operation.id];
    if (validator) validate(validator, operation, current.params, bodyText, hasBody);
    setHeaders?.(init.headers);
    const request = new Request(input, init);
    if (current) setRequestContext(request, { operation, schemaPath: current.schemaPath, ...(hasBody && bodyText !== undefined ? { bodyText } : {}) });
    return request;
  }

  // openapi-fetch checks what a middleware returns with `instanceof` this constructor: any Request passes.
  OperationRequest.prototype = Request.prototype;

  const client = createClient<Paths, 'application/json'>({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    ...(options.headers ? { headers: options.headers } : {}),
    bodySerializer: (body: unknown) => serializeJsonBody(prepareBody ? prepareBody(body) : body),
    Request: OperationRequest as unknown as typeof Request,
  });
  // openapi-fetch builds the Request before its first await, so the call noted here is the one it builds.
  const noting =
    <Send extends (...args: never[]) => unknown>(send: Send, at: number) =>
    (...args: Parameters<Send>) => {
      call = { schemaPath: args[at] as unknown as string, params: ((args[at + 1] as { params?: Params } | undefined)?.params ?? {}) as Params };
      try {
        return send(...args);
      } finally {
        call = undefined;
      }
    };
  const methods = client as unknown as Record<string, (...args: never[]) => unknown>;
  for (const method of METHODS) methods[method] = noting(methods[method]!, 0);
  methods.request = noting(methods.request!, 1);
  return client;
}
