// A loopback HTTP server that misbehaves on purpose, to prove what the client does when the network or the
// CRM fails: it records every request that reaches it, then applies its fault.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Read the whole request, then reset the connection (TCP RST) without answering. */
  | 'reset'
  /** Read the whole request and never answer. */
  | 'stall'
  /** Answer 429 with `Retry-After` (see `retryAfter`). */
  | '429'
  /** Answer 503 to the first request and 200 (`okBody`) to the rest. */
  | '503-then-200';

/** Any answer at all, written by the test once the request is read and recorded (hostile-server cases). */
export type ScriptedAnswer = (res: ServerResponse, request: ReceivedRequest) => void;

export interface FaultServerOptions {
  fault: Fault | ScriptedAnswer;
  /** `Retry-After` value of the 429 (default '0'). */
  retryAfter?: string;
  /** JSON body of the 200 answers. */
  okBody?: unknown;
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FaultServer {
  url: string;
  received: ReceivedRequest[];
  /** Bytes written to every connection so far, open or closed: what an answer cost before the client hung up. */
  bytesWritten(): number;
  stop(): Promise<void>;
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export async function startFaultServer({ fault, retryAfter = '0', okBody = {} }: FaultServerOptions): Promise<FaultServer> {
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let closedBytes = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(request);
      if (typeof fault === 'function') fault(res, request);
      else if (fault === 'reset') req.socket.resetAndDestroy();
      else if (fault === '429') answer(res, 429, { type: 'too_many_requests' }, { 'retry-after': retryAfter });
      else if (fault === '503-then-200') answer(res, received.length === 1 ? 503 : 200, received.length === 1 ? { type: 'service_unavailable' } : okBody);
      // 'stall': say nothing until stop().
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      closedBytes += socket.bytesWritten;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    bytesWritten: () => [...sockets].reduce((sum, socket) => sum + socket.bytesWritten, closedBytes),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The URL of a loopback port nothing listens on: connecting to it is refused. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
