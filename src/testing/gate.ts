// A small HTTP front that behaves as the CRM does before any business logic: 403 invalid_api_key when `key`
// is missing or wrong, 403 invalid_signature when a request with a body is unsigned or its signature does not
// match the exact bytes received. Everything else goes to the upstream (Prism) unchanged. It also records what
// it received, so tests can assert the exact request a client sent.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string without `?` ('' when there is none). */
  query: string;
  headers: IncomingHttpHeaders;
  /** The exact body bytes received. */
  body: Buffer;
}

export interface GateOptions {
  apiKey: string;
  /** Key of the body HMAC; the CRM's samples use the API key. */
  signingSecret?: string;
  /** Base URL requests are forwarded to. */
  upstream: string;
  host?: string;
  port?: number;
  /** How many requests to remember (oldest dropped first). */
  capture?: number;
}

export interface Gate {
  url: string;
  /** Requests received, oldest first. */
  readonly requests: readonly CapturedRequest[];
  stop(): Promise<void>;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const digest = (value: string) => createHash('sha256').update(value).digest();

function sameSecret(received: string | string[] | undefined, expected: Buffer): boolean {
  return typeof received === 'string' && timingSafeEqual(digest(received), expected);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function answerJson(response: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

interface PrismViolation {
  location?: string[];
  severity?: string;
  message?: string;
}

/** Prism marks a request that breaks the spec in `sl-violations`; those become a 422 naming each violation. */
function requestViolations(header: string | string[] | undefined): PrismViolation[] {
  if (typeof header !== 'string') return [];
  try {
    const all = JSON.parse(header) as PrismViolation[];
    return all.filter((v) => v.location?.[0] === 'request' && v.severity === 'Error');
  } catch {
    return [];
  }
}

function forward(upstream: URL, captured: CapturedRequest, response: ServerResponse): void {
  const headers = { ...captured.headers, host: upstream.host };
  const target = new URL(captured.path + (captured.query ? `?${captured.query}` : ''), upstream);
  const outgoing = httpRequest(target, { method: captured.method, headers }, (answer) => {
    const violations = requestViolations(answer.headers['sl-violations']);
    if (violations.length > 0) {
      answer.resume();
      const detail = violations.map((v) => `${(v.location ?? []).join('.')} ${v.message ?? ''}`.trim()).join('; ');
      answerJson(response, 422, { type: 'mock_request_invalid', title: 'The request breaks the spec (Prism)', detail, violations }, 'application/problem+json');
      return;
    }
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  outgoing.on('error', (error) => answerJson(response, 502, { type: 'mock_upstream_error', detail: error.message }));
  outgoing.end(captured.body);
}

export async function startGate(options: GateOptions): Promise<Gate> {
  const expectedKey = digest(options.apiKey);
  const signingSecret = options.signingSecret ?? options.apiKey;
  const upstream = new URL(options.upstream);
  const limit = options.capture ?? 1000;
  const requests: CapturedRequest[] = [];

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://gate.invalid');
    const captured: CapturedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      headers: request.headers,
      body: await readBody(request),
    };
    requests.push(captured);
    if (requests.length > limit) requests.shift();

    if (!sameSecret(request.headers['key'], expectedKey)) return answerJson(response, 403, { type: 'invalid_api_key' });
    if (METHODS_WITH_BODY.has(captured.method) || captured.body.length > 0) {
      const expected = 'sha256=' + createHmac('sha256', signingSecret).update(captured.body).digest('hex');
      if (!sameSecret(request.headers['signature'], digest(expected))) return answerJson(response, 403, { type: 'invalid_signature' });
    }
    forward(upstream, captured, response);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
