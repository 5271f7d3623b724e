// Random hostile answers (fast-check, seeded and bounded): a status, headers, body bytes and a framing (exact,
// chunked, cut short then closed or stalled, a declared length never sent, garbage where headers belong),
// written raw to the socket, to a GET and to a deposit. Whatever comes back, the call settles within the
// deadline with a value or a CrmError subclass (never a raw TypeError or SyntaxError), a deposit is sent once
// and fails only as CrmAmbiguousOutcomeError with its reconcile handle, no secret comes back in an error, a
// result or a log line, and nothing reaches another origin.
import { inspect } from 'node:util';
import fc from 'fast-check';
import type { CrmClient } from '../../src/rest/client';
import { CrmAmbiguousOutcomeError, CrmConnectionError, CrmError, CrmRedirectError, CrmTimeoutError, CrmUnreadableResponseError } from '../../src/core/errors';
import { startFaultServer, type FaultServer, type ReceivedRequest } from '../harness/fault-server';
import { observedClient, recordingLogger } from '../harness/output-scan';

const KEY = 'property-key-DO-NOT-LEAK-5d21e0';
const SECRET = 'property-secret-DO-NOT-LEAK-93ac';
const TIMEOUT_MS = 250;
const BOUND_MS = 2 * TIMEOUT_MS + 4_000;
const SEED = 24;
const RUNS = 50;

type Framing = 'exact' | 'chunked' | 'short-then-close' | 'short-then-stall' | 'declared-huge' | 'garbage-headers' | 'close-mid-headers';

interface HostileAnswer {
  status: number;
  contentType: string | undefined;
  location: string | undefined;
  body: Uint8Array;
  framing: Framing;
}

let server: FaultServer;
let other: FaultServer;
let current: HostileAnswer | undefined;
const logLines: string[] = [];

/** The answer, as raw bytes on the socket: nothing Node's http server would tidy up for us. */
function writeRaw(res: import('node:http').ServerResponse, _request: ReceivedRequest): void {
  const answer = current!;
  const socket = res.socket;
  // The client may have given up (its deadline) before the request was read through: nothing to answer then.
  if (!socket || socket.destroyed) return;
  const head = [`HTTP/1.1 ${answer.status} Whatever`, ...(answer.contentType ? [`Content-Type: ${answer.contentType}`] : []), ...(answer.location ? [`Location: ${answer.location}`] : [])];
  const body = Buffer.from(answer.body);
  switch (answer.framing) {
    case 'exact':
      socket.end(Buffer.concat([Buffer.from(`${[...head, `Content-Length: ${body.length}`].join('\r\n')}\r\n\r\n`), body]));
      return;
    case 'chunked':
      socket.end(Buffer.concat([Buffer.from(`${[...head, 'Transfer-Encoding: chunked'].join('\r\n')}\r\n\r\n`), ...(body.length ? [Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')] : []), Buffer.from('0\r\n\r\n')]));
      return;
    case 'short-then-close':
      socket.write(Buffer.concat([Buffer.from(`${[...head, `Content-Length: ${body.length + 10}`].join('\r\n')}\r\n\r\n`), body]), () => socket.destroy());
      return;
    case 'short-then-stall':
      socket.write(Buffer.concat([Buffer.from(`${[...head, `Content-Length: ${body.length + 10}`].join('\r\n')}\r\n\r\n`), body]));
      return;
    case 'declared-huge':
      socket.write(Buffer.concat([Buffer.from(`${[...head, 'Content-Length: 99999999999'].join('\r\n')}\r\n\r\n`), body]));
      return;
    case 'garbage-headers':
      socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${answer.status} OK\r\nContent-Length: twelve\r\n\u0000bad header\r\n\r\n`), body]));
      return;
    case 'close-mid-headers':
      socket.write(`HTTP/1.1 ${answer.status}`, () => socket.destroy());
  }
}

beforeAll(async () => {
  await (await fetch('data:,warm')).text();
  other = await startFaultServer({ fault: (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}') });
  server = await startFaultServer({ fault: writeRaw });
});
afterAll(() => Promise.all([server.stop(), other.stop()]));

const encoder = new TextEncoder();
const bodyArb = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.json({ maxDepth: 3 }).map((text) => encoder.encode(text)),
  fc.constantFrom('', '{"count":0,"records":[]}', '{"repeat":true}', '<!doctype html><h1>502</h1>', '{"type":"invalid_api_key"', '\ufeff{"count":0,"records":[]}', 'null').map((text) => encoder.encode(text)),
  // An echo of the key and the secret, in the spellings a server may use.
  fc.constantFrom(`{"type":"invalid_api_key","key":"${KEY}"}`, `<pre>${SECRET}</pre>`, `{"echo":"${encodeURIComponent(KEY)} ${SECRET}"}`, `key=${KEY}`).map((text) => encoder.encode(text)),
);
const answerArb: fc.Arbitrary<HostileAnswer> = fc.record({
  // A 2xx is what a caller trusts, so the most of them; every kind of answer still comes up.
  status: fc.oneof({ arbitrary: fc.constantFrom(200, 201), weight: 3 }, { arbitrary: fc.constantFrom(204, 301, 302, 303, 307, 308, 400, 403, 404, 429, 500, 502, 503), weight: 3 }),
  contentType: fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/html', 'text/plain', 'application/octet-stream'),
  location: fc.option(fc.constantFrom('OTHER', '/public/v1/elsewhere?key=1', 'http://[', 'javascript:alert(1)', 'https://evil.invalid/path?token=x'), { nil: undefined }),
  body: bodyArb,
  // Stalls cost a deadline each, so they are rarer than the rest.
  framing: fc.oneof(
    { arbitrary: fc.constantFrom<Framing>('exact', 'chunked'), weight: 10 },
    { arbitrary: fc.constantFrom<Framing>('short-then-close', 'declared-huge', 'garbage-headers', 'close-mid-headers'), weight: 6 },
    { arbitrary: fc.constant<Framing>('short-then-stall'), weight: 1 },
  ),
});

const client = (): CrmClient =>
  observedClient({
    baseUrl: server.url,
    apiKey: KEY,
    signingSecret: SECRET,
    timeoutMs: TIMEOUT_MS,
    maxRetries: 1,
    backoff: { initialMs: 1, maxMs: 2 },
    maxResponseBytes: 4096,
    logger: recordingLogger((level, message, details) => logLines.push(`${level} ${message} ${JSON.stringify(details)}`)),
  });

let comments = 0;
const CALLS = {
  GET: (crm: CrmClient) => crm.GET('/public/v1/users', { params: { query: { skip: 0, limit: 10 } } }),
  deposit: (crm: CrmClient) =>
    crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '1.00', comment: `dep-prop-${++comments}` } }),
};

const GET_ERRORS = [CrmRedirectError, CrmUnreadableResponseError, CrmTimeoutError, CrmConnectionError];

describe.each(['GET', 'deposit'] as const)('random hostile answers to a %s', (name) => {
  it(`settle in time with a value or a CrmError, never re-send a deposit, never leak a secret (${RUNS} runs, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(answerArb, async (answer) => {
        current = { ...answer, location: answer.location === 'OTHER' ? `${other.url}/steal?key=x` : answer.location };
        server.received.length = 0;
        logLines.length = 0;
        const started = performance.now();
        let value: { data?: unknown; error?: unknown; response: Response } | undefined;
        let thrown: unknown;
        try {
          value = (await CALLS[name](client())) as typeof value;
        } catch (error) {
          thrown = error;
        }
        expect(performance.now() - started).toBeLessThan(BOUND_MS);
        if (thrown !== undefined) {
          expect(thrown).toBeInstanceOf(CrmError);
          if (name === 'deposit') {
            expect(thrown).toBeInstanceOf(CrmAmbiguousOutcomeError);
            expect((thrown as CrmAmbiguousOutcomeError).reconcile).toEqual({ field: 'comment', value: `dep-prop-${comments}` });
          } else expect(GET_ERRORS.some((type) => thrown instanceof type)).toBe(true);
        } else {
          // A value: an answer the client could read (a 2xx parsed as JSON, or an error body); never a redirect.
          expect(value!.response.status).toBe(answer.status);
          expect(answer.status >= 300 && answer.status < 400).toBe(false);
          // An error body comes back without the secrets, however it is read.
          const errorText = `${JSON.stringify(value!.error) ?? ''} ${value!.response.ok ? '' : await value!.response.clone().text()}`;
          expect(errorText).not.toContain(KEY);
          expect(errorText).not.toContain(SECRET);
        }
        // Never re-sent (none at all only if a busy machine let the deadline pass before it arrived).
        if (name === 'deposit') expect(server.received.length).toBeLessThanOrEqual(1);
        for (const text of [inspect(thrown, { depth: 8 }), JSON.stringify(thrown) ?? '', ...logLines]) {
          expect(text).not.toContain(KEY);
          expect(text).not.toContain(SECRET);
        }
        expect(other.received).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
