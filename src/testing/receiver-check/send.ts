// Sending one of the kit's requests exactly as built, over Node's http(s). The well-formed calls and their
// answers are crm-calls' (buildCrmCall, judgeAnswer); the kit sends them, and its variations, itself because
// some of its cases are what fetch (sendCrmCall's transport) cannot send or cannot read: a GET with a body
// over 1 MiB, a wrong content type kept as given, and a 413 answered while the body is still being written
// (the server closes the connection; fetch reports a failed upload, and the answer would be lost). Otherwise
// as sendCrmCall: one attempt, no redirect followed, the answer bounded in size and the exchange in time.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DEFAULT_MAX_ANSWER_BYTES, type CrmCallAnswer } from '../crm-calls';

export interface KitRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** An answer (as crm-calls' judgeAnswer reads one) and how long the exchange took. */
export type Answered = CrmCallAnswer & { durationMs: number };

export type Exchange =
  | Answered
  /** No answer: refused connection, reset before a status, nothing within `giveUpMs` (a sentence, never a secret). */
  | { failure: string; durationMs: number };

const failureText = (error: unknown): string => {
  const code = (error as { code?: unknown })?.code;
  return `no answer: ${typeof code === 'string' ? code : error instanceof Error ? error.name : 'the connection failed'}`;
};

/** Sends `request` and reads its answer, within `giveUpMs` for the whole exchange. */
export function sendKitRequest(request: KitRequest, giveUpMs: number): Promise<Exchange> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
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
      const status = answer.statusCode ?? 0;
      const answerHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) answerHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size <= DEFAULT_MAX_ANSWER_BYTES) chunks.push(chunk);
      });
      // An answer too large, or cut off after its status, is still the server's answer: its body is not read.
      const body = () => (size > DEFAULT_MAX_ANSWER_BYTES ? '' : Buffer.concat(chunks).toString('utf8'));
      answer.on('end', () => finish({ status, headers: answerHeaders, body: body(), durationMs: elapsed() }));
      answer.on('error', () => finish({ status, headers: answerHeaders, body: '', durationMs: elapsed() }));
      answer.on('aborted', () => finish({ status, headers: answerHeaders, body: '', durationMs: elapsed() }));
    });
    // Writing a large body may fail once the server answered and closed: the answer, once it came, stands.
    outgoing.on('error', (error) => {
      if (!answered) finish({ failure: failureText(error), durationMs: elapsed() });
    });
    outgoing.end(request.body ? Buffer.from(request.body) : undefined);
  });
}
