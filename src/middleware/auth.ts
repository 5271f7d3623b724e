import type { Middleware } from 'openapi-fetch';
import { requestBytes } from '../request-bytes';
import { importHmacKey, signWithKey, type HmacKey } from '../signature';

/**
 * Sets `key` on every request and, on every request with a body, `signature: sha256=<hex>` over exactly the
 * bytes the request will send (read back from the request itself, so nothing can re-serialise them).
 */
export function authMiddleware(apiKey: string, signingSecret: string): Middleware {
  let hmacKey: Promise<HmacKey> | undefined;
  return {
    async onRequest({ request }) {
      request.headers.set('key', apiKey);
      if (request.body === null) return request;
      const bytes = await requestBytes(request);
      hmacKey ??= importHmacKey(signingSecret);
      request.headers.set('signature', await signWithKey(bytes, await hmacKey));
      return request;
    },
  };
}
