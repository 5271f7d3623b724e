// What the transport needs to know about a request that openapi-fetch does not hand to `fetch`: which
// operation it is. Set by the first middleware, read by the transport; keyed by the Request itself.
import type { OperationEntry } from './validation-types';

export interface RequestContext {
  operation: OperationEntry | undefined;
  schemaPath: string;
  /** The serialized body, exactly as sent, when our serializer produced it. */
  bodyText?: string;
}

const contexts = /* @__PURE__ */ new WeakMap<Request, RequestContext>();

export const setRequestContext = (request: Request, context: RequestContext): void => {
  contexts.set(request, context);
};

export const getRequestContext = (request: Request): RequestContext | undefined => contexts.get(request);
