// The `signature` of a REST request with a body, set by the transport just before the first attempt, over
// what is actually sent (a caller's middleware may have replaced the request).
import { CrmValidationError } from '../core/errors';
import { isPlainObject } from '../core/plain-object';
import { sha1ParamsSignature, unsignableParam } from '../core/signatures/sha1-params';
import type { TransportRequest } from '../http/outgoing-request';
import { getRequestContext } from '../http/outgoing-request';
import { requestBytes } from '../http/request-bytes';
import { createSigner } from '../core/signatures/hmac-sha256';
import type { SignatureVersion } from './types';


/**
 * The older REST signature: the SHA-1 parameter signature over the body's top-level fields (see
 * params-signature.ts). What it cannot sign unambiguously is refused here, before anything is sent.
 */
function createV1Signer(secret: string): (text: string, operationId: string | undefined) => Promise<string> {
  return async (text, operationId) => {
    const params = JSON.parse(text) as unknown;
    const unsignable = isPlainObject(params) ? unsignableParam(params) : { field: '', rule: 'must be a JSON object to be signed with signature v1' };
    if (unsignable) {
      const field = unsignable.field ? `body.${unsignable.field}` : 'body';
      throw new CrmValidationError(`${operationId ?? 'request'}: ${field} ${unsignable.rule}`, field, unsignable.rule, operationId);
    }
    return sha1ParamsSignature(params as Record<string, unknown>, secret);
  };
}

/**
 * Sets `signature` on a request with a body: V2 is `sha256=<hex>` over exactly the bytes the request will send
 * (the text our serializer produced for it, or else read back from the request); v1 is the SHA-1 parameter
 * signature of the body's fields.
 */
export function createRequestSigner(signingSecret: string, version: SignatureVersion = 'v2'): (request: TransportRequest) => Promise<void> | undefined {
  const signV2 = createSigner(signingSecret);
  const signV1 = createV1Signer(signingSecret);
  const sign = async (request: TransportRequest) => {
    const context = getRequestContext(request);
    const text = context?.bodyText;
    if (version === 'v1') {
      request.headers.set('signature', await signV1(text ?? new TextDecoder().decode(await requestBytes(request as Request)), context?.operation?.id));
    } else {
      request.headers.set('signature', await signV2(text ?? (await requestBytes(request as Request))));
    }
  };
  // Nothing to sign (and no promise to wait for) without a body.
  return (request) => (request.body === null ? undefined : sign(request));
}
