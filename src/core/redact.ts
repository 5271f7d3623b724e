// What never leaves the process in an error, a log line or an inspection: credentials and passwords.

/**
 * Header and field names whose values are secrets (the API key, signatures, tokens, passwords). Any name with
 * `token` in it is one (`crm-pay-token`, `refresh_token`, `mfa_token`).
 */
const SECRET_NAME = /^(key|signature|sign|authorization|cookie|x-crm-signature)$|password|secret|token|api[-_]?key/i;

export const REDACTED = '[redacted]';

export const isSecretName = (name: string): boolean => SECRET_NAME.test(name);

/**
 * Field names whose values are personal data: contact details, names, addresses, birth dates, identity
 * documents, card and bank numbers, IP addresses. Broad on purpose: a name it catches wrongly only hides a value.
 */
const PERSONAL_NAME = /e-?mail|phone|mobile|^(\w+_)?name$|names?$|address|street|city|zip|postal|postcode|birth|dob|passport|id_number|national_id|tax_id|ssn|iban|swift|card|bank|account_number|^ip(_|$)|geo|nationality|gender/i;

export const isPersonalName = (name: string): boolean => PERSONAL_NAME.test(name);

/** A secret or a personal field: its value never appears in a report. */
export const isSensitiveName = (name: string): boolean => isSecretName(name) || isPersonalName(name);

/**
 * A `JSON.stringify` replacer that replaces the value of every secret-named field, at any depth (the replacer
 * sees each value after its own `toJSON`, so a nested error is redacted too).
 */
export const redactSecretFields = (name: string, value: unknown): unknown => (isSecretName(name) ? REDACTED : value);

/** Headers as a plain object, secrets replaced. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = isSecretName(name) ? REDACTED : value;
  });
  return out;
}

/**
 * Secrets shorter than this are not searched for in what a server sends back: replacing every "key1" in an
 * error body would mangle its `type` and fields, and no real API key or signing secret is that short.
 */
const MIN_SECRET_LENGTH = 8;

/**
 * The spellings of each secret a server could echo it in: as sent, JSON-escaped (with and without `\/`, as
 * PHP's json_encode writes a slash) and percent-encoded. Computed once per client.
 */
export function secretSpellings(secrets: readonly (string | undefined)[]): string[] {
  const spellings = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    const escaped = JSON.stringify(secret).slice(1, -1);
    for (const form of [secret, escaped, escaped.replaceAll('/', '\\/'), encodeURIComponent(secret)]) spellings.add(form);
  }
  // Longest first, so a spelling that contains another is replaced whole.
  return [...spellings].sort((a, b) => b.length - a.length);
}

/** `text` with every spelling of a secret (see secretSpellings) replaced by `[redacted]`. */
export function redactSecretsIn(text: string, spellings: readonly string[]): string {
  return spellings.reduce((out, spelling) => out.replaceAll(spelling, REDACTED), text);
}
