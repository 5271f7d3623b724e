// A "CRM" for the verifier's tests: a proxy in front of the sandbox that, per `METHOD /path`, answers
// otherwise than the spec (a status, a rewritten body, a stall, a redirect, a burst of 429s) and passes the
// rest on. It records what went through: every request (and how many were in flight at once), the
// signatures sent, and every value of a secret or personal field in the requests and answers, for the
// reports' scan.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSensitiveName } from '../../../src/core/redact';

export type Rewrite =
  /** Answer this instead; the sandbox is not asked. */
  | { answer: { status: number; body?: unknown; text?: string; contentType?: string; headers?: Record<string, string> }; times?: number }
  /** Ask the sandbox, then change its JSON answer. */
  | { rewrite: (body: any) => unknown; status?: number }
  /** Send the headers, then never the body. */
  | { stall: true }
  /** Redirect (302) to `location`. */
  | { redirect: string };

export interface DriftedCrm {
  url: string;
  /** Requests received, as `METHOD /path`. */
  requests: string[];
  signatures: Set<string>;
  /** Values of secret or personal fields seen in requests and answers (at least 4 characters). */
  sensitiveValues: Set<string>;
  maxInFlight: number;
  stop(): Promise<void>;
}

function collect(value: unknown, into: Set<string>, named = false, depth = 0): void {
  if (depth > 40) return;
  if (typeof value === 'string' || typeof value === 'number') {
    if (named && String(value).length >= 4) into.add(String(value));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) collect(child, into, named || (!/^\d+$/.test(key) && isSensitiveName(key)), depth + 1);
}

const read = (request: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

const parse = (bytes: Buffer | string): unknown => {
  try {
    return bytes.length ? JSON.parse(bytes.toString()) : undefined;
  } catch {
    return undefined;
  }
};

/** `upstream`: the sandbox's URL. `rules`: by `METHOD /path` (the path as sent, without the query). */
export async function startDriftedCrm(upstream: string, rules: Record<string, Rewrite> = {}, { delayMs = 0 } = {}): Promise<DriftedCrm> {
  const used = new Map<string, number>();
  const stalled = new Set<ServerResponse>();
  let inFlight = 0;
  const crm: Omit<DriftedCrm, 'url' | 'stop'> = { requests: [], signatures: new Set(), sensitiveValues: new Set(), maxInFlight: 0 };

  const server = createServer(async (request, response) => {
    inFlight += 1;
    crm.maxInFlight = Math.max(crm.maxInFlight, inFlight);
    response.on('close', () => (inFlight -= 1));
    const url = new URL(request.url ?? '/', 'http://crm.invalid');
    const route = `${request.method} ${url.pathname}`;
    crm.requests.push(route);
    const signature = request.headers.signature;
    if (typeof signature === 'string') crm.signatures.add(signature);
    const body = await read(request);
    collect(parse(body), crm.sensitiveValues);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));

    const rule = rules[route];
    const count = (used.get(route) ?? 0) + 1;
    used.set(route, count);
    if (rule && 'answer' in rule && (rule.times === undefined || count <= rule.times)) {
      const { status, body: json, text, contentType, headers } = rule.answer;
      const payload = text ?? (json === undefined ? '' : JSON.stringify(json));
      response.writeHead(status, { ...(payload ? { 'content-type': contentType ?? 'application/json' } : {}), ...headers });
      return response.end(payload);
    }
    if (rule && 'stall' in rule) {
      stalled.add(response);
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.write('{"count":');
    }
    if (rule && 'redirect' in rule) {
      response.writeHead(302, { location: rule.redirect });
      return response.end();
    }
    const headers: Record<string, string> = {};
    for (const name of ['key', 'signature', 'content-type']) if (typeof request.headers[name] === 'string') headers[name] = request.headers[name] as string;
    const answer = await fetch(`${upstream}${url.pathname}${url.search}`, { method: request.method, headers, ...(body.length ? { body } : {}) });
    const text = await answer.text();
    const parsed = parse(text);
    collect(parsed, crm.sensitiveValues);
    if (rule && 'rewrite' in rule && answer.ok) {
      const changed = JSON.stringify(rule.rewrite(parsed));
      response.writeHead(rule.status ?? answer.status, { 'content-type': 'application/json' });
      return response.end(changed);
    }
    response.writeHead(answer.status, text ? { 'content-type': answer.headers.get('content-type') ?? 'application/json' } : {});
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(crm, {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const response of stalled) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** A server that only counts what reaches it (where a redirect points). */
export async function startCountingServer(): Promise<{ url: string; hits: string[]; stop(): Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url} key=${request.headers.key ? 'present' : 'absent'}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits, stop: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}
