import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { createCrmClient, type CrmClientOptions } from './client';
import { CrmValidationError } from '../core/errors';

const KEY = 'live-key-DO-NOT-LEAK-1234';
const SECRET = 'signing-secret-DO-NOT-LEAK-5678';

/** An in-memory fetch that records what would have gone on the wire. */
function recordingFetch() {
  const sent: { request: Request; body: string }[] = [];
  const fetch = async (request: Request) => {
    sent.push({ request, body: await request.clone().text() });
    return new Response(JSON.stringify({ id: 'Ld00a7Zq' }), { status: 201, headers: { 'content-type': 'application/json' } });
  };
  return { sent, fetch };
}

describe('createCrmClient options', () => {
  it.each(['apiKey', 'baseUrl'] as const)('throws a TypeError naming `%s` when it is missing or empty', (name) => {
    const options = { baseUrl: 'http://127.0.0.1:1', apiKey: KEY } as Partial<CrmClientOptions>;
    for (const value of [undefined, '', '   ']) {
      expect(() => createCrmClient({ ...options, [name]: value } as CrmClientOptions)).toThrow(
        new TypeError(`createCrmClient: option \`${name}\` is required and must be a non-empty string (or set ${name === 'apiKey' ? 'CRM_API_KEY' : 'CRM_BASE_URL'} where process.env exists)`),
      );
    }
  });

  it('throws before any request when created without options', () => {
    expect(() => createCrmClient(undefined as unknown as CrmClientOptions)).toThrow(TypeError);
  });
});

describe('signing', () => {
  it('sends `key` always, and a signature of the exact bytes keyed by signingSecret', async () => {
    const { sent, fetch } = recordingFetch();
    const client = createCrmClient({ baseUrl: 'http://crm.test', apiKey: KEY, signingSecret: SECRET, fetch, headers: { key: 'spoofed' } });
    await client.POST('/public/v1/leads', { body: { email: 'z@b.test', name: 'Zoë' } });
    const [{ request, body }] = sent as [{ request: Request; body: string }];
    expect(body).toBe('{"email":"z@b.test","name":"Zoë"}');
    expect(request.headers.get('key')).toBe(KEY);
    expect(request.headers.get('signature')).toBe('sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'));
  });

  it('keys the signature with the API key when no signingSecret is given, and does not sign a GET', async () => {
    const { sent, fetch } = recordingFetch();
    const client = createCrmClient({ baseUrl: 'http://crm.test', apiKey: KEY, fetch });
    await client.POST('/public/v1/leads', { body: { email: 'z@b.test' } });
    await client.GET('/public/v1/connections');
    expect(sent[0]?.request.headers.get('signature')).toBe('sha256=' + createHmac('sha256', KEY).update(sent[0]!.body).digest('hex'));
    expect(sent[1]?.request.headers.get('signature')).toBeNull();
    expect(sent[1]?.request.headers.get('key')).toBe(KEY);
  });
});

describe("a caller's own middleware", () => {
  it('runs after validation (an invalid call never reaches it) and sees `key`', async () => {
    const { sent, fetch } = recordingFetch();
    const client = createCrmClient({ baseUrl: 'http://crm.test', apiKey: KEY, fetch });
    const seen: string[] = [];
    client.use({ onRequest: ({ request }) => void seen.push(`${request.method} ${request.headers.get('key') === KEY}`) });
    await expect(client.GET('/public/v1/users', { params: { query: { skip: -1, limit: 10 } } })).rejects.toThrow(new CrmValidationError('listClients: query.skip must be >= 0', 'query.skip', 'must be >= 0', 'listClients'));
    expect(seen).toEqual([]);
    await client.GET('/public/v1/users', { params: { query: { skip: 0, limit: 10 } } });
    expect(seen).toEqual(['GET true']);
    expect(sent).toHaveLength(1);
  });

  it('may replace the request: the signature is of the bytes actually sent', async () => {
    const { sent, fetch } = recordingFetch();
    const client = createCrmClient({ baseUrl: 'http://crm.test', apiKey: KEY, signingSecret: SECRET, fetch });
    client.use({ onRequest: ({ request }) => new Request(request, { body: '{"email":"other@b.test","name":"Other"}' }) });
    await client.POST('/public/v1/leads', { body: { email: 'z@b.test', name: 'Zoë' } });
    const [{ request, body }] = sent as [{ request: Request; body: string }];
    expect(body).toBe('{"email":"other@b.test","name":"Other"}');
    expect(request.headers.get('signature')).toBe(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
  });
});

describe('concurrent calls', () => {
  it('each request is checked against its own call: 50 calls started at once, every fifth invalid', async () => {
    const { sent, fetch } = recordingFetch();
    const client = createCrmClient({ baseUrl: 'http://crm.test', apiKey: KEY, fetch });
    const calls = Array.from({ length: 50 }, (_, i) =>
      i % 5 === 0
        ? client.POST('/public/v1/leads', { body: { email: `lead${i}@b.test`, name: '' } })
        : i % 2
          ? client.GET('/public/v1/users', { params: { query: { skip: i, limit: 10 } } })
          : client.request('post', '/public/v1/leads', { body: { email: `lead${i}@b.test`, name: `Lead ${i}` } }),
    );
    const settled = await Promise.allSettled(calls);
    expect(settled.map((result, i) => [i % 5 === 0, result.status === 'rejected'])).toEqual(settled.map((_, i) => [i % 5 === 0, i % 5 === 0]));
    expect(sent).toHaveLength(40);
    for (const { request, body } of sent) {
      if (request.method === 'GET') expect(new URL(request.url).searchParams.get('limit')).toBe('10');
      else expect(request.headers.get('signature')).toBe(`sha256=${createHmac('sha256', KEY).update(body).digest('hex')}`);
    }
  });
});

describe('bad bodies fail before any byte is sent', () => {
  const cyclic: Record<string, unknown> = { email: 'a@b.test' };
  cyclic.self = cyclic;
  it.each([
    ['a BigInt', { email: 'a@b.test', custom_fields: { big: 10n } }, /BigInt/],
    ['a cycle', cyclic, /circular/i],
  ])('rejects a body with %s with a CrmValidationError naming the body', async (_label, body, reason) => {
    const { sent, fetch } = recordingFetch();
    const client = createCrmClient({ baseUrl: 'http://crm.test', apiKey: KEY, fetch });
    const attempt = client.POST('/public/v1/leads', { body: body as never });
    await expect(attempt).rejects.toThrow(CrmValidationError);
    await expect(attempt).rejects.toThrow(/^body is not JSON-serialisable: /);
    await expect(attempt).rejects.toThrow(reason);
    expect(sent).toHaveLength(0);
  });
});

describe('secrets stay secret', () => {
  it('never shows the key or secret in String(), JSON.stringify() or util.inspect() of the client', () => {
    const client = createCrmClient({ baseUrl: 'http://crm.test', apiKey: KEY, signingSecret: SECRET });
    for (const text of [String(client), JSON.stringify(client), inspect(client, { depth: 10, showHidden: true })]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(SECRET);
    }
  });

  it('never shows them in the errors it throws', async () => {
    const client = createCrmClient({ baseUrl: 'http://crm.test', apiKey: KEY, signingSecret: SECRET, fetch: recordingFetch().fetch });
    const error = await client.POST('/public/v1/leads', { body: { big: 1n } as never }).catch((e: unknown) => e);
    const text = `${String(error)} ${inspect(error, { depth: 10, showHidden: true })}`;
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(SECRET);
  });
});

describe('logger', () => {
  it('gets a summary of each attempt with key and signature redacted, and no body', async () => {
    const lines: string[] = [];
    const log = (message: string, details: unknown) => lines.push(`${message} ${JSON.stringify(details)}`);
    const client = createCrmClient({
      baseUrl: 'http://crm.test',
      apiKey: KEY,
      signingSecret: SECRET,
      fetch: recordingFetch().fetch,
      logger: { debug: log, info: log, warn: log, error: log },
      validateRequests: false,
    });
    // A password where none belongs: the logger must not show it even then.
    const lead = { email: 'ana@example.com', name: 'Ana', password: 'pw-DO-NOT-LEAK-9' };
    await client.POST('/public/v1/leads', { body: lead as never });
    const text = lines.join('\n');
    expect(lines).toHaveLength(2);
    expect(text).toContain('"operationId":"createLead"');
    expect(text).toContain('"key":"[redacted]"');
    expect(text).toContain('"signature":"[redacted]"');
    expect(text).toContain('"status":201');
    for (const secret of [KEY, SECRET, 'pw-DO-NOT-LEAK-9']) expect(text).not.toContain(secret);
  });
});

describe('retry and timeout options', () => {
  it.each([
    ['timeoutMs', 0, 'positive'],
    ['timeoutMs', 1.5, 'positive'],
    ['maxRetries', -1, 'non-negative'],
  ] as const)('refuses %s = %s with a TypeError naming the option', (name, value, kind) => {
    expect(() => createCrmClient({ baseUrl: 'http://crm.test', apiKey: KEY, [name]: value })).toThrow(
      new TypeError(`createCrmClient: option \`${name}\` must be a ${kind} integer`),
    );
  });
});
