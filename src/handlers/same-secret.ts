// Comparing a presented credential with the expected one so that timing reveals neither where they differ
// nor the expected one's length: both are hashed first, then the digests are compared without early exit.
import { timingSafeEqualStrings } from '../signature';

const encoder = new TextEncoder();

async function digestHex(value: string): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(value)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export async function sameSecret(presented: string | null | undefined, expected: string): Promise<boolean> {
  if (typeof presented !== 'string' || presented === '') return false;
  const [a, b] = await Promise.all([digestHex(presented), digestHex(expected)]);
  return timingSafeEqualStrings(a, b);
}
