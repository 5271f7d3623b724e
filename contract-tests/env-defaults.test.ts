// Issue 29, item 4: createCrmClient() reads CRM_BASE_URL, CRM_API_KEY, CRM_SIGNING_SECRET and
// CRM_SIGNATURE_VERSION where process.env exists (as openai-node reads OPENAI_API_KEY), the options winning;
// with neither, the same TypeError naming the option (and the variable); with no `process` (a browser, a
// worker), nothing is read and nothing breaks.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCrmClient } from '../src/rest/client';
import { signPayload } from '../src/core/signatures/hmac-sha256';
import { sha1ParamsSignature } from '../src/core/signatures/sha1-params';

const NAMES = ['CRM_BASE_URL', 'CRM_API_KEY', 'CRM_SIGNING_SECRET', 'CRM_SIGNATURE_VERSION'] as const;
const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
beforeEach(() => NAMES.forEach((name) => delete process.env[name]));

/** A loopback server that records the headers and body of each request and answers 201 `{ id }`. */
async function recorder() {
  const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"l-1"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

it('without options: base URL, key and signing secret from the environment (V2)', async () => {
  const server = await recorder();
  try {
    process.env.CRM_BASE_URL = server.url;
    process.env.CRM_API_KEY = 'env-key-0001';
    process.env.CRM_SIGNING_SECRET = 'env-signing-secret-1';
    const crm = createCrmClient();
    const { response } = await crm.POST('/public/v1/leads', { body: { email: 'lee@mail.test', name: 'Lee' } });
    expect(response.status).toBe(201);
    const [sent] = server.seen;
    expect(sent!.headers.key).toBe('env-key-0001');
    expect(sent!.headers.signature).toBe(await signPayload(sent!.body, 'env-signing-secret-1'));
  } finally {
    await server.close();
  }
});

it('CRM_SIGNATURE_VERSION=v1 signs with v1; options given win over the environment', async () => {
  const server = await recorder();
  try {
    process.env.CRM_BASE_URL = 'http://127.0.0.1:9'; // never called: the option wins
    process.env.CRM_API_KEY = 'env-key-0001';
    process.env.CRM_SIGNATURE_VERSION = 'v1';
    const crm = createCrmClient({ baseUrl: server.url, apiKey: 'option-key-0002' });
    await crm.POST('/public/v1/leads', { body: { email: 'lee@mail.test', name: 'Lee' } });
    const [sent] = server.seen;
    expect(sent!.headers.key).toBe('option-key-0002');
    expect(sent!.headers.signature).toBe(await sha1ParamsSignature(JSON.parse(sent!.body), 'option-key-0002'));
  } finally {
    await server.close();
  }
});

it('with neither option nor variable: the TypeError names the option and the variable', () => {
  expect(() => createCrmClient()).toThrow(new TypeError('createCrmClient: option `baseUrl` is required and must be a non-empty string (or set CRM_BASE_URL where process.env exists)'));
  process.env.CRM_BASE_URL = 'https://crm.my-broker.com';
  expect(() => createCrmClient()).toThrow(/option `apiKey` is required .*CRM_API_KEY/);
  process.env.CRM_API_KEY = '';
  expect(() => createCrmClient()).toThrow(/option `apiKey` is required/); // an empty variable is not a key
});

it('where there is no process (a browser, a worker): nothing is read, and the same TypeError', () => {
  process.env.CRM_BASE_URL = 'https://crm.my-broker.com';
  process.env.CRM_API_KEY = 'env-key-0001';
  const real = globalThis.process;
  try {
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    expect(() => createCrmClient()).toThrow(/option `baseUrl` is required/);
  } finally {
    Object.defineProperty(globalThis, 'process', { value: real, configurable: true, writable: true });
  }
});
