// The SHA-1 parameter signature the CRM uses three times: the PSP `sign` (keyed by the `crm-pay-token`), the
// External Wallets `signature` header (keyed by the API key) and the older REST signature "v1" (keyed by the
// API key). One construction, implemented once:
//
//   1. Take the parameters (the JSON body's top-level members), leave out `sign` and every empty value.
//   2. Sort the keys by UTF-16 code unit, which is ASCII order for the ASCII keys these APIs use.
//   3. Join as `key=value&key=value…` (no URL encoding) → StringA; append the secret → StringB.
//   4. SHA-1 of the UTF-8 bytes of StringB, as upper-case hex.
//
// Points the vendor's pages leave open, and what is decided here:
// - Empty values. The prose drops them; the code samples do not; a PSP adapter running against this CRM in
//   production verifies over every field, empty ones included. So verifying accepts a signature computed
//   either way (both compared, in constant time), and every signer here sends no empty fields at all
//   (`withoutEmptyParams`), so that both readings give the same value. "Empty" is `null`, `undefined` and
//   `""` (and so an empty array, which renders as ""). Kept, an empty value renders as JavaScript's String()
//   does (`null`, ``), as the samples' template strings do.
// - `sign` is excluded (a value cannot depend on itself; the samples hash `data` before `sign` is set).
// - Values are rendered as the pages' JavaScript sample renders them, with String(): numbers as JavaScript
//   prints them (162.48, 1e21), booleans `true`/`false`, arrays of scalars comma-joined (`a,b`).
// - Nested values (objects, arrays holding objects) are not defined by any page: the JS sample would sign
//   "[object Object]", and the CRM's own computation is unknown. PSP and wallet bodies have none (objects are
//   rendered as JSON there, so that a nested change still changes the signature); the REST client refuses to
//   sign them in v1 (`unsignableParam`) rather than send a signature the CRM may compute differently.
// - Keys and values are not URL-encoded; non-ASCII text is hashed as UTF-8 (the Python sample's encoding).

import { digestHex } from '../crypto-backend';
import { timingSafeEqualStrings } from './hmac-sha256';

export type SignedParams = Record<string, unknown>;
export type EmptyValues = 'drop' | 'keep';

/** A JSON object (not null, not an array): what has named fields to sign. */
export const isPlainObject = (value: unknown): value is SignedParams => value !== null && typeof value === 'object' && !Array.isArray(value);

function render(value: unknown): string {
  if (isPlainObject(value)) return JSON.stringify(value);
  return String(value);
}

const isEmpty = (value: unknown) => value === undefined || value === null || render(value) === '';

/** StringA: the sorted `k=v` pairs of `params` (without `sign`; without empty values unless `keep`) joined with `&`. */
export function canonicalParams(params: SignedParams, empties: EmptyValues = 'drop'): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && (empties === 'keep' || !isEmpty(params[key])))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${key}=${render(params[key])}`)
    .join('&');
}

/** The params without their empty values: what a signer sends, so that either reading of "empty" agrees. */
export function withoutEmptyParams<T extends SignedParams>(params: T): Partial<T> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => !isEmpty(value))) as Partial<T>;
}

/**
 * The first top-level field whose value the construction does not define (an object, or an array holding
 * anything but strings, numbers and booleans), with the rule it breaks; undefined when every value is flat.
 */
export function unsignableParam(params: SignedParams): { field: string; rule: string } | undefined {
  for (const [key, value] of Object.entries(params)) {
    const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
    if (Array.isArray(value) ? !value.every((v) => v !== null && scalar(v)) : !scalar(value)) {
      return { field: key, rule: 'must be a string, number, boolean or an array of them to be signed with signature v1 (nested values are not defined by the scheme)' };
    }
  }
  return undefined;
}

/** SHA-1 of StringA + secret, upper-case hex (40 characters); empty values dropped unless `keep`. */
export async function sha1ParamsSignature(params: SignedParams, secret: string, empties: EmptyValues = 'drop'): Promise<string> {
  return (await digestHex('SHA-1', canonicalParams(params, empties) + secret)).toUpperCase();
}

/**
 * Whether `given` is the signature of `params` under `secret`, with empty values dropped or kept (either
 * reading is accepted): 40 hex characters (either case), both readings compared in constant time. Never
 * throws: anything malformed is simply false.
 */
export async function verifySha1ParamsSignature(params: unknown, secret: string, given: unknown): Promise<boolean> {
  if (typeof given !== 'string' || !/^[0-9A-Fa-f]{40}$/.test(given)) return false;
  if (typeof params !== 'object' || params === null || Array.isArray(params) || typeof secret !== 'string' || secret === '') return false;
  const presented = given.toUpperCase();
  const [dropped, kept] = await Promise.all([sha1ParamsSignature(params as SignedParams, secret, 'drop'), sha1ParamsSignature(params as SignedParams, secret, 'keep')]);
  const matchesDropped = timingSafeEqualStrings(dropped, presented);
  const matchesKept = timingSafeEqualStrings(kept, presented);
  return matchesDropped || matchesKept;
}
