// Issue 24, the receivers' cases, one named test each: money never runs twice (a callback that outlives its
// claim's time to live, a webhook handler past its deadline, an amount finer than the wallet's decimals), and
// bad input is refused with a 4xx naming the problem, never a 500 (`data: null`, an event named `__proto__`,
// a bad Host, a deep body under the SHA-1 check, a PSP field that is an object, a dedupe store that is down).
import { createHmac } from 'node:crypto';
import { createClient } from 'redis';
import { createExternalWalletHandler, type ExternalWalletTransfer } from '../../src/receivers/external-wallets';
import { memoryDedupeStore, type DedupeStore } from '../../src/receivers/common/dedupe';
import { verifySha1ParamsSignature } from '../../src/core/signatures/sha1-params';
import { pspVerify } from '../../src/receivers/psp/sign';
import { redisDedupeStore } from '../../src/redis/index';
import { verifySignature } from '../../src/core/signatures/hmac-sha256';
import { createWebhookHandler, verifyWebhook } from '../../src/receivers/webhooks';
import { WebhookVerificationError } from '../../src/core/errors';
import { expectDocumentedResponse } from '../harness/handler-answers';
import { buildReceivers, mountReceivers, rawHttp, SECRETS, walletSignature, webhookSignature, withPspSign } from '../harness/hostile-receivers';
import { REDIS_SKIPPED, startRedisServer } from '../harness/redis-server';
import { loadApi } from '../harness/spec';

const webhookApi = loadApi('crm-webhooks');
const walletApi = loadApi('external-wallets');
const pspApi = loadApi('psp');
const approved = webhookApi.exampleInput('receiveWithdrawalApproved').body as Record<string, unknown>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const webhookRequest = (event: unknown) => {
  const raw = typeof event === 'string' ? event : JSON.stringify(event);
  return new Request('https://tenant.test/crm', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-crm-signature': webhookSignature(raw) } });
};
const walletRequest = async (path: string, body: unknown, raw = JSON.stringify(body)) =>
  new Request(`https://wallets.test${path}`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', key: SECRETS.walletKey, signature: await walletSignature(body) } });
const transfer = (order_id: string, amount: number | string = 25.5): ExternalWalletTransfer => ({ order_id, external_user_id: 'user_456', currency: 'USD', amount: amount as number });
/** A transfer body with `amount` written exactly as given (a JSON number text the CRM might send). */
const transferText = (order_id: string, amountText: string) => `{"order_id":"${order_id}","external_user_id":"user_456","currency":"USD","amount":${amountText}}`;

/** A wallet service whose callbacks wait on `gate` (ignoring their signal, like a slow ledger commit) and count runs. */
function slowWallets(dedupe: DedupeStore) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const runs: string[] = [];
  const move = (kind: string) => async (t: ExternalWalletTransfer) => {
    runs.push(`${kind} ${t.order_id}`);
    await gate;
    return { id: 'wallet_123', external_user_id: t.external_user_id, currency: t.currency, amount: 1000, decimals: 2 };
  };
  const handler = createExternalWalletHandler({
    apiKey: SECRETS.walletKey,
    dedupe,
    timeoutMs: 30,
    onError: () => undefined,
    listWallets: () => ({ data: [], count: 0 }),
    getWallet: ({ external_user_id, currency }) => ({ id: 'wallet_123', external_user_id, currency, amount: 1000, decimals: 2 }),
    credit: move('credit'),
    debit: move('debit'),
  });
  return { handler, runs, finish: () => open() };
}

describe('issue 24: receivers run money twice in edge cases', () => {
  it('a wallet credit whose callback outlives the order_id claim\'s TTL is not run again on the retry (memory store)', async () => {
    let now = 0;
    const bank = slowWallets(memoryDedupeStore({ now: () => now }));
    expect((await bank.handler(await walletRequest('/wallets/credit', transfer('tr-ttl')))).status).toBe(503);
    now += 24 * 60 * 60 * 1000; // a day: far past the claim's time to live (timeoutMs + 60 s)
    const retry = await bank.handler(await walletRequest('/wallets/credit', transfer('tr-ttl')));
    expect(await expectDocumentedResponse(walletApi, 'creditExternalWallet', retry, 503)).toMatchObject({ type: 'wallet_unavailable' });
    bank.finish();
    await sleep(5);
    expect((await bank.handler(await walletRequest('/wallets/credit', transfer('tr-ttl')))).status).toBe(422);
    expect(bank.runs).toEqual(['credit tr-ttl']);
  });

  (REDIS_SKIPPED ? it.skip : it)("a wallet debit whose callback outlives the order_id claim's TTL is not run again on the retry (redisDedupeStore, real redis-server)", async () => {
    const server = await startRedisServer();
    const client = createClient({ url: server.url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const store = redisDedupeStore(client, { prefix: 'issue24:' });
      // The claim's time to live made short (600 ms) so that the callback outlives it twice over.
      const bank = slowWallets({ ...store, claim: (key) => store.claim(key, 600) });
      expect((await bank.handler(await walletRequest('/wallets/debit', transfer('tr-ttl-redis')))).status).toBe(503);
      await sleep(1500);
      expect((await bank.handler(await walletRequest('/wallets/debit', transfer('tr-ttl-redis')))).status).toBe(503);
      bank.finish();
      await sleep(20);
      expect((await bank.handler(await walletRequest('/wallets/debit', transfer('tr-ttl-redis')))).status).toBe(422);
      expect(bank.runs).toEqual(['debit tr-ttl-redis']);
    } finally {
      await client.quit();
      await server.stop();
    }
  });

  it('a webhook handler that misses its deadline and ignores its signal is not run a second time by the resend', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let runs = 0;
    const handler = createWebhookHandler({
      secret: SECRETS.webhook,
      timeoutMs: 30,
      onError: () => undefined,
      on: { 'crm.webhooks.requests.withdrawal.approve.node.1': async () => ((runs += 1), await gate) },
    });
    expect((await handler(webhookRequest(approved))).status).toBe(503);
    const resend = await handler(webhookRequest(approved));
    expect(await expectDocumentedResponse(webhookApi, 'receiveWithdrawalApproved', resend, 409)).toEqual({ type: 'delivery_in_progress' });
    open();
    await sleep(5);
    expect((await handler(webhookRequest(approved))).status).toBe(204); // handled (late): acknowledged, not run again
    expect(runs).toBe(1);
  });

  it('a wallet debit of 0.001 on a 2-decimal wallet is refused with 400 before the callback runs', async () => {
    const { wallets, calls } = buildReceivers({ decimals: 2 });
    const answer = await wallets(await walletRequest('/wallets/debit', transfer('tr-fine', 0.001)));
    expect(await expectDocumentedResponse(walletApi, 'debitExternalWallet', answer, 400)).toEqual({ type: 'invalid_request', message: "body.amount: must have at most 2 decimal places (the wallet's decimals)" });
    expect(calls.debit).toEqual([]);
    // The order is free: the same order_id with a valid amount then moves once.
    expect((await wallets(await walletRequest('/wallets/debit', transfer('tr-fine', 0.01)))).status).toBe(200);
    expect(calls.debit).toEqual(['tr-fine']);
  });

  it.each([
    ['1e-9', 'more than 8 decimal places'],
    ['0.000000001', 'more than 8 decimal places'],
    ['1e21', 'more than 12 integer digits'],
    ['1e999', 'beyond any double (Infinity once parsed)'],
    ['100000000000.00000001', 'a decimal(20,8) a double cannot hold (read as 100000000000)'],
    ['0.30000000000000004', 'more decimals than decimal(20,8)'],
  ])('a wallet credit of %s (%s) is refused with 400 before the callback runs', async (amount) => {
    const { wallets, calls } = buildReceivers({ decimals: 8 });
    const body = JSON.parse(transferText('tr-range', amount)) as ExternalWalletTransfer;
    const answer = await wallets(await walletRequest('/wallets/credit', body, transferText('tr-range', amount)));
    expect(await expectDocumentedResponse(walletApi, 'creditExternalWallet', answer, 400)).toMatchObject({ type: 'invalid_request', message: expect.stringMatching(/^body\.amount: must /) });
    expect(calls).toMatchObject({ credit: [], getWallet: [] });
  });

  it('an amount exactly within decimal(20,8) and the wallet\'s decimals still moves (123456789012.5, 1e-8, 1.10)', async () => {
    const { wallets, calls } = buildReceivers({ decimals: 8 });
    for (const [i, amount] of ['123456789012.5', '1e-8', '1.10'].entries()) {
      const body = JSON.parse(transferText(`tr-ok-${i}`, amount)) as ExternalWalletTransfer;
      expect({ amount, status: (await wallets(await walletRequest('/wallets/credit', body, transferText(`tr-ok-${i}`, amount)))).status }).toEqual({ amount, status: 200 });
    }
    expect(calls.credit).toEqual(['tr-ok-0', 'tr-ok-1', 'tr-ok-2']);
  });
});

describe('issue 24: receivers answer 500 to bad input', () => {
  it('a signed webhook with data: null answers 400 invalid_payload naming data, and runs nothing', async () => {
    const { webhooks, calls } = buildReceivers();
    const answer = await webhooks(webhookRequest({ ...approved, data: null }));
    expect(await expectDocumentedResponse(webhookApi, 'receiveWithdrawalApproved', answer, 400)).toEqual({ type: 'invalid_payload', message: 'data: must be an object' });
    expect(calls.webhook).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'crm.webhooks.__proto__'])('a signed webhook for an event named %s answers 4xx (never 500) and runs nothing', async (name) => {
    const { webhooks, calls, reports } = buildReceivers();
    const answer = await webhooks(webhookRequest({ ...approved, source: { ...(approved.source as object), event: name } }));
    expect(answer.status).toBeLessThan(500);
    expect([204, 400]).toContain(answer.status);
    expect(calls.webhook).toEqual([]);
    expect(reports).toEqual([]);
  });

  it('the handler table is read through own properties only: a handler on its prototype is not called', async () => {
    let inherited = 0;
    const on = Object.create({ 'crm.webhooks.requests.withdrawal.approve.node.1': () => void (inherited += 1) }) as Record<string, never>;
    const handler = createWebhookHandler({ secret: SECRETS.webhook, on, onError: () => undefined });
    expect((await handler(webhookRequest(approved))).status).toBe(204); // unlisted: acknowledged, ignored
    expect(inherited).toBe(0);
  });

  it.each([
    ['an unparsable name', '['],
    ['a space', 'a b'],
    ['a path', 'tenant.test/wallets/credit#'],
    ['a user', 'user@tenant.test'],
  ])('a bad Host header (%s) in toNodeHandler answers 400 naming the host, and runs nothing', async (_what, host) => {
    const receivers = buildReceivers();
    const mounted = await mountReceivers(receivers);
    try {
      const raw = JSON.stringify(approved);
      const answer = await rawHttp(mounted.ports.webhooks, `POST /crm HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nX-Crm-Signature: ${webhookSignature(raw)}\r\nContent-Length: ${Buffer.byteLength(raw)}`, raw);
      expect({ status: answer.status, body: JSON.parse(answer.body) }).toEqual({ status: 400, body: { type: 'invalid_request', message: 'host: must be a host name or address with an optional port' } });
      expect(receivers.calls.webhook).toEqual([]);
      expect(receivers.reports).toEqual([]);
    } finally {
      await mounted.stop();
    }
  });

  it('a method a fetch Request cannot carry (TRACE) answers 405 in toNodeHandler, never 500', async () => {
    const receivers = buildReceivers();
    const mounted = await mountReceivers(receivers);
    try {
      const answer = await rawHttp(mounted.ports.wallets, 'TRACE /wallets HTTP/1.1\r\nHost: 127.0.0.1');
      expect({ status: answer.status, type: JSON.parse(answer.body).type }).toEqual({ status: 405, type: 'method_not_allowed' });
      expect(receivers.reports).toEqual([]);
    } finally {
      await mounted.stop();
    }
  });

  it("toNodeHandler: a request target that is not a path ('*') answers 400; an absolute-form target is routed by its path", async () => {
    const receivers = buildReceivers();
    const mounted = await mountReceivers(receivers);
    try {
      const star = await rawHttp(mounted.ports.rates, 'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1');
      expect({ status: star.status, body: JSON.parse(star.body) }).toEqual({ status: 400, body: { type: 'invalid_request', message: 'request target: must be a path or an absolute URL' } });
      const absolute = await rawHttp(mounted.ports.rates, `GET http://elsewhere.test/rate?from=USD&to=EUR HTTP/1.1\r\nHost: 127.0.0.1\r\nkey: ${SECRETS.ratesKey}`);
      expect({ status: absolute.status, body: JSON.parse(absolute.body) }).toEqual({ status: 200, body: { from: 'USD', to: 'EUR', rate: 1.25 } });
      expect(receivers.reports).toEqual([]);
    } finally {
      await mounted.stop();
    }
  });

  it('a deep body under a SHA-1 signature check: verifySha1ParamsSignature and pspVerify return false, never throw', async () => {
    const deep = JSON.parse(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`) as Record<string, unknown>;
    await expect(verifySha1ParamsSignature(deep, SECRETS.walletKey, 'A'.repeat(40))).resolves.toBe(false);
    await expect(pspVerify({ ...deep, sign: 'A'.repeat(40) }, SECRETS.payToken)).resolves.toBe(false);
    // Values no rendering defines (an object whose toString is not a function): false too.
    await expect(verifySha1ParamsSignature({ a: [{ toString: 1 }] }, SECRETS.walletKey, 'A'.repeat(40))).resolves.toBe(false);
    await expect(verifySha1ParamsSignature({ a: 1 }, SECRETS.walletKey, ['A'.repeat(40)])).resolves.toBe(false);
  });

  it('a deep body to the wallet service and to /pay/url answers 400 naming the rule, and runs nothing', async () => {
    const { wallets, payUrl, calls } = buildReceivers();
    const raw = `{"order_id":"tr-deep","amount":1,"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const walletAnswer = await wallets(new Request('https://wallets.test/wallets/credit', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', key: SECRETS.walletKey, signature: 'A'.repeat(40) } }));
    expect(await expectDocumentedResponse(walletApi, 'creditExternalWallet', walletAnswer, 400)).toEqual({ type: 'invalid_request', message: 'body: must be UTF-8 JSON nested at most 64 levels deep' });
    const payAnswer = await payUrl(new Request('https://tenant.test/pay/url', { method: 'POST', body: raw.replace('}', ',"sign":"' + 'A'.repeat(40) + '"}'), headers: { 'content-type': 'application/json', 'crm-pay-token': SECRETS.payToken } }));
    expect(await expectDocumentedResponse(pspApi, 'getPaymentUrl', payAnswer, 400)).toMatchObject({ result: false, msg: 'body: must be UTF-8 JSON nested at most 64 levels deep' });
    expect(calls).toMatchObject({ credit: [], getWallet: [], getPaymentUrl: [] });
  });

  it.each([
    ['order_no, an object whose toString is not a function, with a sign', { order_no: { toString: 1 }, sign: 'A'.repeat(40) }, 401],
    ['an extra field holding an array of such objects, with a sign', { merchant_id: 'm', order_no: 'o', amount: 1, currency: 'USD', custom_1: [{ toString: 1 }], sign: 'A'.repeat(40) }, 401],
    ['amount, an object, signed', { merchant_id: 'm', order_no: 'o', amount: { value: 1 }, currency: 'USD' }, 400],
    ['order_no, an object, signed', { merchant_id: 'm', order_no: { toString: 1 }, amount: 1, currency: 'USD' }, 400],
    ['a custom field, an object, signed', { merchant_id: 'm', order_no: 'o', amount: 1, currency: 'USD', custom_1: { a: 1 } }, 400],
  ])('a PSP field that is an object (%s) answers 4xx, never 500, and runs nothing', async (_what, fields, status) => {
    const { payUrl, calls } = buildReceivers();
    const body = status === 400 ? await withPspSign(fields) : fields;
    const answer = await payUrl(new Request('https://tenant.test/pay/url', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'crm-pay-token': SECRETS.payToken } }));
    const answered = await expectDocumentedResponse(pspApi, 'getPaymentUrl', answer, status);
    expect(answered).toMatchObject({ data: null, result: false });
    if (status === 400) expect(answered.msg).toMatch(/^body\.(amount|order_no|custom_1) must be/);
    expect(calls.getPaymentUrl).toEqual([]);
  });

  describe('a dedupe store that is down answers 503 within the deadline, with a message saying the store failed, and onError told', () => {
    const throwing: DedupeStore = { claim: async () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')), complete: async () => undefined, release: async () => undefined };
    const hanging: DedupeStore = { claim: () => new Promise(() => undefined), complete: async () => undefined, release: async () => undefined };

    it.each([
      ['throws', throwing],
      ['hangs', hanging],
    ])('webhook, the store %s', async (_what, store) => {
      const { webhooks, calls, reports } = buildReceivers({ webhookStore: store, timeoutMs: 300 });
      const started = Date.now();
      const answer = await webhooks(webhookRequest(approved));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await expectDocumentedResponse(webhookApi, 'receiveWithdrawalApproved', answer, 503)).toEqual({ type: 'dedupe_unavailable', message: expect.stringMatching(/de-duplication store failed/) });
      expect(calls.webhook).toEqual([]);
      expect(reports).toEqual([expect.stringMatching(/"receiver":"webhooks","step":"dedupe-claim"/)]);
    });

    it.each([
      ['throws', throwing],
      ['hangs', hanging],
    ])('wallet credit, the store %s', async (_what, store) => {
      const { wallets, calls, reports } = buildReceivers({ walletStore: store, timeoutMs: 300 });
      const started = Date.now();
      const answer = await wallets(await walletRequest('/wallets/credit', transfer('tr-store')));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await expectDocumentedResponse(walletApi, 'creditExternalWallet', answer, 503)).toEqual({ type: 'wallet_unavailable', message: expect.stringMatching(/de-duplication store failed/) });
      expect(calls).toMatchObject({ credit: [], getWallet: [] });
      expect(reports).toEqual([expect.stringMatching(/"receiver":"external-wallets","step":"dedupe-claim"/)]);
    });

    (REDIS_SKIPPED ? it.skip : it)('webhook, a redis-server that stopped (real redis-server, node-redis reconnecting)', async () => {
      const server = await startRedisServer();
      const client = createClient({ url: server.url, socket: { reconnectStrategy: () => 50 } });
      client.on('error', () => undefined);
      await client.connect();
      try {
        const { webhooks, calls, reports } = buildReceivers({ webhookStore: redisDedupeStore(client), timeoutMs: 300 });
        await server.stop();
        const started = Date.now();
        const answer = await webhooks(webhookRequest(approved));
        expect(Date.now() - started).toBeLessThan(5000);
        expect({ status: answer.status, type: ((await answer.json()) as { type: string }).type }).toEqual({ status: 503, type: 'dedupe_unavailable' });
        expect(calls.webhook).toEqual([]);
        expect(reports).toEqual([expect.stringMatching(/"step":"dedupe-claim"/)]);
      } finally {
        await client.disconnect().catch(() => undefined);
      }
    });
  });

  it('a body whose stream breaks off (a reset connection) answers 400 on every receiver with a body, never an exception', async () => {
    const receivers = buildReceivers();
    const broken = () => {
      let sent = false;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) return controller.error(new Error('ECONNRESET'));
          sent = true;
          controller.enqueue(new TextEncoder().encode('{"order_id":'));
        },
      });
    };
    const headers = { 'content-type': 'application/json', key: SECRETS.walletKey, 'crm-pay-token': SECRETS.payToken };
    const answers = [];
    for (const [name, path] of [['webhooks', '/crm'], ['payUrl', '/pay/url'], ['wallets', '/wallets/credit']] as const) {
      const answer = await receivers[name](new Request(`https://tenant.test${path}`, { method: 'POST', headers, body: broken(), duplex: 'half' } as RequestInit));
      answers.push({ name, status: answer.status, body: await answer.json() });
    }
    expect(answers).toEqual([
      { name: 'webhooks', status: 400, body: { type: 'invalid_payload', message: 'body: must arrive whole (the stream broke off)' } },
      { name: 'payUrl', status: 400, body: { data: null, result: false, msg: 'body: must arrive whole (the stream broke off)' } },
      { name: 'wallets', status: 400, body: { type: 'invalid_request', message: 'body: must arrive whole (the stream broke off)' } },
    ]);
    expect(receivers.calls).toMatchObject({ webhook: [], getPaymentUrl: [], credit: [] });
  });

  it('verifyWebhook only ever throws WebhookVerificationError for what a request carries; verifySignature only returns', async () => {
    const raw = JSON.stringify(approved);
    const odd: unknown[] = [1e10, null, undefined, {}, [], { length: 5 }, new DataView(new ArrayBuffer(4)), Symbol('x'), () => 1];
    for (const rawBody of odd) {
      const outcome = await verifyWebhook({ rawBody: rawBody as string, signature: webhookSignature(raw), secret: SECRETS.webhook }).then(() => 'accepted', (error: unknown) => (error instanceof WebhookVerificationError ? error.reason : `threw ${String(error)}`));
      expect({ rawBody: typeof rawBody, outcome }).toEqual({ rawBody: typeof rawBody, outcome: expect.stringMatching(/^(invalid_signature|invalid_payload)$/) });
    }
    for (const signature of [123, ['sha256=' + webhookSignature(raw)], {}, 'sha256=' + 'g'.repeat(64), ' '.repeat(100_000)]) {
      await expect(verifyWebhook({ rawBody: raw, signature: signature as string, secret: SECRETS.webhook })).rejects.toBeInstanceOf(WebhookVerificationError);
    }
    const deep = `{"source":{"event":"crm.webhooks.users.create"},"data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    await expect(verifyWebhook({ rawBody: deep, signature: webhookSignature(deep), secret: SECRETS.webhook })).rejects.toMatchObject({ reason: 'invalid_payload', message: 'body: must be UTF-8 JSON nested at most 64 levels deep' });
    const sig = 'sha256=' + createHmac('sha256', 'k').update('x').digest('hex');
    for (const body of [1, null, {}, Symbol('s')]) await expect(verifySignature(body as string, sig, 'k')).resolves.toBe(false);
  });
});
