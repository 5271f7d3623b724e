// One call of the run, through the package's own REST client (so it is validated and signed as a tenant's
// call is), with the answer read defensively: no redirect followed (the `key` header would go along), the
// body bounded in size (and, with the headers, in time: the client's deadline holds until it is read),
// parsed only if it is JSON, and refused when nested deeper than any answer of the spec.
import { CrmAmbiguousOutcomeError, CrmRedirectError, CrmValidationError } from '../../core/errors';
import type { OperationEntry } from '../../core/validation/types';
import { createCrmClient } from '../../rest/client';
import type { SignatureVersion } from '../../rest/types';
import type { CallInput } from './plan';

export type AnswerBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  /** Not JSON: only its content type is kept. */
  | { kind: 'text'; contentType: string }
  /** Not checked: over `maxBodyBytes`, or nested deeper than MAX_DEPTH. */
  | { kind: 'unchecked'; why: string };

export interface Answer {
  status: number;
  /** `Retry-After` (raw), when a 429 or 503 gave one. */
  retryAfter?: string;
  body: AnswerBody;
}

export type CallOutcome =
  /** `notResent`: the client treats the answer as no definitive outcome of a write (429, 5xx): never re-sent. */
  | { answer: Answer; notResent?: boolean }
  /** No answer (no connection, a timeout, a redirect refused…): a sentence, never a secret. */
  | { failure: string }
  /** The client refused the input before sending it (e.g. a body the v1 scheme cannot sign). */
  | { refused: string };

export interface CallSettings {
  baseUrl: string;
  apiKey: string;
  signingSecret?: string;
  signatureVersion: SignatureVersion;
  timeoutMs: number;
  maxBodyBytes: number;
}

/** Deeper than any answer the spec documents (a referral tree 20 levels down is about 60). */
export const MAX_DEPTH = 256;

export function tooDeep(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [at, depth] = stack.pop()!;
    if (at === null || typeof at !== 'object') continue;
    if (depth >= MAX_DEPTH) return true;
    for (const child of Object.values(at)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The body's bytes, up to `max`; undefined when there are more. */
export async function readBounded(response: Response, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) bytes.set(chunk, (offset += chunk.byteLength) - chunk.byteLength);
  return bytes;
}

async function readAnswer(response: Response, maxBodyBytes: number): Promise<Answer> {
  const status = response.status;
  const retryAfter = response.headers.get('retry-after') ?? undefined;
  const base = { status, ...(retryAfter === undefined ? {} : { retryAfter }) };
  const bytes = await readBounded(response, maxBodyBytes);
  if (!bytes) return { ...base, body: { kind: 'unchecked', why: `an answer over ${maxBodyBytes} bytes` } };
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === '') return { ...base, body: { kind: 'none' } };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The content type says what came (`text/html` from a proxy, say); a parameter such as charset is dropped.
    const contentType = (response.headers.get('content-type') ?? 'no content type').split(';')[0]!.trim().slice(0, 80);
    return { ...base, body: { kind: 'text', contentType } };
  }
  if (tooDeep(value)) return { ...base, body: { kind: 'unchecked', why: `an answer nested deeper than ${MAX_DEPTH} levels` } };
  return { ...base, body: { kind: 'json', value } };
}

/** A failure as a sentence naming its kind and cause code, never a message that could quote a header. */
export function describeFailure(error: unknown): string {
  const codes: string[] = [];
  for (let at: unknown = error, depth = 0; at && typeof at === 'object' && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  const name = error instanceof Error ? error.name : typeof error;
  // The package's own errors say what happened without secrets (tests scan them); others only by kind.
  const said = error instanceof Error && error.name.startsWith('Crm') ? error.message : name;
  return `${said}${codes.length ? ` (${[...new Set(codes)].join(', ')})` : ''}`;
}

type RequestMethod = (method: string, path: string, init: object) => Promise<unknown>;

/** Statuses whose Response carries no body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch for the package's clients that follows no redirect and reads at most `maxBodyBytes` of an answer
 * (refusing a larger one), inside the attempt: the client's deadline covers the body too. `onAnswer` gets
 * each answer as read.
 */
export function boundedFetch(maxBodyBytes: number, onAnswer?: (answer: Answer) => void): (request: Request, init?: RequestInit) => Promise<Response> {
  return async (request, init) => {
    const response = await fetch(request, { signal: init?.signal ?? null, redirect: 'manual' });
    const answer = await readAnswer(response, maxBodyBytes);
    onAnswer?.(answer);
    // openapi-fetch gets the status and, for the callers that read it (the signature probe), the JSON.
    const text = answer.body.kind === 'json' ? JSON.stringify(answer.body.value) : null;
    return new Response(NULL_BODY.has(answer.status) ? null : text, { status: answer.status, headers: text === null ? {} : { 'content-type': 'application/json' } });
  };
}

export async function callOperation(settings: CallSettings, entry: OperationEntry, input: CallInput): Promise<CallOutcome> {
  let answer: Answer | undefined;
  const client = createCrmClient({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    ...(settings.signingSecret ? { signingSecret: settings.signingSecret } : {}),
    signatureVersion: settings.signatureVersion,
    timeoutMs: settings.timeoutMs,
    // The run re-sends a read after a 429 itself (rate-limit.ts), and never a write.
    maxRetries: 0,
    fetch: boundedFetch(settings.maxBodyBytes, (read) => (answer = read)),
  });
  try {
    await (client.request as unknown as RequestMethod)(entry.method.toLowerCase(), entry.path, {
      params: { ...(input.path ? { path: input.path } : {}), ...(input.query ? { query: input.query } : {}) },
      ...(input.body === undefined ? {} : { body: input.body }),
      parseAs: 'stream',
    });
  } catch (error) {
    if (error instanceof CrmValidationError) return { refused: error.message };
    // The client never follows a redirect; for the verdict, the 3xx is simply the status the CRM answered.
    if (error instanceof CrmRedirectError && answer) return { answer };
    if (error instanceof CrmAmbiguousOutcomeError) {
      if (answer) return { answer, notResent: true };
      // Its message goes on to name the reconcile handle (a comment, an e-mail of this run): not for a report.
      return { failure: `${error.message.split(' Reconcile by')[0]!.split(' Check its outcome')[0]} Look for its effect at the test user.` };
    }
    return { failure: describeFailure(error) };
  }
  return answer ? { answer } : { failure: 'no answer was read' };
}
