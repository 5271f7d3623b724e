// Classifying a failed attempt: could the CRM have received it, and may it be tried again?

/** Socket errors raised before a connection exists, so before any byte of the request was written. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Statuses that mean "try later" and say nothing about whether the request was acted on. */
export const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);

/** An answer that does not settle a request that moves money or creates something. */
export const isIndefiniteStatus = (status: number): boolean => status === 429 || status >= 500;

/** The socket codes of `error`, its causes and an AggregateError's errors, outermost first. */
function codesOf(error: unknown, depth = 0, codes: string[] = []): string[] {
  if (depth > 4 || typeof error !== 'object' || error === null) return codes;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') codes.push(code);
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) codesOf(inner, depth + 1, codes);
  return codes;
}

/** True only when every error in the chain proves the connection never opened. */
export function wasNotSent(error: unknown): boolean {
  const codes = codesOf(error);
  return codes.length > 0 && codes.every((code) => NOT_SENT_CODES.has(code));
}

/** A short, secret-free reason: the first socket code, or the error's class. */
export function describeFailure(error: unknown): string {
  const [code] = codesOf(error);
  if (code) return code;
  return error instanceof Error ? error.name : typeof error;
}

/** The origin a redirect points to (never its path or query); undefined when absent or not a URL. */
function originOf(location: string | null, base: string): string | undefined {
  if (!location) return undefined;
  try {
    const { origin } = new URL(location, base);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

export interface Redirect {
  status: number;
  targetOrigin: string | undefined;
  /** True when the fetch followed it anyway (a custom fetch that ignores `redirect: 'manual'`). */
  followed: boolean;
}

/**
 * The redirect an answer is, if it is one: a 3xx, a browser's opaque redirect (status 0, no headers), or an
 * answer a custom fetch reached by following one. Status first: it is the only check a normal answer pays.
 */
export function redirectOf(response: Response, request: { readonly url: string }): Redirect | undefined {
  const { status } = response;
  if (status >= 300 && status < 400) return { status, targetOrigin: originOf(response.headers.get('location'), request.url), followed: false };
  if (status === 0 && response.type === 'opaqueredirect') return { status, targetOrigin: undefined, followed: false };
  if (response.redirected) return { status, targetOrigin: originOf(response.url, request.url), followed: true };
  return undefined;
}
