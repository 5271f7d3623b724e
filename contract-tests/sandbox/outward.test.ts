// The sandbox playing the CRM towards the tenant's servers, end to end through the package's own handlers
// (mounted with toNodeHandler): every webhook event, state-driven and on demand; a PSP deposit (sandbox →
// tenant /pay/url → the tenant reports through createPspCallbackClient → the money shows once, a repeat
// refused); a deposit in another currency (the rate asked first and used); wallet sync, a transfer and its
// repeat. Every request the tenant's servers received is checked against the spec's request schemas, and
// every call the sandbox recorded has a conforming verdict.
import { createServer } from 'node:http';
import { createExchangeRateHandler } from '../../src/receivers/exchange-rates';
import { createExternalWalletHandler, type ExternalWallet } from '../../src/receivers/external-wallets';
import { toNodeHandler } from '../../src/receivers/node-handler';
import { createPspCallbackClient } from '../../src/receivers/psp/callback-client';
import { createPaymentUrlHandler, type PaymentUrlRequest } from '../../src/receivers/psp/payment-url-handler';
import { createWebhookHandler, type CrmWebhookEvent } from '../../src/receivers/webhooks';
import { listen, type Listening } from '../../src/testing/http-host';
import { loadApi } from '../../scripts/lib/api-spec';
import { exampleInputs } from '../../generated/crm-rest.example-inputs';
import { registerSecret } from '../harness/output-scan';
import { useSandbox } from '../harness/sandbox';

const SECRET = { webhook: 'outward-webhook-secret-31', token: 'outward-crm-pay-token-31', rates: 'outward-rates-key-31', wallets: 'outward-wallets-key-31' };
for (const secret of Object.values(SECRET)) registerSecret(secret);
const JSON_BODY = { 'content-type': 'application/json' };
const USER = '3fA9kQ2z';

interface Received {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const box = useSandbox();
const received: Record<'webhooks' | 'psp' | 'rates' | 'wallets', Received[]> = { webhooks: [], psp: [], rates: [], wallets: [] };
const events: CrmWebhookEvent[] = [];
const paymentRequests: PaymentUrlRequest[] = [];
const wallets = new Map<string, ExternalWallet>([['ext-1/USD', { id: 'w-usd', external_user_id: 'ext-1', currency: 'USD', amount: 100, decimals: 2 }], ['ext-1/EUR', { id: 'w-eur', external_user_id: 'ext-1', currency: 'EUR', amount: 5, decimals: 2 }]]);
const servers: Listening[] = [];

/** A handler mounted with toNodeHandler, every request it gets recorded first (the body read from a copy). */
async function mount(name: keyof typeof received, handler: (request: Request) => Promise<Response>): Promise<string> {
  const node = toNodeHandler(async (request) => {
    const url = new URL(request.url);
    received[name].push({ method: request.method, path: url.pathname, query: url.search, headers: Object.fromEntries(request.headers), body: await request.clone().text() });
    return handler(request);
  });
  const server = await listen(createServer(node));
  servers.push(server);
  return server.url;
}

beforeAll(async () => {
  const webhookUrl = await mount('webhooks', createWebhookHandler({ secret: SECRET.webhook, dedupe: false, on: {}, acknowledge: 'after-persist', persist: (event) => void events.push(event) }));
  const pspUrl = await mount('psp', createPaymentUrlHandler({ crmPayToken: SECRET.token, sign: 'require', getPaymentUrl: (order) => (paymentRequests.push(order), `https://pay.test/${order.order_no}`) }));
  const ratesUrl = await mount('rates', createExchangeRateHandler({ apiKey: SECRET.rates, getRate: ({ from, to }) => (from === 'USD' && to === 'EUR' ? 0.5 : undefined) }));
  const walletsUrl = await mount('wallets', createExternalWalletHandler({
    apiKey: SECRET.wallets,
    listWallets: ({ external_user_id }) => {
      const data = [...wallets.values()].filter((w) => !external_user_id?.length || external_user_id.includes(w.external_user_id));
      return { data, count: data.length };
    },
    getWallet: ({ external_user_id, currency }) => wallets.get(`${external_user_id}/${currency}`),
    credit: (t) => {
      const wallet = wallets.get(`${t.external_user_id}/${t.currency}`);
      if (!wallet) return 'wallet_not_found';
      wallet.amount = Math.round((wallet.amount + t.amount) * 100) / 100;
      return { ...wallet };
    },
    debit: (t) => {
      const wallet = wallets.get(`${t.external_user_id}/${t.currency}`);
      if (!wallet) return 'wallet_not_found';
      if (wallet.amount < t.amount) return 'insufficient_funds';
      wallet.amount = Math.round((wallet.amount - t.amount) * 100) / 100;
      return { ...wallet };
    },
  }));
  box.sandbox.configureWebhook({ url: `${webhookUrl}/hooks/crm`, secret: SECRET.webhook });
  box.sandbox.configureCalls({ psp: { url: pspUrl, crmPayToken: SECRET.token }, rates: { url: ratesUrl, apiKey: SECRET.rates }, wallets: { url: walletsUrl, apiKey: SECRET.wallets } });
});
afterAll(() => Promise.all(servers.map((server) => server.stop())));

const control = (route: string, body?: unknown) =>
  fetch(`${box.sandbox.url}/__sandbox/${route}`, { method: body === undefined ? 'GET' : 'POST', headers: body === undefined ? {} : JSON_BODY, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any })); // eslint-disable-line @typescript-eslint/no-explicit-any
const walletBalances = async () => (await box.client().GET('/public/v1/wallets', { params: { query: { user_id: USER } } })).data as Record<string, number>;
const deposits = async () =>
  ((await box.client().POST('/public/v1/report/transactions', { body: { skip: 0, limit: 100, start: '2024-05-10', end: '2024-05-10', user_id: USER, type: ['deposit'] } })).data?.records ?? []).filter((r) => (r as { deposit_method?: string }).deposit_method === 'psp');

describe('webhooks', () => {
  it('fires every one of the 11 events on demand, over the control API and from JS, each answered 204 and judged conforming', async () => {
    const names = loadApi('crm-webhooks').operations.map((op) => op.operation.requestBody.content['application/json'].example.source.event as string);
    expect(names).toHaveLength(11);
    const before = events.length;
    for (const [i, name] of names.entries()) {
      const fired = i % 2 === 0 ? await control('webhooks', { event: name, data: { id: `evt-${i}` } }) : { status: 201, body: await box.sandbox.fireWebhook(name, { id: `evt-${i}` }) };
      expect(fired.status).toBe(201);
      expect(fired.body).toMatchObject({ delivery: { event: name, status: 204 }, call: { surface: 'webhooks', verdict: { ok: true, problems: [] }, answer: { status: 204 } } });
    }
    expect(events.slice(before).map((e) => e.source.event)).toEqual(names);
    expect(events.slice(before).map((e) => (e.data as { id?: string }).id ?? (e.data as { client_id?: string }).client_id)).toEqual(names.map((name, i) => (name.endsWith('users.create') ? expect.any(String) : `evt-${i}`)));
  });

  it('fires from state changes: a client created, a withdrawal approved, a KYC decided', async () => {
    const before = events.length;
    const created = await box.client().POST('/public/v1/users/create', { body: { ...(exampleInputs.createClient!.body as object), email: 'outward.new@mail.test' } as never });
    expect(created.response.status).toBe(201);
    const request = box.sandbox.createWithdrawalRequest({ user_id: USER, amount: '1.00' });
    await box.client().POST('/public/v1/requests/withdrawal/approve', { body: { id: request.id } as never });
    box.sandbox.decideKyc({ user_id: USER, decision: 'reject' });
    await box.sandbox.deliveries();
    expect(events.slice(before).map((e) => e.source.event)).toEqual(['crm.webhooks.users.create', 'crm.webhooks.requests.withdrawal.approve.node.1', 'crm.webhooks.requests.kyc.reject']);
  });

  it('fires from back-office decisions on transfer and prop-trading requests: each approval node, the final status, a rejection', async () => {
    const before = events.length;
    const transfer = box.sandbox.createBackOfficeRequest({ type: 'transfer', user_id: USER, steps: 2 });
    expect(box.sandbox.decideBackOfficeRequest({ id: transfer.id, decision: 'approve' })).toMatchObject({ status: 'pending', approved_nodes: 1 });
    expect(box.sandbox.decideBackOfficeRequest({ id: transfer.id, decision: 'approve' })).toMatchObject({ status: 'approved', approved_nodes: 2 });
    const challenge = (await control('back-office-requests', { type: 'propTrading', user_id: USER })).body;
    expect(await control('back-office-requests/decisions', { id: challenge.id, decision: 'reject' })).toMatchObject({ status: 201, body: { status: 'rejected' } });
    const live = box.sandbox.createBackOfficeRequest({ type: 'propTradingLive', user_id: USER });
    box.sandbox.decideBackOfficeRequest({ id: live.id, decision: 'approve' });
    await box.sandbox.deliveries();
    const fired = events.slice(before);
    expect(fired.map((e) => [e.source.event, (e.data as { id: string }).id, (e.data as { status: string }).status])).toEqual([
      ['crm.webhooks.requests.transfer.approve.node.1', transfer.id, 'pending'],
      ['crm.webhooks.requests.transfer.approve.node.2', transfer.id, 'approved'],
      ['crm.webhooks.requests.propTrading.reject', challenge.id, 'rejected'],
      ['crm.webhooks.requests.propTradingLive.approve.node.1', live.id, 'approved'],
    ]);
    const spec = loadApi('crm-webhooks');
    for (const event of fired) {
      const op = spec.operations.find((o) => event.source.event.startsWith(o.operation.requestBody.content['application/json'].example.source.event.replace(/\.node\.\d+$/, '')))!;
      expect(spec.requestSchemaErrors(op.id, event)).toEqual([]);
    }
    expect(await control('back-office-requests/decisions', { id: transfer.id, decision: 'reject' })).toMatchObject({ status: 400, body: { detail: 'id: the request is approved, no longer pending' } });
    expect(await control('back-office-requests', { type: 'loan', user_id: USER })).toMatchObject({ status: 400, body: { detail: 'type: must be one of transfer, propTrading, propTradingLive' } });
  });

  it('refuses an unknown event and a data that is not an object, naming the field', async () => {
    expect(await control('webhooks', { event: 'users.delete' })).toMatchObject({ status: 400, body: { type: 'invalid_control_request', detail: expect.stringMatching(/^event: must be a webhook event/) } });
    expect(await control('webhooks', { event: 'users.create', data: [1] })).toMatchObject({ status: 400, body: { detail: 'data: must be a JSON object' } });
  });
});

describe('PSP', () => {
  it('a deposit: /pay/url to the tenant, the tenant reports through createPspCallbackClient, the money shows once, a repeat is refused', async () => {
    const balanceBefore = (await walletBalances()).USD ?? 0;
    const started = await control('psp/deposits', { user_id: USER, amount: 25.5, currency: 'USD' });
    expect(started).toMatchObject({ status: 201, body: { order: { status: 'pending', currency: 'USD', amount: '25.50' }, payment_url: expect.stringMatching(/^https:\/\/pay\.test\//) } });
    const orderNo = started.body.order.order_no as string;
    expect(started.body.calls).toEqual([expect.objectContaining({ surface: 'psp', operation: 'getPaymentUrl', verdict: { ok: true, problems: [] } })]);
    expect(paymentRequests.at(-1)).toMatchObject({ order_no: orderNo, amount: 25.5, currency: 'USD', user_id: USER });

    const psp = createPspCallbackClient({ callbackUrl: box.sandbox.pspCallbackUrl, crmPayToken: SECRET.token, maxRetries: 0 });
    const report = { merchant_id: 'sandbox-merchant', order_no: orderNo, transaction_id: 'psp-tx-1', amount: 25.5, currency: 'USD', time: 1715342400000, user_id: USER, status: 1 as const };
    await expect(psp.reportPayment(report)).resolves.toEqual({ outcome: 'recorded' });
    expect((await walletBalances()).USD).toBeCloseTo(balanceBefore + 25.5, 8);
    expect(await deposits()).toEqual([expect.objectContaining({ type: 'deposit', amount: 25.5, currency: 'USD', ref_id: orderNo })]);

    await expect(psp.reportPayment(report)).resolves.toEqual({ outcome: 'already_final' });
    expect((await walletBalances()).USD).toBeCloseTo(balanceBefore + 25.5, 8);
    expect(await deposits()).toHaveLength(1);
    expect((box.sandbox.state().pspOrders as { order_no: string; status: string }[]).find((o) => o.order_no === orderNo)?.status).toBe('success');
  });

  it('refuses a callback with a wrong token, a tampered sign, an unknown order or another amount, moving nothing', async () => {
    const started = await box.sandbox.pspDeposit({ user_id: USER, amount: '3', currency: 'USD' });
    const body = { merchant_id: 'm', order_no: started.order.order_no, amount: 3, currency: 'USD', time: 1, status: 1 };
    const post = async (token: string, payload: Record<string, unknown>, tamper?: (b: Record<string, unknown>) => void) => {
      const { sha1ParamsSignature } = await import('../../src/core/signatures/sha1-params');
      const signed: Record<string, unknown> = { ...payload, sign: await sha1ParamsSignature(payload, token) };
      tamper?.(signed);
      const r = await fetch(`${box.sandbox.pspCallbackUrl}/pay/callback`, { method: 'POST', headers: { ...JSON_BODY, 'crm-pay-token': token }, body: JSON.stringify(signed) });
      return { status: r.status, body: r.status === 204 ? undefined : await r.json() };
    };
    expect(await post('wrong-token-000', body)).toMatchObject({ status: 400, body: { type: 'psp_token_invalid' } });
    expect(await post(SECRET.token, body, (b) => (b.amount = 300))).toMatchObject({ status: 400, body: { type: 'psp_token_invalid', message: expect.stringMatching(/^sign:/) } });
    expect(await post(SECRET.token, { ...body, order_no: 'no-such-order' })).toMatchObject({ status: 400, body: { type: 'payment_not_found' } });
    expect(await post(SECRET.token, { ...body, amount: 4 })).toMatchObject({ status: 400, body: { type: 'payment_amount_not_allowed' } });
    expect(await post(SECRET.token, { ...body, status: 0 })).toEqual({ status: 204, body: undefined });
    expect(await post(SECRET.token, body)).toMatchObject({ status: 400, body: { type: 'payment_status_not_pending' } });
    expect((box.sandbox.state().pspOrders as { order_no: string; status: string }[]).find((o) => o.order_no === started.order.order_no)?.status).toBe('failed');
    for (const answer of [{ type: 'psp_token_invalid' }, { type: 'payment_not_found' }]) expect(loadApi('psp').responseSchemaErrors('reportPaymentResult', 400, { error: true, code: 400, ...answer, message: 'x' })).toEqual([]);
  });

  it('asks the rate first for a deposit in another currency than the wallet, and credits the converted amount', async () => {
    const before = (await walletBalances()).EUR ?? 0;
    const started = await box.sandbox.pspDeposit({ user_id: USER, amount: 10, currency: 'USD', wallet_currency: 'EUR' });
    expect(started.calls.map((c) => [c.operation, c.verdict.ok])).toEqual([['getExternalRate', true], ['getPaymentUrl', true]]);
    expect(started.order).toMatchObject({ rate: 0.5, wallet_currency: 'EUR' });
    expect(received.rates.at(-1)).toMatchObject({ method: 'GET', path: '/rate', query: '?from=USD&to=EUR' });
    const psp = createPspCallbackClient({ callbackUrl: box.sandbox.pspCallbackUrl, crmPayToken: SECRET.token, maxRetries: 0 });
    await psp.reportPayment({ merchant_id: 'm', order_no: started.order.order_no, amount: 10, currency: 'USD', time: 1, status: 1 });
    expect((await walletBalances()).EUR).toBeCloseTo(before + 5, 8);
  });

  it('starts no deposit when the rate API has no rate (502, the call shown), and refuses inputs naming field and rule', async () => {
    const before = paymentRequests.length;
    expect(await control('psp/deposits', { user_id: USER, amount: 10, currency: 'GBP', wallet_currency: 'EUR' })).toMatchObject({ status: 502, body: { type: 'rate_unavailable', call: { answer: { status: 404 }, verdict: { ok: true } } } });
    expect(paymentRequests).toHaveLength(before);
    expect(await control('psp/deposits', { user_id: 'nobody', amount: 1, currency: 'USD' })).toMatchObject({ status: 400, body: { detail: 'user_id: no client nobody' } });
    expect(await control('psp/deposits', { user_id: USER, amount: -1, currency: 'USD' })).toMatchObject({ status: 400, body: { detail: 'amount: must be greater than 0' } });
    expect(await control('psp/deposits', { user_id: USER, amount: 1, currency: 'usd' })).toMatchObject({ status: 400, body: { detail: 'currency: must be a 3-letter upper-case currency code' } });
  });
});

describe('exchange rates', () => {
  it('asks on POST /__sandbox/rates/ask and remembers the answer', async () => {
    expect(await control('rates/ask', { from: 'USD', to: 'EUR' })).toMatchObject({ status: 200, body: { from: 'USD', to: 'EUR', rate: 0.5, call: { verdict: { ok: true } } } });
    expect(box.sandbox.state().rates).toMatchObject({ 'USD/EUR': 0.5 });
    expect(await control('rates/ask', { from: 'USD' })).toMatchObject({ status: 400, body: { detail: 'to: must be a non-empty string' } });
  });
});

describe('external wallets', () => {
  it('syncs the user\'s wallets (list, then each one), and a credit, its repeat and a debit beyond the balance', async () => {
    const synced = await control('external-wallets/sync', { external_user_id: 'ext-1' });
    expect(synced).toMatchObject({ status: 200, body: { wallets: [expect.objectContaining({ currency: 'USD', amount: 100 }), expect.objectContaining({ currency: 'EUR', amount: 5 })] } });
    expect(synced.body.calls.map((c: { operation: string }) => c.operation)).toEqual(['listExternalWallets', 'getExternalWallet', 'getExternalWallet']);

    const credit = { external_user_id: 'ext-1', currency: 'USD', amount: 12.5, direction: 'credit', order_id: 'sbx-order-1' };
    expect(await control('external-wallets/transfer', credit)).toMatchObject({ status: 201, body: { transfer: { status: 'done', order_id: 'sbx-order-1' }, wallet: { amount: 112.5 } } });
    expect(await control('external-wallets/transfer', credit)).toMatchObject({ status: 201, body: { transfer: { status: 'refused', refusal: 'order_exists' }, call: { answer: { status: 422 }, verdict: { ok: true } } } });
    expect(wallets.get('ext-1/USD')!.amount).toBe(112.5);
    const fresh = await box.sandbox.transferExternalWallet({ external_user_id: 'ext-1', currency: 'EUR', amount: 50, direction: 'debit' });
    expect(fresh.transfer).toMatchObject({ status: 'refused', refusal: 'insufficient_funds', order_id: expect.stringMatching(/^Wo/) });
    const state = box.sandbox.state();
    expect(state.externalWallets['ext-1']).toEqual(expect.arrayContaining([expect.objectContaining({ currency: 'USD', amount: 112.5 })]));
    expect(await control('external-wallets/transfer', { ...credit, direction: 'sideways' })).toMatchObject({ status: 400, body: { detail: "direction: must be 'credit' or 'debit'" } });
  });
});

describe('every outward call', () => {
  it('went only to the configured servers, as the spec describes it, and is recorded with a conforming verdict', async () => {
    // One call of each kind here, whatever else ran before.
    await box.sandbox.fireWebhook('requests.transfer.approve.node.2');
    await box.sandbox.pspDeposit({ user_id: USER, amount: 1, currency: 'USD', wallet_currency: 'EUR' });
    await box.sandbox.syncExternalWallets({ external_user_id: 'ext-1' });
    await box.sandbox.transferExternalWallet({ external_user_id: 'ext-1', currency: 'USD', amount: 1, direction: 'debit' });
    const calls = await box.sandbox.calls();
    expect(calls.length).toBeGreaterThanOrEqual(7);
    expect(calls.filter((c) => !c.verdict.ok)).toEqual([]);
    expect(JSON.stringify(calls)).not.toMatch(new RegExp(Object.values(SECRET).join('|')));
    expect(await control('calls')).toEqual({ status: 200, body: JSON.parse(JSON.stringify(calls)) });

    const specOf = { psp: loadApi('psp'), rates: loadApi('exchange-rates'), wallets: loadApi('external-wallets'), webhooks: loadApi('crm-webhooks') };
    for (const [name, requests] of Object.entries(received) as [keyof typeof received, Received[]][]) {
      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) {
        const op = name === 'webhooks' ? specOf.webhooks.operations.find((o) => JSON.parse(request.body).source.event.startsWith(o.operation.requestBody.content['application/json'].example.source.event.replace(/\.node\.\d+$/, '')))! : specOf[name].operations.find((o) => o.method === request.method && o.path === request.path)!;
        expect(op).toBeDefined();
        if (request.method === 'POST') {
          expect(request.headers['content-type']).toBe('application/json');
          expect(specOf[name].requestSchemaErrors(op.id, JSON.parse(request.body))).toEqual([]);
        }
      }
    }
    expect(received.webhooks.every((r) => r.path === '/hooks/crm' && /^sha256=[0-9a-f]{64}$/.test(String(r.headers['x-crm-signature'])))).toBe(true);
    expect(received.psp.every((r) => r.headers['crm-pay-token'] === SECRET.token && /^[0-9A-F]{40}$/.test(JSON.parse(r.body).sign))).toBe(true);
    expect(received.rates.every((r) => r.headers.key === SECRET.rates)).toBe(true);
    expect(received.wallets.every((r) => r.headers.key === SECRET.wallets && (r.method === 'GET' || /^[0-9A-F]{40}$/.test(String(r.headers.signature))))).toBe(true);
  });
});
