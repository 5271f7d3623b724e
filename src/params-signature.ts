// The SHA-1 parameter signature the CRM uses twice: the PSP `sign` (keyed by the `crm-pay-token`) and the
// External Wallets `signature` header (keyed by the API key). One construction, implemented once:
//
//   1. Take the parameters (the JSON body's top-level members), leave out `sign` and every empty value.
//   2. Sort the keys by UTF-16 code unit, which is ASCII order for the ASCII keys these APIs use.
//   3. Join as `key=value&key=value…` (no URL encoding) → StringA; append the secret → StringB.
//   4. SHA-1 of the UTF-8 bytes of StringB, as upper-case hex.
//
// Points the vendor's pages leave open, and what is decided here:
// - "Empty" is `null`, `undefined` and `""` (the prose says to drop empty values; the code samples do not
//   drop anything, so a sender that includes empty values must not send them at all to match).
// - `sign` is excluded (a value cannot depend on itself; the samples hash `data` before `sign` is set).
// - Values are rendered as the pages' JavaScript sample renders them, with String(): numbers as JavaScript
//   prints them (162.48, 1e21), booleans `true`/`false`, arrays comma-joined (`a,b`). An empty array renders
//   as "" and so counts as empty. Objects (unused by these bodies) are rendered as JSON, not "[object Object]",
//   so that a nested change still changes the signature.
// - Keys and values are not URL-encoded; non-ASCII text is hashed as UTF-8 (the Python sample's encoding).

import { digestHex } from './crypto-backend';
import { timingSafeEqualStrings } from './signature';

export type SignedParams = Record<string, unknown>;

function render(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

/** StringA: the sorted, non-empty `k=v` pairs of `params` (without `sign`) joined with `&`. */
export function canonicalParams(params: SignedParams): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign')
    .map((key) => [key, params[key]] as const)
    .filter(([, value]) => value !== undefined && value !== null && render(value) !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${render(value)}`)
    .join('&');
}

/** SHA-1 of StringA + secret, upper-case hex (40 characters). */
export async function sha1ParamsSignature(params: SignedParams, secret: string): Promise<string> {
  return (await digestHex('SHA-1', canonicalParams(params) + secret)).toUpperCase();
}

/**
 * Whether `given` is the signature of `params` under `secret`: 40 hex characters (either case), compared in
 * constant time. Never throws: anything malformed is simply false.
 */
export async function verifySha1ParamsSignature(params: unknown, secret: string, given: unknown): Promise<boolean> {
  if (typeof given !== 'string' || !/^[0-9A-Fa-f]{40}$/.test(given)) return false;
  if (typeof params !== 'object' || params === null || Array.isArray(params) || typeof secret !== 'string' || secret === '') return false;
  return timingSafeEqualStrings(await sha1ParamsSignature(params as SignedParams, secret), given.toUpperCase());
}
