// What `trigger` and `check` refuse before anything is sent, and how they show the URL they were given: one
// rule for both commands (and for checkReceiver and buildCrmCall), so the two cannot drift apart.
import { REDACTED, isSecretName, redactSecretsIn, secretSpellings } from '../../core/redact';
import type { CrmCallSecrets } from './types';

/** Why `url` cannot be called (said after the option's name), or undefined. Credentials in it would be printed and sent. */
export function urlProblem(url: string): string | undefined {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) return 'must be an http(s) URL';
  if (parsed.username || parsed.password) return 'must not hold credentials';
  return undefined;
}

/** The secrets that go into a header as they are (the others are only a signing key). */
const HEADER_SECRETS: readonly (keyof CrmCallSecrets)[] = ['crmPayToken', 'ratesKey', 'walletsKey'];

/**
 * Why a secret cannot be used (said after its name), or undefined. A control character (CR, LF, NUL, …) would
 * split or break a header and fetch throws a bare TypeError; a header value must also be ASCII. Never the value.
 */
export function secretProblem(name: keyof CrmCallSecrets, value: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  if (HEADER_SECRETS.includes(name) && /[^\u0020-\u007e]/.test(value)) return 'must be visible ASCII (it is sent as a header)';
  return undefined;
}

/**
 * Text with every known secret replaced (core/redact's spellings: as given, JSON-escaped, percent-encoded),
 * and the value of any secret-named query parameter (`?key=…`) too: for printing a URL, a record or a report.
 */
export function redactKnownSecrets(text: string, secrets: CrmCallSecrets): string {
  const out = redactSecretsIn(text, secretSpellings(Object.values(secrets)));
  return out.replace(/([?&])([^=&#\s"]+)=([^&#\s"]*)/g, (whole, sep: string, name: string) => (isSecretName(decoded(name)) ? `${sep}${name}=${REDACTED}` : whole));
}

function decoded(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
