// HMAC-SHA256 request signatures over the exact body bytes, in Node, Deno, Bun, browsers and workers alike.
import { hmacSha256 } from '../crypto-backend';
import { timingSafeEqualStrings } from '../same-secret';

const PREFIX = 'sha256=';
const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/i;

/** A signer for one secret: `sha256=<hex>` of the bytes (a string is encoded as UTF-8). */
export function createSigner(secret: string): (body: string | Uint8Array) => Promise<string> {
  const hmac = hmacSha256(secret);
  return async (body) => PREFIX + (await hmac(body));
}

/**
 * The `signature` header value for a body: `sha256=` + lower-case hex HMAC-SHA256 of exactly these bytes
 * (a string is encoded as UTF-8), keyed by `secret`.
 */
export function signPayload(body: string | Uint8Array, secret: string): Promise<string> {
  return createSigner(secret)(body);
}

/**
 * Whether `hex` (the 64 hex digits of a signature, any case) is the HMAC-SHA256 of `body` under `secret`.
 * Constant-time; false, never a throw, when the digest cannot be computed.
 */
export async function hexSignatureMatches(body: string | Uint8Array, hex: string, secret: string): Promise<boolean> {
  try {
    return timingSafeEqualStrings(await hmacSha256(secret)(body), hex.toLowerCase());
  } catch {
    return false;
  }
}

/**
 * Whether `signatureHeader` is the `sha256=<hex>` signature of `body` under `secret`. Never throws: a missing,
 * malformed (another algorithm, not hex, wrong length) or mismatched header is simply `false`.
 */
export async function verifySignature(
  body: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string,
): Promise<boolean> {
  // The hex digits only (the pattern matched the prefix): the same comparison without the signer around it.
  return typeof signatureHeader === 'string' && SIGNATURE_PATTERN.test(signatureHeader) && hexSignatureMatches(body, signatureHeader.slice(PREFIX.length), secret);
}
