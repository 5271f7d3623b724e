// What the transport needs to know about a request that openapi-fetch does not hand to `fetch`: which
// operation it is. Set as the Request is built (operation-client.ts), read by the transport and the signer.
import { OutgoingRequest } from './outgoing-request';
import type { OperationEntry } from '../core/validation/types';

export interface RequestContext {
  operation: OperationEntry | undefined;
  schemaPath: string;
  /** The serialized body, exactly as sent, when our serializer produced it. */
  bodyText?: string;
}

// A non-enumerable, symbol-keyed property of the Request: invisible to enumeration, JSON and inspection in
// every runtime (the body text may hold a password), and, unlike a WeakMap entry, nothing for the garbage
// collector to do.
const CONTEXT = Symbol('crm-open-api.request-context');
type Tagged = Request & { [CONTEXT]?: RequestContext };

export const setRequestContext = (request: Request, context: RequestContext): void => {
  Object.defineProperty(request, CONTEXT, { value: context, configurable: true });
};

export const getRequestContext = (request: Request | OutgoingRequest): RequestContext | undefined =>
  request instanceof OutgoingRequest ? request.context : (request as Tagged)[CONTEXT];
