// What the mock's gate and the sandbox share as loopback HTTP servers: reading a request as it arrived,
// answering JSON, and listening on a free port with a stop that also ends kept-alive connections.
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
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

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The request with its whole body, exactly as received. */
export async function captureRequest(request: IncomingMessage): Promise<CapturedRequest> {
  const url = new URL(request.url ?? '/', 'http://local.invalid');
  return { method: request.method ?? 'GET', path: url.pathname, query: url.search.replace(/^\?/, ''), headers: request.headers, body: await readBody(request) };
}

export function answerJson(response: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export interface Listening {
  url: string;
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
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
