// Classifying a failed attempt: could the CRM have received it, and may it be tried again?

/** Socket errors raised before a connection exists, so before any byte of the request was written. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Statuses that mean "try later" and say nothing about whether the request was acted on. */
export const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);

/** An answer that does not settle a request that moves money or creates something. */
export const isIndefiniteStatus = (status: number): boolean => status === 429 || status >= 500;

function codesOf(error: unknown, depth = 0): string[] {
  if (depth > 4 || typeof error !== 'object' || error === null) return [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  return [
    ...(typeof code === 'string' ? [code] : []),
    ...codesOf(cause, depth + 1),
    ...(Array.isArray(errors) ? errors.flatMap((inner) => codesOf(inner, depth + 1)) : []),
  ];
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
