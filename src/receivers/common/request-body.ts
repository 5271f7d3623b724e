// Reading what the CRM sent, bounded: a body over `maxBodyBytes` is refused with 413 while it is read (the
// rest is never buffered), and a body that is not JSON by its content type is refused with 415.
import { jsonResponse } from './answers';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../core/body-limits';

export type BodyRead = { bytes: Uint8Array } | { refusal: Response };

/** How a receiver words a refusal in its own error body (the wallet `{type, message}`, PSP's `{data, result, msg}`). */
export type Refuse = (status: 400 | 413 | 415, type: 'invalid_request' | 'payload_too_large' | 'unsupported_media_type', message: string) => Response;

const refuseAsType: Refuse = (status, type, message) => jsonResponse(status, { type, message });
const tooLarge = (maxBytes: number, refuse: Refuse) => refuse(413, 'payload_too_large', `body must be at most ${maxBytes} bytes`);

/** The whole body, or a 413 as soon as it is known to exceed `maxBytes` (from Content-Length, or while reading). */
export async function readBodyLimited(request: Request, maxBytes: number, refuse: Refuse = refuseAsType): Promise<BodyRead> {
  // NaN (no Content-Length, or not a number) is never larger: such a body is bounded while it is read.
  if (Number(request.headers.get('content-length')) > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    return { refusal: tooLarge(maxBytes, refuse) };
  }
  if (!request.body) return { bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const chunk = await reader.read().catch(() => undefined);
    // The sender broke the body off (a reset connection): there is nothing whole to check.
    if (!chunk) return { refusal: refuse(400, 'invalid_request', 'body: must arrive whole (the stream broke off)') };
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { refusal: tooLarge(maxBytes, refuse) };
    }
    chunks.push(value);
  }
  return { bytes: new Uint8Array(await new Blob(chunks).arrayBuffer()) };
}

/** A JSON media type: `application/json` or `…+json`, in any case, with any parameters. */
const JSON_MEDIA_TYPE = /^\s*(?:application\/json|[^;]*\+json)\s*(?:;|$)/i;

/** The rule a body that is not JSON breaks, named in the 400 that refuses it. */
export const NOT_JSON = `body: must be UTF-8 JSON nested at most ${MAX_JSON_DEPTH} levels deep`;

/**
 * Parses UTF-8 JSON bytes nested at most MAX_JSON_DEPTH deep; undefined when they are not (code that walks a
 * value, such as the signature's rendering, then never meets one deep enough to exhaust the stack).
 */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    if (nestsDeeperThan(bytes)) return undefined;
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/** 415 for another content type, 413 over `maxBytes`, else the bytes (not parsed: a webhook's are checked first). */
export async function readJsonBytes(request: Request, maxBytes: number, refuse: Refuse = refuseAsType): Promise<BodyRead> {
  const type = request.headers.get('content-type');
  // No content type at all is accepted: the CRM's pages name none, and the body is still checked by its
  // signature and schema.
  if (type !== null && !JSON_MEDIA_TYPE.test(type)) {
    await request.body?.cancel().catch(() => undefined);
    return { refusal: refuse(415, 'unsupported_media_type', 'content-type must be application/json') };
  }
  return readBodyLimited(request, maxBytes, refuse);
}

/**
 * The JSON body of a receiver call, with every refusal decided first: 415 for another content type, 413 over
 * `maxBytes`. `value` is undefined when the bytes are not JSON (NOT_JSON says why; the caller answers it).
 */
export async function readJsonBody(request: Request, maxBytes: number, refuse: Refuse = refuseAsType): Promise<{ bytes: Uint8Array; value: unknown } | { refusal: Response }> {
  const read = await readJsonBytes(request, maxBytes, refuse);
  if ('refusal' in read) return read;
  return { bytes: read.bytes, value: parseJson(read.bytes) };
}
