// HMAC-SHA256 and digests for every runtime: node:crypto when the runtime offers it (Node, Bun and Deno do,
// through `process.getBuiltinModule`; it is synchronous and ~20× faster than a WebCrypto round trip), else
// WebCrypto (browsers, workers). Both give the same lower-case hex.
type NodeCrypto = {
  createHmac(algorithm: string, key: string): { update(data: Uint8Array | string): { digest(encoding: 'hex'): string } };
  createHash(algorithm: string): { update(data: Uint8Array | string): { digest(encoding: 'hex'): string } };
};

// Pure (an IIFE so annotated): a bundle that never signs or hashes leaves it out.
const nodeCrypto = /* @__PURE__ */ (() => (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined)();
const encoder = /* @__PURE__ */ new TextEncoder();
/** The UTF-8 bytes of a string (one encoder for the package). */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);
const toBytes = (data: string | Uint8Array) => (typeof data === 'string' ? encoder.encode(data) : data);

function toHex(buffer: ArrayBuffer): string {
  let hex = '';
  for (const byte of new Uint8Array(buffer)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A function computing HMAC-SHA256(secret, data) as lower-case hex; the key is prepared once. */
export function hmacSha256(secret: string): (data: string | Uint8Array) => Promise<string> {
  if (nodeCrypto) return async (data) => nodeCrypto.createHmac('sha256', secret).update(data).digest('hex');
  let key: ReturnType<typeof globalThis.crypto.subtle.importKey> | undefined;
  return async (data) => {
    key ??= globalThis.crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return toHex(await globalThis.crypto.subtle.sign('HMAC', await key, toBytes(data)));
  };
}

/** SHA-1 or SHA-256 of the data as lower-case hex. */
export async function digestHex(algorithm: 'SHA-1' | 'SHA-256', data: string | Uint8Array): Promise<string> {
  if (nodeCrypto) return nodeCrypto.createHash(algorithm === 'SHA-1' ? 'sha1' : 'sha256').update(data).digest('hex');
  return toHex(await globalThis.crypto.subtle.digest(algorithm, toBytes(data)));
}
