// Issue 24, the sandbox and the mock as a hostile peer finds them: one named test per case of the list
// ("one request kills the sandbox or the mock", "the sandbox keeps bodies before authenticating", "the
// control API can be driven cross-site", "the sandbox accepts 200118.0 ... as an integer login"). Each
// asserts the answer and that the server still serves a good request after it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createCrmClient } from '../../src/rest/client';
import { CrmValidationError } from '../../src/core/errors';
import * as paramsSignature from '../../src/core/signatures/sha1-params';
import { startGate, type Gate } from '../../src/testing/mock/gate';
import { LOGGED_BODY_BYTES } from '../../src/testing/http-host';
import * as money from '../../src/testing/sandbox/money';
import { startSandboxCrm, type SandboxCrm } from '../../src/testing/sandbox/server';
import { registerSecret } from '../harness/output-scan';
import { rawRequest, signV2, type RawRequest } from '../harness/raw-http';

const KEY = 'hostile-sandbox-key-Secret-7781';
registerSecret(KEY);
const MiB = 1024 * 1024;

let sandbox: SandboxCrm;
let mock: Gate;
let mockV1: Gate;
const logLines: string[] = [];
beforeAll(async () => {
  const upstream = process.env.CRM_PRISM_URL;
  if (!upstream) throw new Error('CRM_PRISM_URL is not set: run the suites through jest (globalSetup starts Prism)');
  const log = (line: string) => void logLines.push(line);
  sandbox = await startSandboxCrm({ apiKey: KEY, log });
  mock = await startGate({ apiKey: KEY, upstream, log });
  mockV1 = await startGate({ apiKey: KEY, upstream, signatureVersion: 'v1', log });
});
afterAll(async () => {
  await Promise.all([sandbox?.stop(), mock?.stop(), mockV1?.stop()]);
});
beforeEach(() => {
  sandbox.reset();
  logLines.length = 0;
});
afterEach(() => {
  // Nothing a test sends is a sandbox bug (those tests that provoke one empty the log themselves).
  expect(logLines).toEqual([]);
});

/** A request with the right key and, when it has a body, the right v2 signature. */
const signed = (base: string, method: string, target: string, body?: string, headers: Record<string, string> = {}) =>
  rawRequest(base, { method, target, body, headers: { key: KEY, ...(body === undefined ? {} : { 'content-type': 'application/json', signature: signV2(body, KEY) }), ...headers } });
/** A good request answers as usual: the server survived what came before. */
async function expectServing(base: string): Promise<void> {
  const answer = await signed(base, 'GET', '/public/v1/configurations/countries');
  expect(answer.status).toBe(200);
}
const control = (route: string, spec: Omit<RawRequest, 'target'> = {}) => rawRequest(sandbox.url, { ...spec, target: `/__sandbox/${route}` });
const walletUpdate = (amountJson: string, orderId = 'ord-hostile-0001') => `{"user_id":"3fA9kQ2z","currency":"USD","amount":${amountJson},"order_id":"${orderId}"}`;

describe('One request kills the sandbox or the mock', () => {
  it('request target //[: 400 invalid_request_target from the sandbox and the mock, and both keep serving', async () => {
    for (const base of [sandbox.url, mock.url]) {
      const answer = await signed(base, 'GET', '//[');
      expect({ status: answer.status, type: answer.json?.type, detail: answer.json?.detail }).toEqual({ status: 400, type: 'invalid_request_target', detail: 'the path must not start with "//"' });
      await expectServing(base);
    }
  });

  it('a bad % escape in a path parameter (truncated, or not UTF-8): 400 naming the escape, and both keep serving', async () => {
    for (const base of [sandbox.url, mock.url]) {
      for (const [target, detail] of [
        ['/public/v1/users/%E0%A4%A/kyc', /^the path has a "%" at offset 23 that is not followed by two hex digits$/],
        ['/public/v1/users/%E0%A4%41/kyc', /^the path has percent-escapes that are not UTF-8$/],
        ['/public/v1/users/3fA9kQ2z?x=%zz', /^the query has a "%" at offset 2/],
      ] as const) {
        const answer = await signed(base, 'GET', target);
        expect({ target, status: answer.status, type: answer.json?.type }).toEqual({ target, status: 400, type: 'invalid_request_target' });
        expect(answer.json.detail).toMatch(detail);
      }
      await expectServing(base);
    }
  });

  it.each([
    ['1e-9', 'body.amount must have at most 8 decimal places'],
    ['1e21', 'body.amount must be < 1000000000000'],
    ['-1e21', 'body.amount must be > -1000000000000'],
    ['0.123456789', 'body.amount must have at most 8 decimal places'],
  ])('wallet amount %s: 422 naming body.amount, the wallet unchanged; the client refuses to send it', async (amount, detail) => {
    const before = { wallets: sandbox.state().wallets, orders: sandbox.state().walletOrders };
    const answer = await signed(sandbox.url, 'PATCH', '/public/v1/wallets/balance', walletUpdate(amount));
    expect({ status: answer.status, type: answer.json?.type, detail: answer.json?.detail }).toEqual({ status: 422, type: 'mock_request_invalid', detail });
    expect({ wallets: sandbox.state().wallets, orders: sandbox.state().walletOrders }).toEqual(before);
    // The same rule is in the spec, so the client's validator stops it before it leaves.
    const crm = createCrmClient({ baseUrl: sandbox.url, apiKey: KEY });
    const sent = crm.PATCH('/public/v1/wallets/balance', { body: { user_id: '3fA9kQ2z', currency: 'USD', amount: Number(amount), order_id: 'ord-hostile-0002' } });
    await expect(sent).rejects.toBeInstanceOf(CrmValidationError);
    await expect(sent).rejects.toThrow('body.amount');
    // What decimal(20,8) holds still moves.
    expect((await signed(sandbox.url, 'PATCH', '/public/v1/wallets/balance', walletUpdate('0.00000001'))).status).toBe(200);
    expect((await signed(sandbox.url, 'PATCH', '/public/v1/wallets/balance', walletUpdate('999999999999.9999', 'ord-hostile-0003'))).status).toBe(200);
  });

  it('an object where a string was expected inside custom_fields: 400 invalid_request naming the field, nobody created', async () => {
    const clientsBefore = sandbox.state().clients.length;
    for (const firstName of ['{"toString":1}', '{"x":1}', '["a"]', '7']) {
      const body = `{"email":"odd.fields@mail.test","password":"Odd-pass-1","repeat_password":"Odd-pass-1","update_password":false,"form_id":"Rf7Tg2Lp","custom_fields":{"first_name":${firstName}}}`;
      const answer = await signed(sandbox.url, 'POST', '/public/v1/users/create', body);
      expect({ firstName, status: answer.status, body: answer.json }).toEqual({ firstName, status: 400, body: { type: 'invalid_request', detail: 'body.custom_fields.first_name must be a string (a text field of the registration form)' } });
    }
    const otp = await signed(sandbox.url, 'POST', '/public/v1/account/register/request', '{"email":"odd.steps@mail.test","type":"trader","password":"Odd-pass-1","repeat_password":"Odd-pass-1","form_id":"Rf7Tg2Lp"}');
    expect(otp.status).toBe(204);
    const multistep = (lastName: string) =>
      `{"trader_register":"trader_register","register":{"email":"odd.steps@mail.test","type":"trader","email_code":"123456","password":"Odd-pass-1","repeat_password":"Odd-pass-1","form_id":"Rf7Tg2Lp","custom_fields":{"last_name":${lastName}}},"kyc":{"form_id":"Ky7Fm001"}}`;
    const refused = await signed(sandbox.url, 'POST', '/public/v1/account/register/multistep', multistep('{"toString":1}'));
    expect({ status: refused.status, body: refused.json }).toEqual({ status: 400, body: { type: 'invalid_request', detail: 'body.register.custom_fields.last_name must be a string (a text field of the registration form)' } });
    expect(sandbox.state().clients).toHaveLength(clientsBefore);
    // The refusal spent nothing: the same code still registers.
    expect((await signed(sandbox.url, 'POST', '/public/v1/account/register/multistep', multistep('"Steps"'))).status).toBe(204);
    await expectServing(sandbox.url);
  });

  it('a 100k-deep body under the v1 gate: 403 invalid_signature from the mock and the sandbox; under v2, signed, 422', async () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const v1Sandbox = await startSandboxCrm({ apiKey: KEY, signatureVersion: 'v1', log: (line) => void logLines.push(line) });
    try {
      for (const base of [mockV1.url, v1Sandbox.url]) {
        // A well-formed v1 signature, so the check gets as far as rendering the body.
        const answer = await rawRequest(base, { method: 'POST', target: '/public/v1/leads', body: deep, headers: { key: KEY, 'content-type': 'application/json', signature: 'A'.repeat(40) } });
        expect({ status: answer.status, body: answer.json }).toEqual({ status: 403, body: { type: 'invalid_signature' } });
        await expectServing(base);
      }
    } finally {
      await v1Sandbox.stop();
    }
    for (const [base, who] of [[sandbox.url, 'sandbox'], [mock.url, 'mock']] as const) {
      const answer = await signed(base, 'POST', '/public/v1/leads', deep);
      expect({ status: answer.status, type: answer.json?.type, detail: answer.json?.detail }).toEqual({ status: 422, type: 'mock_request_invalid', detail: 'body nests arrays and objects deeper than 64 levels' });
      expect(answer.json.title).toContain(who);
    }
    const basic = `Basic ${Buffer.from('sandbox-client:sandbox-client-secret').toString('base64')}`;
    const deepOauth = await rawRequest(sandbox.url, { method: 'POST', target: '/oauth/token', body: '{"grant_type":' + deep + '}', headers: { authorization: basic, 'content-type': 'application/json' } });
    expect({ status: deepOauth.status, body: deepOauth.json }).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'body nests arrays and objects deeper than 64 levels' } });
    const deepControl = await control('seed', { method: 'POST', body: '['.repeat(100_000) + ']'.repeat(100_000), headers: { 'content-type': 'application/json' } });
    expect({ status: deepControl.status, body: deepControl.json }).toEqual({ status: 400, body: { type: 'invalid_control_request', detail: 'body nests arrays and objects deeper than 64 levels' } });
    await expectServing(sandbox.url);
  });

  it('POST /__sandbox/clock with a huge advanceMs: 400, the clock unchanged, and timestamps are still written', async () => {
    const json = { 'content-type': 'application/json' };
    for (const advanceMs of ['1e300', '315576000001', '-1', '0.5', '"60000"', 'null']) {
      const answer = await control('clock', { method: 'POST', body: `{"advanceMs":${advanceMs}}`, headers: json });
      expect({ advanceMs, status: answer.status, type: answer.json?.type }).toEqual({ advanceMs, status: 400, type: 'invalid_control_request' });
      expect(sandbox.now()).toBe(Date.UTC(2024, 4, 10, 12, 0, 0));
    }
    expect(() => sandbox.advanceClock(1e300)).toThrow(RangeError);
    expect(sandbox.now()).toBe(Date.UTC(2024, 4, 10, 12, 0, 0));
    const lead = await signed(sandbox.url, 'POST', '/public/v1/leads', '{"email":"after.clock@mail.test"}');
    expect(lead.status).toBe(201);
    expect(sandbox.state().leads.at(-1)).toMatchObject({ email: 'after.clock@mail.test', created_at: '2024-05-10 12:00:00' });
    // Ten years (of 365.25 days) is the most one call moves it.
    const tenYears = await control('clock', { method: 'POST', body: '{"advanceMs":315576000000}', headers: json });
    expect(tenYears.json).toEqual({ nowMs: Date.UTC(2024, 4, 10, 12, 0, 0) + 315_576_000_000, now: '2034-05-11 00:00:00' });
  });

  it('an exception inside a handler: 500 sandbox_internal_error, one log line without message, body or key; the server keeps serving', async () => {
    const secretInMessage = jest.spyOn(money, 'toUnits').mockImplementation((amount) => {
      throw new Error(`boom ${String(amount)} ${KEY}`);
    });
    const failing = jest.spyOn(paramsSignature, 'verifySha1ParamsSignature').mockRejectedValue(new TypeError(`boom ${KEY}`));
    try {
      const answer = await signed(sandbox.url, 'PATCH', '/public/v1/wallets/balance', walletUpdate('7.77'));
      expect({ status: answer.status, body: answer.json }).toEqual({ status: 500, body: { type: 'sandbox_internal_error' } });
      const gate = await rawRequest(mockV1.url, { method: 'POST', target: '/public/v1/leads', body: '{"email":"x@mail.test"}', headers: { key: KEY, 'content-type': 'application/json', signature: 'A'.repeat(40) } });
      expect({ status: gate.status, body: gate.json }).toEqual({ status: 500, body: { type: 'sandbox_internal_error' } });
    } finally {
      secretInMessage.mockRestore();
      failing.mockRestore();
    }
    expect(logLines).toHaveLength(2);
    expect(logLines[0]).toMatch(/^crm-open-api sandbox: internal error answering PATCH \/public\/v1\/wallets\/balance: Error at /);
    expect(logLines[1]).toMatch(/^crm-open-api mock: internal error answering POST \/public\/v1\/leads: TypeError/);
    for (const line of logLines) expect(line).not.toMatch(/boom|7\.77|3fA9kQ2z|x@mail|hostile-sandbox-key/);
    logLines.length = 0;
    await expectServing(sandbox.url);
    await expectServing(mockV1.url);
    expect((await signed(sandbox.url, 'PATCH', '/public/v1/wallets/balance', walletUpdate('7.77'))).status).toBe(200);
  });

  it('in the CLI: `crm-open-api sandbox` answers the same requests and keeps serving', async () => {
    const child = spawn(process.execPath, [join(__dirname, '../../node_modules/tsx/dist/cli.mjs'), join(__dirname, '../../src/cli/index.ts'), 'sandbox', '--port', '0', '--api-key', KEY], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const found = /base URL : (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (found && output.includes('Press Ctrl+C')) resolve(found[1]!);
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('exit', () => reject(new Error(`the sandbox exited early:\n${output}`)));
      });
      expect((await signed(url, 'GET', '//[')).status).toBe(400);
      expect((await signed(url, 'GET', '/public/v1/users/%E0%A4%A/kyc')).status).toBe(400);
      expect((await signed(url, 'PATCH', '/public/v1/wallets/balance', walletUpdate('1e-9'))).status).toBe(422);
      expect((await signed(url, 'POST', '/public/v1/users/create', '{"email":"cli@mail.test","password":"Cli-pass-1","repeat_password":"Cli-pass-1","update_password":false,"form_id":"Rf7Tg2Lp","custom_fields":{"first_name":{"toString":1}}}')).status).toBe(400);
      expect((await rawRequest(url, { method: 'POST', target: '/__sandbox/clock', body: '{"advanceMs":1e300}', headers: { 'content-type': 'application/json' } })).status).toBe(400);
      expect((await rawRequest(url, { method: 'POST', target: '/public/v1/leads', streamBytes: 8 * MiB, declareLength: true })).status).toBe(413);
      await expectServing(url);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 30_000);
});

describe('The sandbox keeps bodies before authenticating', () => {
  it('8 bodies of 50 MB with no key: 413 payload_too_large before auth, read no further, memory does not grow by them', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const logged = sandbox.requests.length;
    for (let i = 0; i < 8; i++) {
      const answer = await rawRequest(sandbox.url, { method: 'POST', target: '/public/v1/leads', streamBytes: 50 * MiB, declareLength: i % 2 === 0, headers: { 'content-type': 'application/json' } });
      expect({ status: answer.status, body: answer.json }).toEqual({ status: 413, body: { type: 'payload_too_large', detail: 'the body must be at most 1048576 bytes' } });
      // The server stopped reading and closed: the client got rid of a few MB at most (socket buffers), not 50.
      expect(answer.written).toBeLessThan(16 * MiB);
    }
    // Retained: nothing of them (before the fix the log held all 400 MB).
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * MiB);
    expect(sandbox.requests.length).toBe(logged);
    await expectServing(sandbox.url);
  }, 60_000);

  it('the mock refuses them the same way, before its key check', async () => {
    const answer = await rawRequest(mock.url, { method: 'POST', target: '/public/v1/leads', streamBytes: 20 * MiB });
    expect({ status: answer.status, type: answer.json?.type }).toEqual({ status: 413, type: 'payload_too_large' });
    expect(answer.written).toBeLessThan(16 * MiB);
    expect(mock.requests.some((r) => r.bodyBytes > MiB)).toBe(false);
    await expectServing(mock.url);
  });

  it('maxBodyBytes sets the cap; the request log keeps at most 64 KiB of a body, and reset frees it', async () => {
    const small = await startSandboxCrm({ apiKey: KEY, maxBodyBytes: 1000 });
    try {
      expect((await rawRequest(small.url, { method: 'POST', target: '/public/v1/leads', body: 'x'.repeat(1001) })).status).toBe(413);
      expect((await rawRequest(small.url, { method: 'POST', target: '/public/v1/leads', body: 'x'.repeat(1000) })).json).toEqual({ type: 'invalid_api_key' });
    } finally {
      await small.stop();
    }
    const big = JSON.stringify({ email: 'big.lead@mail.test', name: 'B'.repeat(300_000) });
    expect((await signed(sandbox.url, 'POST', '/public/v1/leads', big)).status).toBe(201);
    const entry = sandbox.requests.at(-1)!;
    expect({ path: entry.path, kept: entry.body.length, bodyBytes: entry.bodyBytes, prefix: entry.body.toString() === big.slice(0, LOGGED_BODY_BYTES) }).toEqual({ path: '/public/v1/leads', kept: 64 * 1024, bodyBytes: big.length, prefix: true });
    // Its own copy: the log does not hold the 300 KB buffer alive through a slice.
    expect(entry.body.buffer.byteLength).toBeLessThanOrEqual(LOGGED_BODY_BYTES);
    const reset = await control('reset', { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(sandbox.requests).toEqual([]);
    await expect(startSandboxCrm({ apiKey: KEY, maxBodyBytes: -1 })).rejects.toThrow('maxBodyBytes');
  });
});

describe('The control API can be driven cross-site', () => {
  // Loopback's discard port: were it configured, a delivery would be recorded (and refused), never sent out.
  const webhook = JSON.stringify({ url: 'http://127.0.0.1:9/hook', secret: 'page-chosen' });
  /** Whether a webhook URL is configured: an event then shows up as a delivery. */
  const webhookConfigured = async () => {
    sandbox.decideKyc({ user_id: 'Tr4d3r03', decision: 'approve' });
    return (await sandbox.deliveries()).length > 0;
  };

  it('an Origin other than its own: 403 control_api_origin_refused, nothing changed', async () => {
    for (const origin of ['http://evil.example', 'null', 'http://localhost:1', 'https://127.0.0.1']) {
      const answer = await control('webhook', { method: 'POST', body: webhook, headers: { 'content-type': 'application/json', origin } });
      expect({ origin, status: answer.status, type: answer.json?.type }).toEqual({ origin, status: 403, type: 'control_api_origin_refused' });
    }
    sandbox.advanceClock(5000);
    expect((await control('reset', { method: 'POST', headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect(sandbox.now()).toBe(Date.UTC(2024, 4, 10, 12, 0, 5));
    expect(await webhookConfigured()).toBe(false);
  });

  it('a Host that is not a loopback name with its port (DNS rebinding): 403 control_api_host_refused', async () => {
    const port = new URL(sandbox.url).port;
    for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost:${Number(port) + 1}`, 'localhost', `sub.localhost:${port}`, `127.0.0.256:${port}`]) {
      const answer = await control('faults', { method: 'POST', body: '{"operationId":"depositToMt4Account","fault":"reset-after-commit"}', headers: { 'content-type': 'application/json', host } });
      expect({ host, status: answer.status, type: answer.json?.type }).toEqual({ host, status: 403, type: 'control_api_host_refused' });
      // Even with the Origin a rebound page would send (its own).
      expect((await control('state', { headers: { host, origin: `http://${host}` } })).status).toBe(403);
    }
    expect((await control('faults')).json).toEqual([]);
  });

  it('a text/plain form post (or any body not labelled application/json): 403 control_api_json_only, the webhook not repointed', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', undefined]) {
      const answer = await control('webhook', { method: 'POST', body: webhook, headers: type === undefined ? {} : { 'content-type': type } });
      expect({ type, status: answer.status, refused: answer.json?.type }).toEqual({ type, status: 403, refused: 'control_api_json_only' });
    }
    expect(await webhookConfigured()).toBe(false);
    // The same body, labelled as JSON, is what repoints it: the refusals above were the rule, not a bad body.
    expect((await control('webhook', { method: 'POST', body: webhook, headers: { 'content-type': 'application/json' } })).json).toEqual({ configured: true });
    expect(await webhookConfigured()).toBe(true);
  });

  it('its owner still drives it: curl-like calls (no Origin), its own Origin, localhost and [::1] with its port', async () => {
    const port = new URL(sandbox.url).port;
    expect((await control('clock', { method: 'POST', body: '{"advanceMs":1000}', headers: { 'content-type': 'application/json; charset=utf-8' } })).status).toBe(200);
    expect((await control('clock', { method: 'POST', body: '{"advanceMs":1000}', headers: { 'content-type': 'application/json', origin: sandbox.url } })).status).toBe(200);
    for (const host of [`localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `127.0.0.2:${port}`]) {
      expect({ host, status: (await control('clock', { headers: { host } })).status }).toEqual({ host, status: 200 });
    }
    expect((await control('reset', { method: 'POST' })).status).toBe(200);
    expect(sandbox.now()).toBe(Date.UTC(2024, 4, 10, 12, 0, 0));
    // fetch, as the README's samples and the CLI's users call it.
    const moved = await fetch(`${sandbox.url}/__sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 60_000 }) });
    expect(moved.status).toBe(200);
  });
});

describe('The sandbox accepts 200118.0, 2.00118e5 and 0x30EB6 as an integer login', () => {
  const deposit = (login: string, comment: string) => signed(sandbox.url, 'POST', `/public/v1/mt4/accounts/${login}/deposit`, JSON.stringify({ connection_id: 'Cn4Mt001', currency: 'USD', amount: '1.00', comment }));
  const balance = () => sandbox.state().accounts.find((a: { login: number }) => a.login === 200118)!.balance;

  it.each(['200118.0', '2.00118e5', '0x30EB6', '%20200118', '+200118', '0200118', '200118%20'])('login %s: 422 naming path.login, nothing deposited', async (login) => {
    const before = balance();
    const answer = await deposit(login, `dep-${login}`);
    expect({ status: answer.status, type: answer.json?.type, detail: answer.json?.detail }).toEqual({ status: 422, type: 'mock_request_invalid', detail: 'path.login must be integer' });
    expect(balance()).toBe(before);
  });

  it('login 200118 deposits', async () => {
    const before = Number(balance());
    expect((await deposit('200118', 'dep-canonical')).status).toBe(204);
    expect(Number(balance())).toBe(before + 1);
  });
});

describe('Found by the property suite', () => {
  it('a fixture the sandbox cannot hold (an e-mail that is a number, clients that are a string): 400 naming the field, nothing applied, reads still work', async () => {
    const clients = sandbox.state().clients.length;
    for (const [fixture, detail] of [
      ['{"clients":[{"id":"Fx000001","email":5}]}', 'fixture.clients[0].email must be a string'],
      ['{"clients":"x"}', 'fixture.clients must be an array'],
      ['{"clients":[{"id":"Fx000002","email":"ok@mail.test"}],"withdrawalRequests":[{"user_id":"Nobody01","amount":"1.00"}]}', 'fixture.withdrawalRequests[0].user_id: no client Nobody01'],
      ['{"accounts":[{"platform":"mt4","connection_id":"Cn4Mt001","login":700001,"balance":"1e5"}]}', 'fixture.accounts[0].balance must be a decimal with at most 8 places'],
    ]) {
      const answer = await control('seed', { method: 'POST', body: fixture, headers: { 'content-type': 'application/json' } });
      expect({ fixture, status: answer.status, body: answer.json }).toEqual({ fixture, status: 400, body: { type: 'invalid_control_request', detail } });
    }
    expect(() => sandbox.seed({ clients: [{ id: 'Fx000003', email: 7 as unknown as string }] })).toThrow('fixture.clients[0].email must be a string');
    expect(sandbox.state().clients).toHaveLength(clients);
    const validate = await signed(sandbox.url, 'POST', '/public/v1/users/validate', '{"email":"nobody@mail.test","password":"Nobody-1"}');
    expect({ status: validate.status, body: validate.json }).toEqual({ status: 400, body: { type: 'user_not_found' } });
  });

  it('an MT4 or MT5 account for a user_id that names no client: 400 user_not_found (it was a 500)', async () => {
    for (const platform of ['mt4', 'mt5']) {
      const connection = platform === 'mt4' ? 'Cn4Mt001' : 'Cn5Mt001';
      const answer = await signed(sandbox.url, 'POST', `/public/v1/users/Nobody01/${platform}/accounts`, JSON.stringify({ connection_id: connection, group: 'real-standard', leverage: 100 }));
      expect({ platform, status: answer.status, body: answer.json }).toEqual({ platform, status: 400, body: { type: 'user_not_found' } });
    }
  });

  it('the mock: a content type that is not a media type is 400 and a JSON body that is not JSON 422 (Prism answered 500 and a plain-text 400)', async () => {
    const malformed = await rawRequest(mock.url, { method: 'POST', target: '/public/v1/leads', body: '{"email":"a@mail.test"}', headers: { key: KEY, 'content-type': 'application/json;;;', signature: signV2('{"email":"a@mail.test"}', KEY) } });
    expect({ status: malformed.status, type: malformed.json?.type }).toEqual({ status: 400, type: 'invalid_content_type' });
    const notJson = await signed(mock.url, 'POST', '/public/v1/leads', '{"email":');
    expect({ status: notJson.status, type: notJson.json?.type, detail: notJson.json?.detail }).toEqual({ status: 422, type: 'mock_request_invalid', detail: 'body is not JSON' });
    await expectServing(mock.url);
  });

  it('a refused HEAD is answered at once, and a dot segment is refused by both (the mock resolved it, the sandbox did not)', async () => {
    const head = await signed(sandbox.url, 'HEAD', '//[');
    expect({ status: head.status, type: head.headers['content-type'] }).toEqual({ status: 400, type: 'application/json' });
    for (const base of [sandbox.url, mock.url]) {
      for (const target of ['/public/v1/../v1/configurations/countries', '/public/v1/%2E%2e/v1/configurations/countries', '/public/./v1/configurations/countries']) {
        const answer = await signed(base, 'GET', target);
        expect({ target, status: answer.status, body: answer.json }).toEqual({ target, status: 400, body: { type: 'invalid_request_target', detail: 'the path has a "." or ".." segment' } });
      }
    }
  });

  it("what Node's parser refuses is answered in JSON with a type", async () => {
    const answer = await rawRequest(sandbox.url, { method: 'GET', target: '/public/v1/configurations/countries', headers: { key: KEY, 'content-length': '5', 'transfer-encoding': 'chunked' } });
    expect({ status: answer.status, body: answer.json }).toEqual({ status: 400, body: { type: 'invalid_http_request' } });
    await expectServing(sandbox.url);
  });
});
