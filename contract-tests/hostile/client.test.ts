// The client against a hostile server: every way an answer can be wrong (redirects, bodies that are not
// JSON, cut short, endless or trickling, error bodies that echo the key), each against a GET and a deposit.
// What must hold every time: the call ends in the right CrmError subclass within the deadline (plus generous
// slack), memory stays bounded, a deposit is never re-sent and settles as CrmAmbiguousOutcomeError with its
// reconcile handle, no secret comes back, and nothing ever reaches another origin.
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import type { CrmClient, CrmClientOptions } from '../../src/rest/client';
import { CrmAmbiguousOutcomeError, CrmApiError, CrmConnectionError, CrmError, CrmRedirectError, CrmTimeoutError, CrmUnreadableResponseError } from '../../src/core/errors';
import { createOAuthClient } from '../../src/oauth/oauth-client';
import { createPspCallbackClient } from '../../src/receivers/psp/callback-client';
import { reconcile } from '../../src/rest/reconcile/reconcile';
import { startFaultServer, type FaultServer, type ScriptedAnswer } from '../harness/fault-server';
import { API_KEY } from '../harness/mock-crm';
import { observedClient, recordingLogger, registerSecret } from '../harness/output-scan';
import { useSandbox } from '../harness/sandbox';
import { loadApi } from '../harness/spec';

const KEY = 'hostile-key-DO-NOT-LEAK-7f3a9c';
const SECRET = 'hostile-signing-secret-DO-NOT-LEAK-b81e';
/** The deadline of the cases that test it; the others get a generous one, so a busy machine cannot trip them. */
const TIMEOUT_MS = 400;
const GENEROUS_TIMEOUT_MS = 4_000;
/** A time bound, not a speed assertion: two attempts of TIMEOUT_MS plus back-off, with ample slack. */
const BOUND_MS = 2 * TIMEOUT_MS + 4_000;
const MAX_BYTES = 1024 * 1024;
const FAST_BACKOFF = { initialMs: 2, maxMs: 8 };

let other: FaultServer;
let servers: FaultServer[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  // Node loads its fetch on first use, which can take longer than TIMEOUT_MS on a busy machine.
  await (await fetch('data:,warm')).text();
  // The "other origin": anything that reaches it is a leak. It would answer 200 to anything.
  other = await startFaultServer({ fault: (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}') });
});
afterAll(() => other.stop());
afterEach(async () => {
  const leaked = other.received.splice(0);
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
  expect(leaked).toEqual([]);
});

const serve = async (answer: ScriptedAnswer) => {
  const server = await startFaultServer({ fault: answer });
  servers.push(server);
  return server;
};

const client = (baseUrl: string, options: Partial<CrmClientOptions> = {}): CrmClient =>
  observedClient({
    baseUrl,
    apiKey: KEY,
    signingSecret: SECRET,
    timeoutMs: GENEROUS_TIMEOUT_MS,
    maxRetries: 1,
    backoff: FAST_BACKOFF,
    maxResponseBytes: MAX_BYTES,
    logger: recordingLogger((level, message, details) => logLines.push(`${level} ${message} ${JSON.stringify(details)}`)),
    ...options,
  });

let comments = 0;
const CALLS = {
  GET: (crm: CrmClient) => crm.GET('/public/v1/users', { params: { query: { skip: 0, limit: 10 } } }),
  deposit: (crm: CrmClient) =>
    crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '250.00', comment: `dep-hostile-${++comments}` } }),
};
type CallName = keyof typeof CALLS;

interface Settled {
  value?: unknown;
  error?: unknown;
  ms: number;
}

async function settle(call: Promise<unknown>): Promise<Settled> {
  const started = performance.now();
  try {
    const value = await call;
    return { value, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/** Nothing the call handed back (error, result, log line) holds the key or the signing secret. */
function expectNoSecret(settled: Settled): void {
  const texts = [inspect(settled.error, { depth: 8 }), JSON.stringify(settled.error) ?? '', String((settled.error as Error | undefined)?.message), inspect(settled.value, { depth: 8 }), ...logLines];
  for (const text of texts) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(SECRET);
  }
}

/** A deposit: exactly one request, CrmAmbiguousOutcomeError with its reconcile handle and the answer's status. */
function expectAmbiguousDeposit(server: FaultServer, settled: Settled, status: number | undefined, cause?: new (...args: never[]) => Error): CrmAmbiguousOutcomeError {
  expect(settled.error).toBeInstanceOf(CrmAmbiguousOutcomeError);
  const error = settled.error as CrmAmbiguousOutcomeError;
  expect(server.received).toHaveLength(1);
  const sent = JSON.parse(server.received[0]!.body.toString('utf8')) as { comment: string };
  expect(error.reconcile).toEqual({ field: 'comment', value: sent.comment });
  expect(error.request?.body).toBe(server.received[0]!.body.toString('utf8'));
  expect(error.status).toBe(status);
  if (cause) expect(error.cause).toBeInstanceOf(cause);
  return error;
}

beforeEach(() => {
  logLines.length = 0;
});

const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** Writes 64 KiB chunks for as long as the client reads them (until it hangs up). */
const endless =
  (headers: Record<string, string> = {}): ScriptedAnswer =>
  (res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    res.write('[');
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
    };
    res.on('drain', pump);
    pump();
  };

describe.each(['GET', 'deposit'] as const)('a hostile answer to a %s', (name: CallName) => {
  const call = CALLS[name];

  describe.each([301, 302, 303, 307, 308])('a %i redirect', (status) => {
    it.each(['other', 'same'] as const)('to the %s origin: not followed, a typed error naming status and origin only, nothing re-sent', async (where) => {
      const server = await serve((res) => {
        const target = where === 'other' ? `${other.url}/steal/path?key=${KEY}&token=leak` : `/public/v1/elsewhere?key=${KEY}`;
        res.writeHead(status, { location: target, 'content-type': 'text/html' }).end('<a href="elsewhere">moved</a>');
      });
      const settled = await settle(call(client(server.url)));
      expect(settled.ms).toBeLessThan(BOUND_MS);
      const origin = where === 'other' ? other.url : server.url;
      const redirect = (name === 'GET' ? settled.error : (expectAmbiguousDeposit(server, settled, status, CrmRedirectError).cause as unknown)) as CrmRedirectError;
      expect(redirect).toBeInstanceOf(CrmRedirectError);
      expect(redirect).toMatchObject({ status, targetOrigin: origin });
      expect(redirect.message).toContain(String(status));
      expect(redirect.message).toContain(origin);
      // Only the origin: never the target's path or query.
      for (const error of [redirect, settled.error as Error]) expect(`${error.message} ${JSON.stringify(error)}`).not.toMatch(/steal|elsewhere|token=|key=/);
      // Not followed, not retried: the one request is the caller's own, and the target path was never asked for.
      expect(server.received.map((r) => r.url.split('?')[0])).toEqual([name === 'GET' ? '/public/v1/users' : '/public/v1/mt4/accounts/200118/deposit']);
      expectNoSecret(settled);
    });
  });

  it.each([
    ['an HTML page', 'text/html; charset=utf-8', '<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['truncated JSON, framing intact', 'application/json', '{"count":1,"records":[{"id":"3fA9kQ2z","na'],
    ['the wrong content type, not JSON', 'text/plain', 'OK'],
  ])('a 200 with %s: a typed error naming operation and status, never the body', async (_what, type, body) => {
    const server = await serve((res) => res.writeHead(200, { 'content-type': type }).end(body));
    const settled = await settle(call(client(server.url)));
    expect(settled.ms).toBeLessThan(BOUND_MS);
    const unreadable = (name === 'GET' ? settled.error : expectAmbiguousDeposit(server, settled, 200, CrmUnreadableResponseError).cause) as CrmUnreadableResponseError;
    expect(unreadable).toBeInstanceOf(CrmUnreadableResponseError);
    expect(unreadable).toMatchObject({ status: 200, reason: 'not-json', operationId: name === 'GET' ? 'listClients' : 'depositToMt4Account' });
    expect(unreadable.message).toMatch(name === 'GET' ? /^listClients: .*200/ : /^depositToMt4Account: .*200/);
    for (const error of [unreadable, settled.error as Error]) expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(body.slice(0, 12));
    // An answer is not transient: not retried.
    expect(server.received).toHaveLength(1);
    expectNoSecret(settled);
  });

  it('a 200 with JSON under the wrong content type is still read (the bytes are what count)', async () => {
    const server = await serve((res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(name === 'GET' ? '{"count":0,"records":[]}' : '{"repeat":true}'));
    const settled = await settle(call(client(server.url)));
    expect(settled.error).toBeUndefined();
    expect((settled.value as { data: unknown }).data).toEqual(name === 'GET' ? { count: 0, records: [] } : { repeat: true });
  });

  it('a Content-Length never honoured, then the connection closed: a connection error (a GET is retried once), never a raw TypeError', async () => {
    const server = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"count":1,', () => setTimeout(() => res.socket?.destroy(), 10));
    });
    const settled = await settle(call(client(server.url)));
    expect(settled.ms).toBeLessThan(BOUND_MS);
    if (name === 'GET') {
      expect(settled.error).toBeInstanceOf(CrmConnectionError);
      expect(settled.error).toMatchObject({ notSent: false, operationId: 'listClients' });
      expect(server.received).toHaveLength(2);
    } else expectAmbiguousDeposit(server, settled, 200);
    expectNoSecret(settled);
  });

  it.each([
    [
      'a Content-Length never honoured, then silence',
      (res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"count":1,');
      },
    ],
    [
      'a body that trickles a byte every 20 ms, forever',
      (res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 20);
        res.on('close', () => clearInterval(timer));
      },
    ],
  ])('%s: timeoutMs covers the body, CrmTimeoutError (a GET after its retry) within the deadline', async (_what, answer) => {
    const server = await serve(answer);
    const settled = await settle(call(client(server.url, { timeoutMs: TIMEOUT_MS })));
    expect(settled.ms).toBeLessThan(BOUND_MS);
    if (name === 'GET') {
      expect(settled.error).toBeInstanceOf(CrmTimeoutError);
      expect(settled.error).toMatchObject({ timeoutMs: TIMEOUT_MS, message: expect.stringContaining(`the answer's body did not arrive within ${TIMEOUT_MS} ms`) });
      expect(server.received).toHaveLength(2);
    } else {
      const error = expectAmbiguousDeposit(server, settled, 200);
      expect(error.message).toContain(`the answer's body did not arrive within ${TIMEOUT_MS} ms`);
    }
    expectNoSecret(settled);
  });

  it('an endless body: cut off at maxResponseBytes while reading, memory bounded, the server stopped by the hang-up', async () => {
    const server = await serve(endless());
    const heapBefore = process.memoryUsage().heapUsed;
    // A long deadline, so only maxResponseBytes can end it early.
    const settled = await settle(call(client(server.url, { timeoutMs: 10_000 })));
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(settled.ms).toBeLessThan(BOUND_MS);
    const unreadable = (name === 'GET' ? settled.error : expectAmbiguousDeposit(server, settled, 200, CrmUnreadableResponseError).cause) as CrmUnreadableResponseError;
    expect(unreadable).toBeInstanceOf(CrmUnreadableResponseError);
    expect(unreadable).toMatchObject({ status: 200, reason: 'too-large' });
    expect(server.received).toHaveLength(1);
    // What the server got out before the client hung up: the cap plus what socket buffers hold, not gigabytes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.bytesWritten()).toBeLessThan(MAX_BYTES + 32 * 1024 * 1024);
    expect(heapGrowth).toBeLessThan(64 * 1024 * 1024);
    expectNoSecret(settled);
  });

  it('a declared Content-Length beyond maxResponseBytes: refused before reading', async () => {
    const server = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 ** 3) });
      res.write('[');
    });
    const settled = await settle(call(client(server.url, { timeoutMs: 10_000 })));
    expect(settled.ms).toBeLessThan(BOUND_MS);
    const unreadable = (name === 'GET' ? settled.error : expectAmbiguousDeposit(server, settled, 200, CrmUnreadableResponseError).cause) as CrmUnreadableResponseError;
    expect(unreadable).toMatchObject({ reason: 'too-large', message: expect.stringContaining(`maxResponseBytes (${MAX_BYTES})`) });
  });

  it.each([400, 403])('a %i error body that echoes the key and the signing secret: redacted in `error`, CrmApiError and the response', async (status) => {
    const server = await serve((res, request) =>
      json(res, status, { type: 'invalid_api_key', message: `key ${request.headers.key} is not valid`, echo: { signature: request.headers.signature ?? null, raw: `${SECRET} / ${JSON.stringify(KEY).slice(1, -1)} / ${encodeURIComponent(KEY)}` } }),
    );
    const settled = await settle(call(client(server.url)));
    const { error, response } = settled.value as { error: { type: string; message: string; echo: { raw: string } }; response: Response };
    expect(response.status).toBe(status);
    expect(error.type).toBe('invalid_api_key');
    expect(error.message).toBe('key [redacted] is not valid');
    expect(error.echo.raw).toBe('[redacted] / [redacted] / [redacted]');
    // The Response the caller holds reads back redacted too, however it is read.
    expect(await response.clone().text()).not.toContain(KEY);
    expect(new TextDecoder().decode(await response.arrayBuffer())).not.toMatch(/DO-NOT-LEAK/);
    const thrown = await settle(call(client(server.url, { throwOnError: true })));
    expect(thrown.error).toBeInstanceOf(CrmApiError);
    const apiError = thrown.error as CrmApiError;
    expect(apiError).toMatchObject({ status, type: 'invalid_api_key' });
    expect(JSON.stringify(apiError.body)).toContain('[redacted]');
    expectNoSecret(settled);
    expectNoSecret(thrown);
  });

  it('a 500 HTML error page that echoes the key: redacted (a GET gets `error` text, a deposit is ambiguous and keeps no body)', async () => {
    const server = await serve((res, request) => res.writeHead(500, { 'content-type': 'text/html' }).end(`<pre>Fatal: bad key ${request.headers.key}</pre>`));
    const settled = await settle(call(client(server.url)));
    if (name === 'GET') expect((settled.value as { error: unknown }).error).toBe('<pre>Fatal: bad key [redacted]</pre>');
    else expectAmbiguousDeposit(server, settled, 500);
    expectNoSecret(settled);
  });
});

describe('an error answer that echoes a password the call sent', () => {
  it('has it redacted, in `error`, the Response and CrmApiError (the fields the spec marks format: password)', async () => {
    const password = 'Passw0rd-DO-NOT-LEAK-77';
    registerSecret(password);
    const server = await serve((res) => json(res, 400, { type: 'invalid_request', detail: `password ${password} is too weak`, escaped: JSON.stringify(password).slice(1, -1) }));
    const validate = (crm: CrmClient) => crm.POST('/public/v1/users/validate', { body: { email: 'jane@mail.test', password } });
    const settled = await settle(validate(client(server.url)));
    const { error, response } = settled.value as { error: { detail: string }; response: Response };
    expect(response.status).toBe(400);
    expect(error.detail).toBe('password [redacted] is too weak');
    expect(await response.clone().text()).not.toContain(password);
    const thrown = await settle(validate(client(server.url, { throwOnError: true })));
    expect(thrown.error).toBeInstanceOf(CrmApiError);
    expect(JSON.stringify(thrown.error)).not.toContain(password);
    expect(inspect(thrown.error)).not.toContain(password);
    expect(server.received).toHaveLength(2);
  });
});

describe('answers that must keep working', () => {
  it('a 204 without a body (the deposit as documented) and a 200 with `Content-Length: 0`', async () => {
    const server = await serve((res, request) => (request.method === 'POST' ? res.writeHead(204).end() : res.writeHead(200, { 'content-length': '0' }).end()));
    const deposit = (await CALLS.deposit(client(server.url))) as { data: unknown; response: Response };
    expect([deposit.response.status, deposit.data]).toEqual([204, undefined]);
    const get = await CALLS.GET(client(server.url));
    expect([get.response.status, get.data]).toEqual([200, undefined]);
  });

  it('a caller asking for text gets the text of an HTML 200 (only a JSON answer must be JSON)', async () => {
    const server = await serve((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>'));
    const { data } = await client(server.url).GET('/public/v1/users', { params: { query: { skip: 0, limit: 1 } }, parseAs: 'text' });
    expect(data).toBe('<p>hi</p>');
  });

  it("a caller asking for a stream gets the answer's bytes as one (read within the deadline and the cap first)", async () => {
    const server = await serve((res) => json(res, 200, { count: 0, records: [] }));
    const { data } = await client(server.url).GET('/public/v1/users', { params: { query: { skip: 0, limit: 1 } }, parseAs: 'stream' });
    expect(await new Response(data as ReadableStream).text()).toBe('{"count":0,"records":[]}');
  });

  it("a middleware still reads the answer (clone, json) and the caller's response still reports the fetched url", async () => {
    const server = await serve((res) => json(res, 200, { count: 0, records: [] }));
    const crm = client(server.url);
    const seen: unknown[] = [];
    crm.use({ onResponse: async ({ response }) => void seen.push(await response.clone().json(), await response.clone().text()) });
    const { data, response } = await crm.GET('/public/v1/users', { params: { query: { skip: 0, limit: 1 } } });
    expect(data).toEqual({ count: 0, records: [] });
    expect(seen).toEqual([{ count: 0, records: [] }, '{"count":0,"records":[]}']);
    expect(response.url).toBe(`${server.url}/public/v1/users?skip=0&limit=1`);
  });

  it('maxResponseBytes must be a positive integer', async () => {
    for (const maxResponseBytes of [0, -1, 1.5, Number.NaN]) expect(() => client('http://127.0.0.1:1', { maxResponseBytes })).toThrow(new TypeError('createCrmClient: option `maxResponseBytes` must be a positive integer'));
  });
});

// ——— The client cases, one named regression test each ———

describe('issue 24 regression: "The client follows redirects"', () => {
  const redirectTo = (status: number) => (res: ServerResponse) => res.writeHead(status, { location: `${other.url}/public/v1/mt4/accounts/200118/deposit` }).end();

  it('a 307 on a deposit to another origin: the other origin gets no key, no signature, no body', async () => {
    const server = await serve(redirectTo(307));
    const settled = await settle(CALLS.deposit(client(server.url)));
    expectAmbiguousDeposit(server, settled, 307, CrmRedirectError);
    expect(server.received[0]!.headers.signature).toMatch(/^sha256=/);
    expect(other.received).toEqual([]);
  });

  it('a 301 on a deposit does not become a GET answered 200: the caller gets an error, never a success', async () => {
    const server = await serve(redirectTo(301));
    const settled = await settle(CALLS.deposit(client(server.url)));
    expect(settled.value).toBeUndefined();
    expectAmbiguousDeposit(server, settled, 301, CrmRedirectError);
  });

  // Every path a request can take to the network: Node's fetch given URL and init, a Request (a middleware is
  // there), a custom fetch that passes init on, one that ignores init, and one given a middleware's Request
  // that asks to follow.
  const paths: [string, (crm: CrmClient) => void, Partial<CrmClientOptions>][] = [
    ['the URL-and-init fast path', () => undefined, {}],
    ['a Request (a middleware is added)', (crm) => crm.use({ onRequest: () => undefined }), {}],
    ['a custom fetch passing init on', () => undefined, { fetch: (request, init) => fetch(request, init) }],
    ['a custom fetch that ignores init', () => undefined, { fetch: (request) => fetch(request) }],
    ['a custom fetch that makes its own call from the URL and init', () => undefined, { fetch: async (request, init) => fetch(request.url, { ...init, method: request.method, headers: request.headers, ...(request.body ? { body: await request.text() } : {}) }) }],
    ['a middleware Request asking to follow, to a custom fetch that ignores init', (crm) => crm.use({ onRequest: ({ request }) => new Request(request, { redirect: 'follow' }) }), { fetch: (request) => fetch(request) }],
  ];
  it.each(paths)('on %s', async (_path, setUp, options) => {
    const server = await serve(redirectTo(308));
    const crm = client(server.url, options);
    setUp(crm);
    const get = await settle(CALLS.GET(crm));
    expect(get.error).toBeInstanceOf(CrmRedirectError);
    // The middleware's Request carries no operation, so its deposit is a POST the transport does not know:
    // not repeatable, so ambiguous all the same.
    const deposit = await settle(CALLS.deposit(crm));
    expect(deposit.error).toBeInstanceOf(CrmAmbiguousOutcomeError);
    expect((deposit.error as CrmAmbiguousOutcomeError).cause).toBeInstanceOf(CrmRedirectError);
    expect(server.received).toHaveLength(2);
    expect(other.received).toEqual([]);
  });

  it('a custom fetch that follows by itself: its answer is refused as a redirect, never returned as a success', async () => {
    const elsewhere = await serve((res) => json(res, 200, { count: 0, records: [] }));
    const server = await serve((res) => res.writeHead(302, { location: `${elsewhere.url}/x` }).end());
    const follower: CrmClientOptions['fetch'] = (request) => fetch(request.url, { method: request.method, headers: request.headers, redirect: 'follow' });
    const settled = await settle(CALLS.GET(client(server.url, { fetch: follower })));
    expect(settled.error).toBeInstanceOf(CrmRedirectError);
    expect(settled.error).toMatchObject({ targetOrigin: elsewhere.url, message: expect.stringContaining('the custom fetch followed a redirect') });
    // A money call through it: ambiguous (the follower did send it elsewhere), and said so, not "not followed".
    const deposit = await settle(CALLS.deposit(client(server.url, { fetch: follower })));
    expect(deposit.error).toBeInstanceOf(CrmAmbiguousOutcomeError);
    expect((deposit.error as Error).message).toContain(`the custom fetch followed a redirect to ${elsewhere.url}`);
    expect((deposit.error as Error).message).not.toContain('not followed');
  });

  it('the Client OAuth and PSP callback clients share the transport: no redirect followed', async () => {
    const server = await serve(redirectTo(307));
    const oauth = createOAuthClient({ apiHost: server.url, clientId: 'hostile-client', clientSecret: SECRET, timeoutMs: GENEROUS_TIMEOUT_MS });
    const token = await settle(oauth.refresh('refresh-token-hostile-1'));
    expect(token.error).toBeInstanceOf(CrmAmbiguousOutcomeError);
    expect((token.error as CrmAmbiguousOutcomeError).cause).toBeInstanceOf(CrmRedirectError);
    registerSecret('psp-token-hostile-DO-NOT-LEAK');
    const psp = createPspCallbackClient({ callbackUrl: server.url, crmPayToken: 'psp-token-hostile-DO-NOT-LEAK', timeoutMs: GENEROUS_TIMEOUT_MS, maxRetries: 1 });
    const { sign: _sign, ...payment } = loadApi('psp').exampleInput('reportPaymentResult').body as Record<string, unknown>;
    const report = await settle(psp.reportPayment(payment as never));
    expect(report.error).toBeInstanceOf(CrmRedirectError);
    // One each: a redirect is not transient, so the (idempotent) PSP report is not retried either.
    expect(server.received.map((r) => r.url)).toEqual(['/oauth/token', '/pay/callback']);
    expect(other.received).toEqual([]);
  });
});

describe('issue 24 regression: "timeoutMs stops at the headers"', () => {
  it.each(['GET', 'deposit'] as const)('a %s whose body never ends ends within the deadline in a CrmError, not minutes later in a raw TypeError', async (name) => {
    const server = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('[')), 5);
      res.on('close', () => clearInterval(timer));
    });
    const settled = await settle(CALLS[name](client(server.url, { timeoutMs: TIMEOUT_MS, maxRetries: 0 })));
    expect(settled.ms).toBeLessThan(TIMEOUT_MS + 4_000);
    expect(settled.error).toBeInstanceOf(CrmError);
    expect(settled.error).toBeInstanceOf(name === 'GET' ? CrmTimeoutError : CrmAmbiguousOutcomeError);
  });

  it('a custom fetch whose body ignores the signal is cut off by the deadline all the same', async () => {
    const stalled: CrmClientOptions['fetch'] = async () => new Response(new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"count":')) }), { status: 200 });
    const settled = await settle(CALLS.GET(client('http://127.0.0.1:1', { fetch: stalled, timeoutMs: TIMEOUT_MS, maxRetries: 0 })));
    expect(settled.ms).toBeLessThan(TIMEOUT_MS + 4_000);
    expect(settled.error).toBeInstanceOf(CrmTimeoutError);
  });
});

describe('issue 24 regression: "A 2xx that is not JSON"', () => {
  const box = useSandbox();
  beforeEach(() => box.sandbox.reset());

  /**
   * Something in front of the sandbox that passes the first deposit on (the sandbox applies it) and hands the
   * client a broken 200 instead of the sandbox's answer; every later call passes through untouched.
   */
  const garbling = (body: string, type: string): CrmClientOptions['fetch'] => {
    let garbled = false;
    return async (request, init) => {
      const answer = await fetch(request, init);
      if (garbled || !request.url.endsWith('/deposit')) return answer;
      garbled = true;
      await answer.body?.cancel();
      return new Response(body, { status: 200, headers: { 'content-type': type } });
    };
  };
  const sandboxClient = (options: Partial<CrmClientOptions> = {}) => observedClient({ baseUrl: box.sandbox.url, apiKey: API_KEY, clock: () => box.sandbox.now(), timeoutMs: 2_000, maxRetries: 0, ...options });
  const deposit = (crm: CrmClient, comment: string) => crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '10.01', comment } });
  const applied = (comment: string) => box.sandbox.state().transactions.filter((t: { comment?: string }) => t.comment === comment);

  it.each([
    ['an HTML page', '<html><body>Bad gateway</body></html>', 'text/html'],
    ['a truncated body', '{"repe', 'application/json'],
  ])('a deposit answered with %s: CrmAmbiguousOutcomeError with its reconcile handle, which reconcile settles as applied once', async (_what, body, type) => {
    const comment = `dep-unreadable-${type.length}`;
    const settled = await settle(deposit(sandboxClient({ fetch: garbling(body, type) }), comment));
    expect(settled.error).toBeInstanceOf(CrmAmbiguousOutcomeError);
    const error = settled.error as CrmAmbiguousOutcomeError;
    expect(error).toMatchObject({ operationId: 'depositToMt4Account', status: 200, reconcile: { field: 'comment', value: comment } });
    expect(error.cause).toBeInstanceOf(CrmUnreadableResponseError);
    expect(applied(comment)).toHaveLength(1);
    const found = await reconcile(sandboxClient(), error, { now: () => box.sandbox.now() });
    expect(found).toMatchObject({ outcome: 'applied', how: 'resent-within-repeat-window', evidence: { appliedBy: 'the lost request' } });
    expect(applied(comment)).toHaveLength(1);
  });

  it('autoReconcile settles it too: the caller gets the real answer, the money moved once', async () => {
    const crm = sandboxClient({ fetch: garbling('<html>oops</html>', 'text/html'), autoReconcile: true });
    const { data, response } = await deposit(crm, 'dep-unreadable-auto');
    expect({ status: response.status, data, how: response.headers.get('x-crm-reconciled') }).toEqual({ status: 200, data: { repeat: true }, how: 'resent-within-repeat-window' });
    expect(applied('dep-unreadable-auto')).toHaveLength(1);
  });

  it('a GET answered with HTML is a CrmUnreadableResponseError naming operation and status, with no raw SyntaxError', async () => {
    const settled = await settle(sandboxClient({ fetch: async () => new Response('<html>', { status: 200 }) }).GET('/public/v1/connections'));
    expect(settled.error).toBeInstanceOf(CrmUnreadableResponseError);
    expect(settled.error).not.toBeInstanceOf(SyntaxError);
    expect((settled.error as Error).message).toBe('listTradingConnections: the CRM answered 200 with a body that is not JSON (6 bytes, text/plain)');
  });
});
