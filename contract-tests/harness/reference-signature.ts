// The SHA-1 parameter signature (PSP `sign`, External Wallets `signature`) transcribed from the vendor's
// sample with node:crypto: an implementation independent of the package's, to check it against.
import { createHash } from 'node:crypto';

export function referenceSha1Signature(params: Record<string, unknown>, secret: string): string {
  const query = Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '' && params[k] != null && String(params[k]) !== '')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
  return createHash('sha1').update(query + secret, 'utf8').digest('hex').toUpperCase();
}

/**
 * The other reading, transcribed from what a production PSP adapter for this CRM does: every top-level field
 * but `sign`, empty ones included, sorted with JavaScript's default sort, `${key}=${value}`, key appended.
 */
export function referenceSha1SignatureKeepingEmpties(params: Record<string, unknown>, secret: string): string {
  const data = { ...params };
  delete data.sign;
  const query = Object.keys(data)
    .sort()
    .map((k) => `${k}=${data[k]}`)
    .join('&');
  return createHash('sha1').update(query + secret, 'utf8').digest('hex').toUpperCase();
}
