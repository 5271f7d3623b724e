// The requests the CRM never sends, made from one it does: a header dropped or changed, one byte of the body
// changed, the body sent in other bytes than the ones signed, and the hostile bodies (not JSON, another content
// type, over 1 MiB, nested thousands deep). Deterministic, so a test can tell each from the others.
import type { KitRequest } from './send';

/** The secret, token or key a wrong credential is made of (never the right one). */
export const WRONG_SECRET = 'crm-open-api-check: not the configured secret';
/** How deep the deep body nests: far past any documented call, and past a naive recursive walk's comfort. */
export const DEEP_BODY_LEVELS = 5000;
/** Past the 1 MiB every receiver of this package accepts. */
export const OVERSIZE_BODY_BYTES = 1024 * 1024 + 1024;

export const withHeaders = (request: KitRequest, headers: Record<string, string>): KitRequest => ({ ...request, headers: { ...request.headers, ...headers } });

export function withoutHeader(request: KitRequest, name: string): KitRequest {
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([key]) => key.toLowerCase() !== name.toLowerCase()));
  return { ...request, headers };
}

export const withBody = (request: KitRequest, body: string): KitRequest => ({ ...request, body });

/** The JSON value of a request's body (the kit's own bodies are always JSON). */
export const bodyValue = (request: KitRequest): Record<string, unknown> => JSON.parse(request.body ?? '{}') as Record<string, unknown>;

const nextCharacter = (c: string) => (/\d/.test(c) ? String((Number(c) + 1) % 10) : c === 'z' ? 'y' : c === 'Z' ? 'Y' : String.fromCharCode(c.charCodeAt(0) + 1));

/**
 * The body with exactly one byte changed, still JSON: the first character of the first string value (or,
 * without one, the last digit of the first number), so that only a signature can tell.
 */
export function tamperedBody(text: string): string {
  const inString = /":\[?"[A-Za-z0-9]/.exec(text);
  const inNumber = /[:,[]-?\d*\d(?=[,}\]])/.exec(text);
  const at = inString ? inString.index + inString[0].length - 1 : inNumber ? inNumber.index + inNumber[0].length - 1 : -1;
  if (at < 0) throw new Error('tamperedBody: the body holds no string or number to change');
  const c = text[at]!;
  // In a number, 9 becomes 8 (never a leading zero made of the last digit); anywhere else, the next character.
  const changed = /\d/.test(c) && !inString ? (c === '9' ? '8' : String(Number(c) + 1)) : nextCharacter(c);
  return text.slice(0, at) + changed + text.slice(at + 1);
}

/** The same JSON value in other bytes (indented): a receiver that checks a re-serialisation accepts a signature over the compact bytes. */
export const reformattedBody = (text: string): string => JSON.stringify(JSON.parse(text), null, 2);

/** Not JSON: the body cut short by its last byte. */
export const malformedBody = (text: string): string => text.slice(0, -1);

/** The JSON object's text with one member more (`"name":value`). */
function withMember(text: string, member: string): string {
  const trimmed = text.trim();
  return `${trimmed.slice(0, -1)}${trimmed === '{}' ? '' : ','}${member}}`;
}

/** The body with one member more holding `levels` nested arrays. */
export const deepBody = (text: string, levels = DEEP_BODY_LEVELS): string => withMember(text, `"deep":${'['.repeat(levels)}${']'.repeat(levels)}`);

/** The body with one member more padding it to `bytes` (the kit's bodies are ASCII: a character is a byte). */
export const oversizeBody = (text: string, bytes = OVERSIZE_BODY_BYTES): string => withMember(text, `"padding":"${'x'.repeat(Math.max(0, bytes - text.length))}"`);
