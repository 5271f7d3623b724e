// A call with nothing but our transport to see it goes to Node's fetch as its URL and init (one Request, built
// by fetch); a middleware, an option we do not pass through as-is, or a custom fetch gets a real Request.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { inspect } from 'node:util';
import { createCrmClient } from '../rest/client';
import { CrmAmbiguousOutcomeError } from '../core/errors';
import { OutgoingRequest } from './outgoing-request';
import { answerJson, captureRequest, listen, type CapturedRequest, type Listening } from '../testing/http-host';

const KEY = 'outgoing-key-DO-NOT-LEAK-42';
let server: Listening;
let received: CapturedRequest[];
let hold: Promise<void> | undefined;

beforeEach(async () => {
  received = [];
  hold = undefined;
  server = await listen(
    createServer(async (request, response) => {
      received.push(await captureRequest(request));
      await hold;
      if (!response.destroyed) answerJson(response, request.method === 'GET' ? 200 : 201, request.method === 'GET' ? { count: 0, records: [] } : { id: 'Ld00a7Zq' });
    }),
  );
});
afterEach(async () => {
  jest.restoreAllMocks();
  await server.stop();
});

const list = { params: { query: { skip: 0, limit: 10 } } } as const;

describe('a call no middleware sees', () => {
  it('reaches Node fetch as URL and init, and arrives exactly as a Request would have sent it', async () => {
    const spy = jest.spyOn(globalThis, 'fetch');
    const crm = createCrmClient({ baseUrl: server.url, apiKey: KEY });
    const { data } = await crm.GET('/public/v1/users', list);
    const { response } = await crm.POST('/public/v1/leads', { body: { email: 'lee@mail.test', name: 'Lee' } });
    expect(data).toEqual({ count: 0, records: [] });
    expect(response.status).toBe(201);
    expect(spy.mock.calls.map(([input]) => typeof input)).toEqual(['string', 'string']);
    const [get, post] = received as [CapturedRequest, CapturedRequest];
    expect([get.method, get.path, get.query, get.headers.key, get.headers.signature]).toEqual(['GET', '/public/v1/users', 'skip=0&limit=10', KEY, undefined]);
    expect(post.body.toString()).toBe('{"email":"lee@mail.test","name":"Lee"}');
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers.signature).toBe(`sha256=${createHmac('sha256', KEY).update(post.body).digest('hex')}`);
  });

  it("is cut short by the caller's signal: a GET rejects with the abort, a POST as an ambiguous outcome", async () => {
    hold = new Promise(() => {});
    const crm = createCrmClient({ baseUrl: server.url, apiKey: KEY, maxRetries: 0 });
    const get = new AbortController();
    const reading = crm.GET('/public/v1/users', { ...list, signal: get.signal });
    await waitFor(() => received.length === 1);
    get.abort(new Error('caller gave up'));
    await expect(reading).rejects.toThrow('caller gave up');
    const post = new AbortController();
    const creating = crm.POST('/public/v1/leads', { body: { email: 'lee@mail.test' }, signal: post.signal });
    await waitFor(() => received.length === 2);
    post.abort();
    await expect(creating).rejects.toBeInstanceOf(CrmAmbiguousOutcomeError);
  });

  it('is cut short by timeoutMs', async () => {
    hold = new Promise(() => {});
    const crm = createCrmClient({ baseUrl: server.url, apiKey: KEY, timeoutMs: 50, maxRetries: 0 });
    await expect(crm.POST('/public/v1/leads', { body: { email: 'lee@mail.test' } })).rejects.toThrow(/no answer within 50 ms/);
    expect(received).toHaveLength(1);
  });

  it('with throwOnError too: the option wraps the methods, it is no middleware (which would build a Request)', async () => {
    const spy = jest.spyOn(globalThis, 'fetch');
    const crm = createCrmClient({ baseUrl: server.url, apiKey: KEY, throwOnError: true });
    await crm.GET('/public/v1/users', list);
    await crm.request('post', '/public/v1/leads', { body: { email: 'lee@mail.test' } });
    expect(spy.mock.calls.map(([input]) => typeof input)).toEqual(['string', 'string']);
  });

  it('shows no body text and no key in util.inspect', () => {
    const headers = new Headers({ key: KEY });
    const outgoing = new OutgoingRequest(`${server.url}/public/v1/leads`, { method: 'POST', headers, body: '{"password":"Secret-Pa55"}' }, { operation: undefined, schemaPath: '/public/v1/leads', bodyText: '{"password":"Secret-Pa55"}' });
    expect(inspect(outgoing, { depth: 5, showHidden: true })).not.toMatch(/Secret-Pa55|DO-NOT-LEAK/);
  });
});

describe('a call built into a Request', () => {
  it('once a middleware is added: it sees a Request, and so does fetch', async () => {
    const spy = jest.spyOn(globalThis, 'fetch');
    const crm = createCrmClient({ baseUrl: server.url, apiKey: KEY });
    const seen: unknown[] = [];
    crm.use({ onRequest: ({ request }) => void seen.push(request) });
    await crm.POST('/public/v1/leads', { body: { email: 'lee@mail.test' } });
    expect(seen[0]).toBeInstanceOf(Request);
    expect(spy.mock.calls[0]?.[0]).toBeInstanceOf(Request);
    expect(received[0]?.headers.signature).toBe(`sha256=${createHmac('sha256', KEY).update(received[0]!.body).digest('hex')}`);
  });

  it('for a call with its own middleware, or an option passed to the Request as-is', async () => {
    const spy = jest.spyOn(globalThis, 'fetch');
    const crm = createCrmClient({ baseUrl: server.url, apiKey: KEY });
    await crm.GET('/public/v1/users', { ...list, middleware: [{ onRequest: () => undefined }] });
    await crm.GET('/public/v1/users', { ...list, keepalive: true });
    await crm.GET('/public/v1/users', list);
    expect(spy.mock.calls.map(([input]) => (input instanceof Request ? 'Request' : typeof input))).toEqual(['Request', 'Request', 'string']);
    expect(received).toHaveLength(3);
  });

  it('for a custom fetch, which is promised a Request (and gets one per attempt)', async () => {
    const inputs: unknown[] = [];
    let attempts = 0;
    const crm = createCrmClient({
      baseUrl: server.url,
      apiKey: KEY,
      backoff: { initialMs: 1, maxMs: 1 },
      fetch: async (input, init) => {
        inputs.push(input);
        if (attempts++ === 0) return new Response('busy', { status: 503 });
        return fetch(input, init);
      },
    });
    const { data } = await crm.GET('/public/v1/users', list);
    expect(data).toEqual({ count: 0, records: [] });
    expect(inputs).toHaveLength(2);
    expect(inputs.every((input) => input instanceof Request)).toBe(true);
    expect(inputs[0]).not.toBe(inputs[1]);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
