// Sending one of the kit's requests exactly as built, over Node's http(s): the bytes and headers as given (a
// wrong content type, a body over 1 MiB, a GET with a body are the point of some cases, and fetch would not
// send them all), no redirect followed, the answer bounded in size, and the whole exchange bounded in time.
// An answer that arrives while the body is still being written (a 413 that closes the connection) is the
// server's answer, not a dropped connection.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AnswerBody } from '../verify/call';
import { nestsDeeperThan } from '../../core/body-limits';

export interface KitRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** An answer: its status and body (read bounded), and how long the exchange took. */
export type Answered = { status: number; body: AnswerBody; durationMs: number };

export type Exchange =
  | Answered
  /** No answer: refused connection, reset before a status, nothing within `giveUpMs` (a sentence, never a secret). */
  | { failure: string; durationMs: number };

/** Largest answer read: far beyond any documented answer of the four surfaces. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Deeper than any documented answer. */
const MAX_ANSWER_DEPTH = 64;

function answerBody(bytes: Uint8Array | undefined, contentType: string): AnswerBody {
  if (!bytes) return { kind: 'unchecked', why: `an answer over ${MAX_ANSWER_BYTES} bytes` };
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === '') return { kind: 'none' };
  if (nestsDeeperThan(bytes, MAX_ANSWER_DEPTH)) return { kind: 'unchecked', why: `an answer nested deeper than ${MAX_ANSWER_DEPTH} levels` };
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'text', contentType: contentType.split(';')[0]!.trim().slice(0, 80) || 'no content type' };
  }
}

const failureText = (error: unknown): string => {
  const code = (error as { code?: unknown })?.code;
  return `no answer: ${typeof code === 'string' ? code : error instanceof Error ? error.name : 'the connection failed'}`;
};

/** Sends `request` and reads its answer, within `giveUpMs` for the whole exchange; `now` measures it. */
export function sendKitRequest(request: KitRequest, giveUpMs: number, now: () => number = () => performance.now()): Promise<Exchange> {
  const started = now();
  const elapsed = () => Math.round(now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (exchange: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outgoing.destroy();
      resolve(exchange);
    };
    const url = new URL(request.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { ...request.headers, ...(request.body ? { 'content-length': String(request.body.byteLength) } : {}) };
    const outgoing = send(url, { method: request.method, headers, agent: false });
    const timer = setTimeout(() => finish({ failure: `no answer within ${giveUpMs} ms`, durationMs: elapsed() }), giveUpMs);
    let answered = false;
    outgoing.on('response', (answer: IncomingMessage) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      answer.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > MAX_ANSWER_BYTES) tooLarge = true;
        else chunks.push(chunk);
      });
      answer.on('end', () => finish({ status: answer.statusCode ?? 0, body: answerBody(tooLarge ? undefined : new Uint8Array(Buffer.concat(chunks)), String(answer.headers['content-type'] ?? '')), durationMs: elapsed() }));
      // The status came; a body cut off after it is still an answer, its body unchecked.
      answer.on('error', () => finish({ status: answer.statusCode ?? 0, body: { kind: 'unchecked', why: 'the answer broke off' }, durationMs: elapsed() }));
      answer.on('aborted', () => finish({ status: answer.statusCode ?? 0, body: { kind: 'unchecked', why: 'the answer broke off' }, durationMs: elapsed() }));
    });
    // Writing a large body may fail once the server answered and closed: the answer, if read, stands.
    outgoing.on('error', (error) => {
      if (!answered) finish({ failure: failureText(error), durationMs: elapsed() });
    });
    outgoing.end(request.body ? Buffer.from(request.body) : undefined);
  });
}
