// One small adapter from this package's fetch-style handlers to Node's `http` (and so Express and Fastify,
// whose raw `req`/`res` are Node's). The body reaches the handler as a stream, so its size limit applies while
// it is read; a body an earlier middleware already read is used when it is the raw bytes, and refused with a
// clear reason when it was parsed (the signature is over the exact bytes, so they are needed).
import { DEFAULT_MAX_BODY_BYTES } from '../core/body-limits';
import { defaultReporter, reportToHandler } from './common/error-report';
import { jsonResponse } from './common/answers';

/**
 * The parts of Node's `IncomingMessage` the adapter uses, declared here so that the package's types need no
 * `@types/node` (a worker project has none); Node's, Express's and Fastify's raw requests fit.
 */
export interface IncomingMessage extends AsyncIterable<unknown> {
  method?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  readableEnded: boolean;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event: 'data'): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** The parts of Node's `ServerResponse` the adapter uses. */
export interface ServerResponse {
  headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(chunk?: Uint8Array): unknown;
  destroy(): unknown;
}

export type FetchHandler = (request: Request) => Promise<Response>;

export interface NodeHandlerOptions {
  /** Limit for bodies of GET and HEAD, which a fetch `Request` cannot carry (default 1 MiB); the handler bounds the rest. */
  maxBodyBytes?: number;
  /** Called with errors of the adapter itself (a handler that threw); default one console.error line (`crm-open-api node: handler failed: …`). */
  onError?: (error: unknown) => void;
}

/** What a fetch `Request` cannot carry (the Fetch standard forbids them, in any case): answered 405 before anything else. */
const FORBIDDEN_METHOD = /^(?:CONNECT|TRACE|TRACK)$/i;
/** A Host header: a name or an IPv4 or bracketed IPv6 address, with an optional port (nothing that moves the path). */
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

const BODY_ALREADY_PARSED = 'a JSON body parser (express.json()) read the body before this route: register this route before app.use(express.json()); express.raw() on the route cannot help';

const refusal = (status: number, type: string, message: string) => jsonResponse(status, { type, message });

/**
 * The URL of the request from its target and Host (a target may be a path or, sent to a proxy, absolute; only
 * its path and query are used), or the 400 that refuses a request without one.
 */
function requestUrl(req: IncomingMessage): string | Response {
  const host = req.headers.host || 'localhost';
  if (typeof host !== 'string' || !HOST.test(host)) return refusal(400, 'invalid_request', 'host: must be a host name or address with an optional port');
  const target = req.url ?? '/';
  try {
    const path = target.startsWith('/') ? target : ((url) => url.pathname + url.search)(new URL(target));
    return new URL(`http://${host}${path}`).href;
  } catch {
    return refusal(400, 'invalid_request', 'request target: must be a path or an absolute URL');
  }
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

/** The request body as a web stream; cancelling it (a 413) stops reading and discards the rest. */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Uint8Array) => {
        if (!open) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if (controller.desiredSize !== null && controller.desiredSize <= 0) req.pause();
      });
      req.on('end', () => open && ((open = false), controller.close()));
      req.on('error', (error) => open && ((open = false), controller.error(error)));
    },
    pull() {
      req.resume();
    },
    cancel() {
      open = false;
      req.resume(); // drained, never kept
    },
  });
}

/** What an earlier middleware left of the body: the raw bytes, `'parsed'` when it was parsed, or undefined. */
function consumedBody(req: IncomingMessage): Uint8Array | 'parsed' | undefined {
  const body = (req as IncomingMessage & { body?: unknown }).body;
  if (body instanceof Uint8Array) return body;
  if (req.readableEnded && body !== undefined) return 'parsed';
  return undefined;
}

async function drainLimited(req: IncomingMessage, maxBytes: number): Promise<boolean> {
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Uint8Array).byteLength;
    if (size > maxBytes) {
      req.removeAllListeners('data');
      req.resume();
      return false;
    }
  }
  return true;
}

async function send(res: ServerResponse, response: Response, closeAfter: boolean): Promise<void> {
  const headers: Record<string, string> = Object.fromEntries(response.headers);
  if (closeAfter) headers.connection = 'close';
  res.writeHead(response.status, headers);
  res.end(response.body ? new Uint8Array(await response.arrayBuffer()) : undefined);
}

/**
 * `(req, res)` for `http.createServer`, Express (`app.post(path, toNodeHandler(handler))`, mounted before any
 * JSON body parser, or after `express.raw({ type: 'application/json' })`) and Fastify (`reply.hijack()`, then
 * `toNodeHandler(handler)(request.raw, reply.raw)`).
 */
export function toNodeHandler(handler: FetchHandler, options: NodeHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const report = options.onError ?? ((error: unknown) => defaultReporter(error, { receiver: 'node', step: 'handler' }));
  return async (req, res) => {
    const method = req.method ?? 'GET';
    try {
      // Refused before the body is read: the connection is closed rather than the rest read.
      if (FORBIDDEN_METHOD.test(method)) return await send(res, refusal(405, 'method_not_allowed', `method must not be ${method}`), true);
      const url = requestUrl(req);
      if (typeof url !== 'string') return await send(res, url, true);
      let body: ReadableStream<Uint8Array> | Uint8Array | undefined;
      if (method === 'GET' || method === 'HEAD') {
        if (!(await drainLimited(req, maxBodyBytes))) return await send(res, refusal(413, 'payload_too_large', `body must be at most ${maxBodyBytes} bytes`), true);
      } else {
        const earlier = consumedBody(req);
        if (earlier === 'parsed') {
          // Once a JSON parser has read the stream, no later middleware (express.raw() on the route included)
          // can give the bytes back: the one fix is to register this route before the parser.
          await send(res, refusal(500, 'body_already_parsed', BODY_ALREADY_PARSED), false);
          const failure = new Error(`the raw bytes needed for the signature are gone: ${BODY_ALREADY_PARSED}`);
          // The receiver's own onError hears of it (as step `body-already-parsed`), and the adapter's when given.
          if (!reportToHandler(handler, failure, 'body-already-parsed') || options.onError) report(failure);
          return;
        }
        body = earlier ?? bodyStream(req);
      }
      let request: Request;
      try {
        // `duplex` is required with a stream body and ignored without one (GET and HEAD have none here).
        request = new Request(url, { method, headers: headersOf(req), body, duplex: 'half' } as RequestInit);
      } catch {
        return await send(res, refusal(400, 'invalid_request', 'request: its method and headers must be valid HTTP'), true);
      }
      const response = await handler(request);
      // A refusal before the body was read leaves its rest unread: close the connection rather than read it.
      await send(res, response, !req.readableEnded);
    } catch (error) {
      // Never a rejection out of here: Node's server would not catch it, and the process would die of it.
      try {
        report(error);
        if (!res.headersSent) await send(res, jsonResponse(500, { type: 'internal_error' }), !req.readableEnded);
        else res.destroy();
      } catch {
        res.destroy();
      }
    }
  };
}
