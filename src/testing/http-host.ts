// What the mock's gate and the sandbox share as loopback HTTP servers: the host every request goes through
// (the target checked, the body read with a cap before anything looks at it, every exception of the handler
// answered 500 `sandbox_internal_error` instead of killing the process), a bounded request log, answering
// JSON, and listening on a free port with a stop that also ends kept-alive connections.
import { createServer, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { DEFAULT_MAX_BODY_BYTES } from '../core/body-limits';
import { targetProblem } from './request-target';

export { DEFAULT_MAX_BODY_BYTES } from '../core/body-limits';

export interface CapturedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string without `?` ('' when there is none). */
  query: string;
  headers: IncomingHttpHeaders;
  /** The body bytes received; in a request log, at most the first LOGGED_BODY_BYTES of them. */
  body: Buffer;
  /** How many body bytes arrived (more than `body.length` when a log kept only a prefix). */
  bodyBytes: number;
}

type BodyRead = { body: Buffer } | { tooLarge: true } | { gone: true };

/** The body, or `tooLarge` as soon as it is known to exceed `maxBytes` (from Content-Length, or while reading). */
function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ tooLarge: true });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (read: BodyRead) => {
      request.off('data', onData);
      resolve(read);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.pause();
        chunks.length = 0;
        finish({ tooLarge: true });
      } else chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => finish({ body: Buffer.concat(chunks, size) }));
    request.once('error', () => finish({ gone: true }));
    request.once('close', () => request.readableEnded || finish({ gone: true }));
  });
}

function splitTarget(target: string): { path: string; query: string } {
  const at = target.indexOf('?');
  return at < 0 ? { path: target, query: '' } : { path: target.slice(0, at), query: target.slice(at + 1) };
}

/** The request with its whole body, exactly as received (capped at `maxBytes`, default 1 MiB: over it, a RangeError). */
export async function captureRequest(request: IncomingMessage, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<CapturedRequest> {
  const read = await readBody(request, maxBytes);
  if (!('body' in read)) throw new RangeError('tooLarge' in read ? `body over ${maxBytes} bytes` : 'the request ended before its body');
  return { method: request.method ?? 'GET', ...splitTarget(request.url ?? '/'), headers: request.headers, body: read.body, bodyBytes: read.body.length };
}

export function answerJson(response: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** 64 KiB: more than any call of the CRM's API sends; what a request log keeps of a body. */
export const LOGGED_BODY_BYTES = 64 * 1024;

/** At most LOGGED_BODY_BYTES of a body held as text (a copy), with how many bytes it had, as a log keeps it. */
export function loggedText(text: string): { text: string; bytes: number; truncated: boolean } {
  const bytes = Buffer.byteLength(text);
  if (bytes <= LOGGED_BODY_BYTES) return { text, bytes, truncated: false };
  return { text: Buffer.from(text).subarray(0, LOGGED_BODY_BYTES).toString(), bytes, truncated: true };
}

/** The last `capacity` requests, each with at most LOGGED_BODY_BYTES of its body (a copy: the rest is freed). */
export class RequestLog {
  /** Oldest first; cleared in place, so a reference to it stays current. */
  readonly entries: CapturedRequest[] = [];
  constructor(private readonly capacity = 1000) {}
  add(request: CapturedRequest): void {
    const body = request.body.length > LOGGED_BODY_BYTES ? Buffer.from(request.body.subarray(0, LOGGED_BODY_BYTES)) : request.body;
    this.entries.push({ ...request, body });
    if (this.entries.length > this.capacity) this.entries.shift();
  }
  clear(): void {
    this.entries.length = 0;
  }
}

export interface HostOptions {
  /** Who answers, in the one log line of an internal error ('sandbox', 'mock'). */
  name: string;
  /** Largest request body read (default 1 MiB); a larger one is answered 413 before anything reads it. */
  maxBodyBytes?: number;
  /** Where the one line about an internal error goes (default console.error); it never holds a body or a header. */
  log?: (line: string) => void;
}

/** Handles one request whose target and body were accepted. Anything it throws (or rejects with) is answered 500. */
export type HostHandler = (request: CapturedRequest, raw: IncomingMessage, response: ServerResponse) => unknown;

/**
 * How long a refused request's connection stays open, unread, after its answer: a close with bytes still
 * unread is a reset, which can cost the client the answer it has not parsed yet (the client usually closes first).
 */
const LINGER_MS = 1000;

/** Answers, reads nothing more of the body, and closes the connection (once the client has had the answer). */
function refuseAndClose(raw: IncomingMessage, response: ServerResponse, status: number, body: object): void {
  raw.pause();
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
  // The whole answer goes out now (its length is declared; a HEAD gets the headers); the response ends with the connection.
  response.flushHeaders();
  response.write(text);
  const socket = raw.socket;
  const linger = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  socket.once('close', () => clearTimeout(linger));
}

/** The error's name and where it was thrown, never its message (it may quote the body). */
function whereFailed(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 3).map((line) => line.trim());
  return [error.name, ...frames].join(' ');
}

/**
 * A server whose every request is checked before `handler` sees it: a target that is not a well-formed path
 * answers 400 `invalid_request_target`, a body over `maxBodyBytes` 413 `payload_too_large` (read no further,
 * connection closed), and an exception of the handler 500 `sandbox_internal_error`, logged as one line; the
 * server keeps serving.
 */
export function createHost(handler: HostHandler, options: HostOptions): Server {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0) throw new TypeError(`${options.name}: option \`maxBodyBytes\` must be a non-negative integer`);
  const log = options.log ?? ((line: string) => console.error(line));

  async function serve(raw: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = raw.url ?? '/';
    const method = raw.method ?? 'GET';
    const problem = targetProblem(target);
    if (problem) return refuseAndClose(raw, response, 400, { type: 'invalid_request_target', detail: problem });
    const read = await readBody(raw, maxBodyBytes);
    if ('gone' in read) return;
    if ('tooLarge' in read) return refuseAndClose(raw, response, 413, { type: 'payload_too_large', detail: `the body must be at most ${maxBodyBytes} bytes` });
    await handler({ method, ...splitTarget(target), headers: raw.headers, body: read.body, bodyBytes: read.body.length }, raw, response);
  }

  const server = createServer((raw, response) => {
    serve(raw, response).catch((error: unknown) => {
      try {
        log(`crm-open-api ${options.name}: internal error answering ${raw.method} ${splitTarget(raw.url ?? '/').path}: ${whereFailed(error)}`);
      } catch {
        // A failing log must not take the server down either.
      }
      try {
        if (response.headersSent) response.destroy();
        else answerJson(response, 500, { type: 'sandbox_internal_error' });
      } catch {
        response.destroy();
      }
    });
  });
  // What Node's parser refuses (a malformed request line or header) is answered in JSON too, with a `type`.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's own handler: no answer on a socket that is gone or already carries one.
    const answering = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) return socket.destroy();
    const [status, type] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'invalid_http_request'];
    const text = JSON.stringify({ type });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${text.length}\r\nconnection: close\r\n\r\n${text}`);
  });
  return server;
}

/** Node's parser errors that are not a plain 400, as Node itself would answer them. */
const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'request_header_fields_too_large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout'],
};

export interface Listening {
  url: string;
  /** The port listened on. */
  port: number;
  stop(): Promise<void>;
}

/** Listens on `host:port` (default 127.0.0.1 and a free port). */
export async function listen(server: Server, host = '127.0.0.1', port = 0): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    port: address.port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
