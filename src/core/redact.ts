// What never leaves the process in an error, a log line or an inspection: credentials and passwords.

/** Header and field names whose values are secrets (the API key, signatures, tokens, passwords). */
const SECRET_NAME = /^(key|signature|sign|authorization|cookie|crm-pay-token|x-crm-signature)$|password|secret|token|api[-_]?key/i;

export const REDACTED = '[redacted]';

export const isSecretName = (name: string): boolean => SECRET_NAME.test(name);

/** A copy of a JSON-like value with every secret-named field's value replaced. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([name, field]) => [name, isSecretName(name) ? REDACTED : redactValue(field, depth + 1)]),
  );
}

/** Headers as a plain object, secrets replaced. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = isSecretName(name) ? REDACTED : value;
  });
  return out;
}
