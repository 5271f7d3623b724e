// The package's one constant-time comparison. A presented credential is compared with the expected one so that
// timing reveals neither where they differ nor the expected one's length: both are hashed first, then the
// digests are compared without early exit.
import { digestHex } from './crypto-backend';

/** Compares two equal-length strings without an early exit, so timing tells nothing about where they differ. */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

export async function sameSecret(presented: string | null | undefined, expected: string): Promise<boolean> {
  if (typeof presented !== 'string' || presented === '') return false;
  const [a, b] = await Promise.all([digestHex('SHA-256', presented), digestHex('SHA-256', expected)]);
  return timingSafeEqualStrings(a, b);
}
