// What the transport needs to know about a request that openapi-fetch does not hand to `fetch`: which
// operation it is. Set by the first middleware, read by the transport; keyed by the Request itself.
import type { OperationEntry } from './validation-types';

export interface RequestContext {
  operation: OperationEntry | undefined;
  schemaPath: string;
  /** The serialized body, exactly as sent, when our serializer produced it. */
  bodyText?: string;
}

// A symbol-keyed property of the Request: invisible to enumeration and JSON, and, unlike a WeakMap entry,
// nothing for the garbage collector to do.
const CONTEXT = Symbol('crm-open-api.request-context');
type Tagged = Request & { [CONTEXT]?: RequestContext };

export const setRequestContext = (request: Request, context: RequestContext): void => {
  (request as Tagged)[CONTEXT] = context;
};

export const getRequestContext = (request: Request): RequestContext | undefined => (request as Tagged)[CONTEXT];
