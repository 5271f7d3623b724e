// PKCE (RFC 7636) with WebCrypto only, so it runs in browsers and workers as well as in Node.

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * Standard base64 of bytes (btoa takes a binary string: one character per byte). For short input only (a digest,
 * a client id and secret): the bytes are spread as arguments.
 */
export const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

/** Base64url without padding, of bytes. */
export const base64Url = (bytes: Uint8Array): string => base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** `length` characters of the unreserved set from a cryptographic random source, without modulo bias. */
export function randomUnreserved(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of globalThis.crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 198 && out.length < length) out += UNRESERVED[byte % 66]; // 198 = 3 × 66: uniform
    }
  }
  return out;
}

/** The S256 challenge of a verifier: BASE64URL(SHA-256(ASCII(verifier))), 43 characters. */
export async function pkceChallenge(verifier: string): Promise<string> {
  if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) throw new TypeError('pkceChallenge: the verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)');
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** A fresh verifier (64 characters; `length` 43–128) and its S256 challenge. */
export async function createPkcePair(length = 64): Promise<{ verifier: string; challenge: string; method: 'S256' }> {
  if (!Number.isInteger(length) || length < 43 || length > 128) throw new RangeError('createPkcePair: length must be 43 to 128');
  const verifier = randomUnreserved(length);
  return { verifier, challenge: await pkceChallenge(verifier), method: 'S256' };
}

/** A `state` for one sign-in: 32 random unreserved characters. */
export const createState = (): string => randomUnreserved(32);
