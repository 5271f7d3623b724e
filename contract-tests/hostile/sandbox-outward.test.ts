// Issue 26's hostile review of the sandbox's outward calls: the calls log bounded in bytes, control amounts
// the tenant receives exactly, a PSP callback with an amount the CRM cannot hold answered 4xx (never a 500),
// rates/ask without a usable rate a 502, and a report that is not JSON refused before any money moves.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { sha1ParamsSignature } from '../../src/core/signatures/sha1-params';
import { LOGGED_BODY_BYTES, listen, type Listening } from '../../src/testing/http-host';
import { startSandboxCrm, type SandboxCrm } from '../../src/testing/sandbox/server';
import { registerSecret } from '../harness/output-scan';

const KEY = 'hostile-outward-key-Secret-2611';
const TOKEN = 'hostile-outward-pay-token-2611';
for (const secret of [KEY, TOKEN]) registerSecret(secret);
const USER = '3fA9kQ2z';

let sandbox: SandboxCrm;
let tenant: Listening;
const payUrlBodies: string[] = [];
/** What the tenant's servers answer: a huge webhook answer, a PSP page, a rate API that sends no JSON. */
function answer(request: IncomingMessage, response: ServerResponse, body: string): void {
  if (request.url?.startsWith('/hooks')) response.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(1_000_000));
  else if (request.url?.startsWith('/psp')) {
    payUrlBodies.push(body);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: true, data: { url: 'https://pay.test/1' } }));
  } else response.writeHead(200, { 'content-type': 'text/html' }).end('<html>not a rate</html>');
}

beforeAll(async () => {
  tenant = await listen(createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => answer(request, response, Buffer.concat(chunks).toString()));
  }));
  sandbox = await startSandboxCrm({
    apiKey: KEY, log: () => undefined,
    webhook: { url: `${tenant.url}/hooks`, secret: 'hostile-outward-webhook-2611' },
    psp: { url: `${tenant.url}/psp`, crmPayToken: TOKEN },
    rates: { url: `${tenant.url}/rates`, apiKey: 'hostile-outward-rates-2611' },
    wallets: { url: `${tenant.url}/wallets`, apiKey: 'hostile-outward-wallets-2611' },
  });
});
afterAll(async () => {
  await Promise.all([sandbox?.stop(), tenant?.stop()]);
});
beforeEach(() => {
  sandbox.reset();
  payUrlBodies.length = 0;
});

const control = async (path: string, body: unknown) => {
  const r = await fetch(`${sandbox.url}/__sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

describe('the calls log is bounded in bytes', () => {
  it('keeps 64 KiB of a 1,000,000-byte answer, marked, the verdict judged on all of it; /calls still answers', async () => {
    const fired = await sandbox.fireWebhook('users.create');
    expect(fired.call?.answer).toMatchObject({ status: 200, bodyTruncated: true, bodyBytes: 1_000_000 });
    expect(fired.call!.answer!.body).toHaveLength(LOGGED_BODY_BYTES);
    expect(fired.call!.verdict).toEqual({ ok: true, problems: [] });
    const listed = await fetch(`${sandbox.url}/__sandbox/calls`);
    expect(listed.status).toBe(200);
    const calls = (await listed.json()) as { answer: { body: string; bodyBytes: number } }[];
    expect(calls.at(-1)!.answer).toMatchObject({ bodyBytes: 1_000_000 });
    expect(calls.at(-1)!.answer.body.length).toBe(LOGGED_BODY_BYTES);
  });
});

describe('control amounts are decimals the tenant receives exactly', () => {
  it.each(['99999999999999999999999.99', '12345678901234567.89', '1000000000000', '999999999999.99999999'])('refuses psp/deposits amount %s with 400 naming amount, calling nothing', async (amount) => {
    const refused = await control('psp/deposits', { user_id: USER, amount, currency: 'USD' });
    expect(refused).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/^amount: must be below 10\^12 with at most 8 decimal places, and exactly representable as a JSON number/) } });
    expect(payUrlBodies).toEqual([]);
  });

  it('refuses an external-wallets transfer of 123456789012345.5 the same way', async () => {
    const refused = await control('external-wallets/transfer', { external_user_id: 'ext-1', currency: 'USD', amount: '123456789012345.5', direction: 'credit' });
    expect(refused).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/^amount: must be below 10\^12/) } });
  });

  it('still sends an amount it can hold as exactly that number', async () => {
    expect((await control('psp/deposits', { user_id: USER, amount: '999999999.99', currency: 'USD' })).status).toBe(201);
    expect(JSON.parse(payUrlBodies[0]!)).toMatchObject({ amount: 999999999.99 });
  });
});

describe('the PSP callback', () => {
  async function report(amount: unknown, contentType = 'application/json') {
    const started = await sandbox.pspDeposit({ user_id: USER, amount: '3', currency: 'USD' });
    const body = { merchant_id: 'm', order_no: started.order.order_no, amount, currency: 'USD', time: 1, status: 1 };
    const signed = { ...body, sign: await sha1ParamsSignature(body, TOKEN) };
    const r = await fetch(`${sandbox.pspCallbackUrl}/pay/callback`, { method: 'POST', headers: { 'content-type': contentType, 'crm-pay-token': TOKEN }, body: JSON.stringify(signed) });
    const order = (sandbox.state().pspOrders as { order_no: string; status: string }[]).find((o) => o.order_no === started.order.order_no);
    return { status: r.status, body: r.status === 204 ? undefined : await r.json(), orderStatus: order?.status };
  }

  it.each([1e308, 1e23])('answers an amount of %s with 400 payment_amount_not_allowed, not a 500', async (amount) => {
    expect(await report(amount)).toMatchObject({ status: 400, body: { type: 'payment_amount_not_allowed', message: expect.stringMatching(/^amount:/) }, orderStatus: 'pending' });
  });

  it('refuses a text/plain report before any money moves', async () => {
    expect(await report(3, 'text/plain')).toMatchObject({ status: 400, body: { code: 400, message: 'content-type: must be application/json' }, orderStatus: 'pending' });
    expect(await report(3)).toMatchObject({ status: 204, orderStatus: 'success' });
  });
});

describe('rates/ask', () => {
  it('answers 502 rate_unavailable with the call when the rate API sent no JSON', async () => {
    expect(await control('rates/ask', { from: 'USD', to: 'EUR' })).toMatchObject({ status: 502, body: { type: 'rate_unavailable', call: { answer: { status: 200 }, verdict: { ok: false } } } });
  });
});
