// HMAC-SHA256 request signatures over the exact body bytes, with WebCrypto so the package runs in Node,
// Deno, Bun, browsers and workers alike.

const encoder = new TextEncoder();

/** A WebCrypto HMAC key (named by inference: not every runtime's typings declare `CryptoKey` globally). */
export type HmacKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;
const PREFIX = 'sha256=';
const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/i;

function toBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? encoder.encode(body) : body;
}

function toHex(buffer: ArrayBuffer): string {
  let hex = '';
  for (const byte of new Uint8Array(buffer)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Imports an HMAC-SHA256 key once; reuse the result to sign many payloads with the same secret. */
export function importHmacKey(secret: string): Promise<HmacKey> {
  return globalThis.crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
}

/** `sha256=<hex>` over the bytes with an already imported key. */
export async function signWithKey(body: string | Uint8Array, key: HmacKey): Promise<string> {
  return PREFIX + toHex(await globalThis.crypto.subtle.sign('HMAC', key, toBytes(body)));
}

/**
 * The `signature` header value for a body: `sha256=` + lower-case hex HMAC-SHA256 of exactly these bytes
 * (a string is encoded as UTF-8), keyed by `secret`.
 */
export async function signPayload(body: string | Uint8Array, secret: string): Promise<string> {
  return signWithKey(body, await importHmacKey(secret));
}

/** Compares two equal-length strings without an early exit, so timing tells nothing about where they differ. */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
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
  if (typeof signatureHeader !== 'string' || !SIGNATURE_PATTERN.test(signatureHeader)) return false;
  try {
    const expected = await signPayload(body, secret);
    return timingSafeEqualStrings(expected, signatureHeader.toLowerCase());
  } catch {
    return false;
  }
}
