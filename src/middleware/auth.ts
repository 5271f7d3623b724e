import type { Middleware } from 'openapi-fetch';
import { getRequestContext } from '../request-context';
import { requestBytes } from '../request-bytes';
import { createSigner } from '../signature';

/**
 * Sets `key` on every request and, on every request with a body, `signature: sha256=<hex>` over exactly the
 * bytes the request will send: the text our serializer produced for it, or else read back from the request.
 */
export function authMiddleware(apiKey: string, signingSecret: string): Middleware {
  const sign = createSigner(signingSecret);
  return {
    async onRequest({ request }) {
      request.headers.set('key', apiKey);
      if (request.body === null) return request;
      const text = getRequestContext(request)?.bodyText;
      request.headers.set('signature', await sign(text ?? (await requestBytes(request))));
      return request;
    },
  };
}
