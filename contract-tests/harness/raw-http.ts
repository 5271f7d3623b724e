// Requests as a hostile peer sends them, which fetch would not: a raw request target (`//[`, `%E0%A4%A`, sent
// byte for byte, never normalised), any method, any header (Host and Origin included), a body of any size
// streamed from one reused chunk (so the test itself holds no 50 MB), and no body labelled for it.
import { request, type IncomingHttpHeaders } from 'node:http';
import { createHmac } from 'node:crypto';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body as JSON, or undefined when it is not. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RawRequest {
  method?: string;
  /** Sent as it is, e.g. `//[` or `/public/v1/users/%E0%A4%A/kyc`. */
  target: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Instead of `body`: this many bytes of `a`, streamed (chunked unless `declareLength`). */
  streamBytes?: number;
  /** With `streamBytes`: send `Content-Length` for them. */
  declareLength?: boolean;
}

/** The v2 signature of exactly these bytes. */
export const signV2 = (body: string | Buffer, secret: string) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

/**
 * One request on its own connection. Resolves with the answer (a server that answers before the body is
 * all sent, then closes, still gives its answer); `written` says how many body bytes the socket accepted.
 * Rejects only when no answer came.
 */
export function rawRequest(base: string, spec: RawRequest): Promise<RawAnswer & { written: number }> {
  const url = new URL(base);
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(Buffer.byteLength(spec.body));
  if (spec.streamBytes !== undefined && spec.declareLength) headers['content-length'] = String(spec.streamBytes);
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const outgoing = request({ host: url.hostname, port: url.port, method: spec.method ?? 'GET', path: spec.target, headers, agent: false, setHost: !Object.keys(headers).some((h) => h.toLowerCase() === 'host') }, (answer) => {
      answered = true;
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('error', () => undefined);
      answer.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        outgoing.destroy();
        resolve({ status: answer.statusCode ?? 0, headers: answer.headers, text, json, written });
      });
    });
    outgoing.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (spec.streamBytes === undefined) {
      if (spec.body !== undefined) written = Buffer.byteLength(spec.body);
      outgoing.end(spec.body);
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (written < spec.streamBytes! && !outgoing.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, spec.streamBytes! - written));
        written += piece.length;
        if (!outgoing.write(piece)) return void outgoing.once('drain', pump);
      }
      if (!outgoing.destroyed) outgoing.end();
    };
    outgoing.on('close', () => undefined);
    pump();
  });
}
