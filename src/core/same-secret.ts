// Comparing a presented credential with the expected one so that timing reveals neither where they differ
// nor the expected one's length: both are hashed first, then the digests are compared without early exit.
import { digestHex } from './crypto-backend';
import { timingSafeEqualStrings } from './signatures/hmac-sha256';

export async function sameSecret(presented: string | null | undefined, expected: string): Promise<boolean> {
  if (typeof presented !== 'string' || presented === '') return false;
  const [a, b] = await Promise.all([digestHex('SHA-256', presented), digestHex('SHA-256', expected)]);
  return timingSafeEqualStrings(a, b);
}
