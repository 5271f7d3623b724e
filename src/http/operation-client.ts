// openapi-fetch for one API of the spec, with each call's operation known before its Request exists. The
// client's methods note the path template and params of the call; openapi-fetch then builds the Request
// (synchronously, in the same call) through `Request` below, which looks the operation up, checks path,
// query and body against the spec (CrmValidationError before anything is sent), sets the headers every
// request carries and tags the Request for the transport. While no middleware is there to see it, what it
// gives the transport is an OutgoingRequest, not a Request (see outgoing-request.ts). No middleware of ours is on the way: for each
// middleware openapi-fetch makes a request id and awaits its answer, which on the hot path cost about as
// much as all our checks together (npm run bench).
import createClient, { type Client } from 'openapi-fetch';
import { CrmValidationError } from '../core/errors';
import { OutgoingRequest } from './outgoing-request';
import { setRequestContext, type RequestContext } from './outgoing-request';
import { serializeJsonBody } from './serialize-body';
import { describeIssues, issuesText } from '../core/validation/messages';
import type { OperationEntry, RequestValidator } from '../core/validation/types';

export interface OperationClientOptions {
  baseUrl: string;
  /** The transport: it gets every request, tagged with its operation. */
  fetch: (request: Request | OutgoingRequest) => Promise<Response>;
  headers?: Record<string, string> | undefined;
  /** Every operation of the API by `METHOD /path/template` (generated/<api>.operations.ts). */
  operations: Record<string, OperationEntry>;
  /** Request validators by operationId; without them nothing is validated. */
  validators?: Record<string, RequestValidator> | undefined;
  /** Applied to a body before it is serialised (v1 signing leaves empty fields out). */
  prepareBody?: ((body: unknown) => unknown) | undefined;
  /** Sets what every request carries (`key`, `authorization`): after the caller's headers, so it wins. */
  setHeaders?: (headers: Headers) => void;
}

type Params = { path?: object; query?: object };
/** `plain`: the call's options are only these, with no middleware of its own and a real AbortSignal if any. */
type Call = { schemaPath: string; params: Params; plain: boolean; parseAs: string | undefined };

// Options a call may have and still go to fetch unbuilt: building its Request later (in Node's fetch) cannot
// fail where building it now would not have, and no middleware needs to see it.
const PLAIN_OPTIONS = new Set(['params', 'body', 'headers', 'parseAs', 'signal']);
const isPlain = (init: Record<string, unknown> | undefined): boolean => {
  for (const key in init) if (!PLAIN_OPTIONS.has(key)) return false;
  return init?.signal === undefined || init.signal instanceof AbortSignal;
};

/** openapi-fetch's methods, one per HTTP method. */
export const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

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

function parses(url: string): boolean {
  try {
    return Boolean(new URL(url));
  } catch {
    return false;
  }
}

export function createOperationClient<Paths extends {}>(options: OperationClientOptions): Client<Paths, 'application/json'> {
  const { operations, validators, prepareBody, setHeaders } = options;
  let call: Call | undefined;
  // Set once a middleware is added (`use`): from then on every call is built into a Request for it to see.
  let middlewareUsed = false;
  // A base URL that does not parse on its own (relative, say) is left to the Request to resolve or refuse.
  const absoluteBase = parses(options.baseUrl);

  // Called by openapi-fetch as `new Request(url, init)`; a function that returns an object, so `new` gives it.
  function OperationRequest(input: string, init: RequestInit & { headers: Headers; method: string }): Request | OutgoingRequest {
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
    // Never followed, whatever the call asked (openapi-fetch's default is 'follow'): a redirect would carry
    // `key`, `signature` and the signed body to wherever it points. The transport turns a 3xx into an error.
    init.redirect = 'manual';
    if (!current) return new Request(input, init);
    const context: RequestContext = { operation, schemaPath: current.schemaPath, bodyText, parseAs: current.parseAs };
    const bodyFits = hasBody ? bodyText !== undefined && init.method !== 'GET' && init.method !== 'HEAD' : true;
    if (absoluteBase && !middlewareUsed && current.plain && bodyFits) return new OutgoingRequest(input, init, context);
    const request = new Request(input, init);
    setRequestContext(request, context);
    return request;
  }

  // openapi-fetch checks what a middleware returns with `instanceof` this constructor: any Request passes.
  OperationRequest.prototype = Request.prototype;

  const client = createClient<Paths, 'application/json'>({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    headers: options.headers,
    bodySerializer: (body: unknown) => serializeJsonBody(prepareBody ? prepareBody(body) : body),
    Request: OperationRequest as unknown as typeof Request,
  });
  // openapi-fetch builds the Request before its first await, so the call noted here is the one it builds.
  const noting =
    <Send extends (...args: never[]) => unknown>(send: Send, at: number) =>
    (...args: Parameters<Send>) => {
      const init = args[at + 1] as { params?: Params; parseAs?: string } | undefined;
      call = { schemaPath: args[at] as unknown as string, params: (init?.params ?? {}) as Params, plain: isPlain(init), parseAs: init?.parseAs };
      try {
        return send(...args);
      } finally {
        call = undefined;
      }
    };
  const methods = client as unknown as Record<string, (...args: never[]) => unknown>;
  for (const method of METHODS) methods[method] = noting(methods[method]!, 0);
  methods.request = noting(methods.request!, 1);
  const use = client.use;
  client.use = (...middleware) => {
    use(...middleware);
    middlewareUsed ||= middleware.some(Boolean);
  };
  return client;
}
