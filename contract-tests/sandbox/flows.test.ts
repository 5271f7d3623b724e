// End-to-end flows through the SDK against the sandbox: money moves exactly, repeats change nothing, the
// virtual clock drives the 2-minute window, people and accounts appear in every read, withdrawal requests and
// KYC decisions fire verified webhooks that createWebhookHandler receives.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createWebhookHandler, type CrmWebhookEvent } from '../../src/receivers/webhooks';
import { SANDBOX_OTP } from '../../src/testing/sandbox/operations/clients';
import { startSandboxCrm } from '../../src/testing/sandbox/server';
import { listen } from '../../src/testing/http-host';
import { registerSecret } from '../harness/output-scan';
import { useSandbox } from '../harness/sandbox';
import { API_KEY } from '../harness/mock-crm';
import { loadApi } from '../harness/spec';

const WEBHOOK_SECRET = 'sandbox-webhook-secret-7';
registerSecret(WEBHOOK_SECRET);
const webhooksApi = loadApi('crm-webhooks');
const box = useSandbox();
const CONNECTION = 'Cn4Mt001';
/** The control API takes a body only as JSON (fetch would label a string text/plain). */
const JSON_BODY = { 'content-type': 'application/json' };

/** A tenant's webhook receiver on loopback, built with this package's handler. */
async function startReceiver() {
  const events: CrmWebhookEvent[] = [];
  const handler = createWebhookHandler({
    secret: WEBHOOK_SECRET,
    on: {},
  });
  const server = createServer(
    getRequestListener(async (request) => {
      const copy = request.clone();
      const answer = await handler(request);
      if (answer.status === 204) events.push((await copy.json()) as CrmWebhookEvent);
      return answer;
    }),
  );
  const listening = await listen(server);
  return { url: `${listening.url}/crm`, events, stop: listening.stop };
}

async function newTrader(email: string, referrer?: string) {
  const crm = box.client();
  const created = await crm.POST('/public/v1/users/create', {
    body: { email, password: 'Flow-pass-1', repeat_password: 'Flow-pass-1', update_password: false, form_id: 'Rf7Tg2Lp', ...(referrer ? { referrer_id: referrer } : {}), custom_fields: { first_name: 'Flo', last_name: 'Trader' } },
  });
  expect(created.response.status).toBe(201);
  const account = await crm.POST('/public/v1/users/{user_id}/mt4/accounts', { params: { path: { user_id: created.data!.id } }, body: { connection_id: CONNECTION, group: 'real-standard', leverage: 100 } });
  expect(account.response.status).toBe(200);
  return { userId: created.data!.id, login: account.data!.login };
}

const deposit = (login: number, amount: string, comment: string, connection_id = CONNECTION) =>
  box.client().POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login } }, body: { connection_id, currency: 'USD', amount, comment } });
const withdraw = (login: number, amount: string, comment: string, connection_id = CONNECTION) =>
  box.client().POST('/public/v1/mt4/accounts/{login}/withdrawal', { params: { path: { login } }, body: { connection_id, currency: 'USD', amount, comment } });
const accountOf = async (userId: string) => {
  const { data } = await box.client().GET('/public/v1/mt4/accounts', { params: { query: { connection_id: CONNECTION, user_id: userId } } });
  return data!.records[0]!;
};

beforeEach(() => box.sandbox.reset());
afterEach(() => expect(box.violations()).toEqual([]));

describe('money on an MT4 account', () => {
  it('create client → open account → deposit → repeat → withdraw → the report shows both, balances exact', async () => {
    const { userId, login } = await newTrader('flow.one@mail.test');
    expect((await deposit(login, '0.1', 'dep-flow-1')).response.status).toBe(204);
    const repeat = await deposit(login, '0.1', 'dep-flow-1');
    expect({ status: repeat.response.status, data: repeat.data }).toEqual({ status: 200, data: { repeat: true } });
    expect((await deposit(login, '0.2', 'dep-flow-2')).response.status).toBe(204);
    expect((await withdraw(login, '0.15', 'wd-flow-1')).response.status).toBe(204);
    // 0.1 + 0.2 - 0.15 is 0.15 exactly, not 0.15000000000000002.
    expect(await accountOf(userId)).toMatchObject({ login, balance: 0.15, available_withdrawal: 0.15, equity: 0.15 });
    const report = await box.client().POST('/public/v1/report/transactions', { body: { skip: 0, limit: 100, start: '2024-05-10', end: '2024-05-10', user_id: userId } });
    expect(report.data!.count).toBe(3);
    expect(report.data!.records.map((r) => [r.type, r.comment, r.amount, r.previous_balance, r.new_balance])).toEqual([
      ['deposit', 'dep-flow-1', 0.1, '0.00', '0.10'],
      ['deposit', 'dep-flow-2', 0.2, '0.10', '0.30'],
      ['withdrawal', 'wd-flow-1', 0.15, '0.30', '0.15'],
    ]);
  });

  it('the virtual clock drives the 2-minute repeat window: 119.999 s later a repeat, 120 s later a new deposit', async () => {
    const { userId, login } = await newTrader('flow.clock@mail.test');
    expect((await deposit(login, '10.00', 'dep-window')).response.status).toBe(204);
    box.sandbox.advanceClock(119_999);
    expect((await deposit(login, '10.00', 'dep-window')).data).toEqual({ repeat: true });
    box.sandbox.advanceClock(1);
    expect((await deposit(login, '10.00', 'dep-window')).response.status).toBe(204);
    expect((await accountOf(userId)).balance).toBe(20);
    // The control API moves the same clock.
    const moved = await fetch(`${box.sandbox.url}/__sandbox/clock`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ advanceMs: 60_000 }) });
    expect(await moved.json()).toEqual({ nowMs: Date.UTC(2024, 4, 10, 12, 3, 0), now: '2024-05-10 12:03:00' });
  });

  it('refuses a withdrawal beyond what can be withdrawn, and unknown accounts and connections, changing nothing', async () => {
    const { userId, login } = await newTrader('flow.refusals@mail.test');
    await deposit(login, '50.00', 'dep-refusals');
    expect((await withdraw(login, '50.00000001', 'wd-too-much')).error).toEqual({ type: 'insufficient_funds' });
    expect((await withdraw(999_999, '1.00', 'wd-no-account')).error).toEqual({ type: 'mt4_account_not_found' });
    expect((await deposit(login, '1.00', 'dep-no-conn', 'Cn5Mt001')).error).toEqual({ type: 'mt4_connection_not_found' });
    expect((await deposit(999_999, '1.00', 'dep-no-account')).error).toEqual({ type: 'mt4_account_not_found' });
    expect((await accountOf(userId)).balance).toBe(50);
  });
});

describe('wallets', () => {
  const update = (order_id: string, amount: number, user_id = '3fA9kQ2z') => box.client().PATCH('/public/v1/wallets/balance', { body: { user_id, currency: 'USD', amount, order_id } });
  const balances = async () => (await box.client().GET('/public/v1/wallets', { params: { query: { user_id: '3fA9kQ2z' } } })).data;

  it('applies an update once per order_id, reports it by order_id, and refuses a reused order_id with order_exists', async () => {
    expect(await balances()).toEqual({ USD: 1250.5, EUR: 40 });
    expect((await update('ord-flow-0000001', 0.1)).response.status).toBe(200);
    expect((await update('ord-flow-0000002', 0.2)).response.status).toBe(200);
    expect((await update('ord-flow-0000001', 0.1)).error).toEqual({ type: 'order_exists' });
    expect(await balances()).toEqual({ USD: 1250.8, EUR: 40 });
    const order = await box.client().GET('/public/v1/wallets/balance/{order_id}', { params: { path: { order_id: 'ord-flow-0000002' } } });
    expect(order.data).toMatchObject({ order_id: 'ord-flow-0000002', status: 'success', amount: 0.2, currency: 'USD', user_id: '3fA9kQ2z' });
    const missing = await box.client().GET('/public/v1/wallets/balance/{order_id}', { params: { path: { order_id: 'ord-flow-0000009' } } });
    expect(missing.error).toEqual({ type: 'order_not_found' });
  });

  it('a debit beyond the balance is refused and its order reads failed', async () => {
    expect((await update('ord-flow-0000003', -1250.51)).error).toEqual({ type: 'insufficient_funds' });
    expect((await box.client().GET('/public/v1/wallets/balance/{order_id}', { params: { path: { order_id: 'ord-flow-0000003' } } })).data?.status).toBe('failed');
    expect(await balances()).toEqual({ USD: 1250.5, EUR: 40 });
    expect((await update('ord-flow-0000004', 1, 'NoSuchU1')).error).toEqual({ type: 'account_not_found' });
  });
});

describe('people', () => {
  it('a created client appears in list, get, details, uplines and downlines, and fires users.create', async () => {
    const receiver = await startReceiver();
    try {
      box.sandbox.configureWebhook({ url: receiver.url, secret: WEBHOOK_SECRET });
      const before = (await box.client().GET('/public/v1/users', { params: { query: { skip: 0, limit: 1 } } })).data!;
      const { userId } = await newTrader('flow.people@mail.test', 'Sub1Ib02');
      const crm = box.client();
      const after = (await crm.GET('/public/v1/users', { params: { query: { skip: before.count, limit: 10 } } })).data!;
      expect(after.count).toBe(before.count + 1);
      expect(after.records).toEqual([expect.objectContaining({ id: userId, email: 'flow.people@mail.test', name: 'Flo Trader', referrer_id: 'Sub1Ib02', trading_accounts: [expect.objectContaining({ platform: 'mt4', connection_id: CONNECTION })] })]);
      expect((await crm.GET('/public/v1/users/{id}', { params: { path: { id: userId } } })).data).toMatchObject({ id: userId, email: 'flow.people@mail.test' });
      expect((await crm.GET('/public/v1/users/{id}/details', { params: { path: { id: userId } } })).data).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'first_name', value: 'Flo' })]));
      expect((await crm.POST('/public/v1/users/uplines', { body: { user_id: userId } })).data!.uplines!.map((u) => u.id)).toEqual(['Sub1Ib02', 'Ib9Xw4Qe', 'Mb2Ib000']);
      const tree = JSON.stringify((await crm.POST('/public/v1/users/downlines', { body: { email: 'ian.broker@mail.test' } })).data);
      expect(tree).toContain(userId);
      expect((await crm.POST('/public/v1/users/validate', { body: { email: 'flow.people@mail.test', password: 'Flow-pass-1' } })).data).toEqual({ id: userId });
      const deliveries = await box.sandbox.deliveries();
      expect(deliveries.map((d) => [d.event, d.status])).toEqual([['crm.webhooks.users.create', 204]]);
      expect(receiver.events).toEqual([expect.objectContaining({ data: expect.objectContaining({ client_id: userId, email: 'flow.people@mail.test', creation_type: 'admin_created' }) })]);
    } finally {
      box.sandbox.configureWebhook(undefined);
      await receiver.stop();
    }
  });

  it('registration with the sandbox OTP creates a client; a wrong code is refused', async () => {
    const crm = box.client();
    const register = { email: 'flow.reg@mail.test', type: 'trader' as const, password: 'Reg-pass-12', repeat_password: 'Reg-pass-12', form_id: 'Rf7Tg2Lp' };
    expect((await crm.POST('/public/v1/account/register/request', { body: { ...register, otp_type: 'email' } as never })).response.status).toBe(204);
    const wrong = await crm.POST('/public/v1/account/register/multistep', { body: { trader_register: 'trader_register', register: { ...register, email_code: '000000' }, kyc: { form_id: 'Ky7Fm001' } } });
    expect(wrong.error).toEqual({ type: 'invalid_validation_code' });
    const right = await crm.POST('/public/v1/account/register/multistep', { body: { trader_register: 'trader_register', register: { ...register, email_code: SANDBOX_OTP }, kyc: { form_id: 'Ky7Fm001', custom_fields: { id_number: 'Z99' } } } });
    expect(right.response.status).toBe(204);
    const created = box.sandbox.state().clients.find((c: { email: string }) => c.email === 'flow.reg@mail.test')!;
    expect((await crm.GET('/public/v1/users/{id}/kyc', { params: { path: { id: created.id } } })).data).toMatchObject({ kyc_status: 'pending', kyc_processing: true, form_id: 'Ky7Fm001' });
  });

  it('a KYC submission shows in the reads; the back-office decision changes them and fires the KYC webhook', async () => {
    const receiver = await startReceiver();
    try {
      box.sandbox.configureWebhook({ url: receiver.url, secret: WEBHOOK_SECRET });
      const crm = box.client();
      const submit = () => crm.POST('/public/v1/users/{user_id}/profile/submit', { params: { path: { user_id: 'Tr4d3r03' } }, body: { form_id: 'Ky7Fm001', custom_fields: { id_number: 'K-1' } } });
      expect((await submit()).response.status).toBe(200);
      expect((await submit()).error).toEqual({ type: 'kyc_duplicate_error' });
      expect((await crm.GET('/public/v1/users/{id}/kyc', { params: { path: { id: 'Tr4d3r03' } } })).data).toMatchObject({ kyc_status: 'pending', kyc_processing: true, form: [expect.objectContaining({ key: 'id_number', value: 'K-1' })] });
      const decided = await fetch(`${box.sandbox.url}/__sandbox/kyc-decisions`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ user_id: 'Tr4d3r03', decision: 'approve' }) });
      expect(decided.status).toBe(201);
      expect((await crm.GET('/public/v1/users/{id}/kyc', { params: { path: { id: 'Tr4d3r03' } } })).data).toMatchObject({ kyc_status: 'verified', kyc_processing: false });
      expect((await box.sandbox.deliveries()).map((d) => [d.event, d.status])).toEqual([['crm.webhooks.requests.kyc.approve.node.1', 204]]);
      expect(receiver.events[0]).toMatchObject({ data: { user_id: 'Tr4d3r03', status: 'approved' } });
    } finally {
      box.sandbox.configureWebhook(undefined);
      await receiver.stop();
    }
  });

  it('lists page over the real state with skip, limit and count', async () => {
    const crm = box.client();
    const all = (await crm.GET('/public/v1/users', { params: { query: { skip: 0, limit: 500 } } })).data!;
    const pages = [];
    for (let skip = 0; skip < all.count; skip += 2) pages.push(...(await crm.GET('/public/v1/users', { params: { query: { skip, limit: 2 } } })).data!.records);
    expect(pages.map((c) => c.id)).toEqual(all.records.map((c) => c.id));
    expect((await crm.GET('/public/v1/users', { params: { query: { skip: 0, limit: 500, type: 'ib' } } })).data!.records.every((c) => c.type === 'ib')).toBe(true);
  });
});

describe('withdrawal requests', () => {
  it('approved through REST at each node, with a verified webhook per node; a decided request answers request_status_not_pending', async () => {
    const receiver = await startReceiver();
    try {
      box.sandbox.configureWebhook({ url: receiver.url, secret: WEBHOOK_SECRET });
      const created = await fetch(`${box.sandbox.url}/__sandbox/withdrawal-requests`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ user_id: '3fA9kQ2z', amount: '75.50', steps: 2 }) });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const crm = box.client();
      const approve = () => crm.POST('/public/v1/requests/withdrawal/approve', { body: { id } });
      expect((await approve()).response.status).toBe(200);
      expect(box.sandbox.state().withdrawalRequests.find((r: { id: string }) => r.id === id)).toMatchObject({ status: 'pending', approved_nodes: 1 });
      expect((await approve()).response.status).toBe(200);
      expect((await approve()).error).toEqual({ type: 'request_status_not_pending' });
      expect((await crm.POST('/public/v1/requests/withdrawal/reject', { body: { id, comment: 'too late' } })).error).toEqual({ type: 'request_status_not_pending' });
      const deliveries = await box.sandbox.deliveries();
      expect(deliveries.map((d) => d.event)).toEqual(['crm.webhooks.requests.withdrawal.approve.node.1', 'crm.webhooks.requests.withdrawal.approve.node.2']);
      expect(receiver.events.map((e) => [e.source.event, (e.data as { status: string }).status])).toEqual([
        ['crm.webhooks.requests.withdrawal.approve.node.1', 'pending'],
        ['crm.webhooks.requests.withdrawal.approve.node.2', 'approved'],
      ]);
      for (const event of receiver.events) expect(event.data).toMatchObject({ id, trading_amount: '75.50', withdrawal_amount: '75.50' });
      const report = await crm.POST('/public/v1/report/transactions', { body: { skip: 0, limit: 10, start: '2024-05-10', end: '2024-05-10', type: ['withdrawal'] } });
      expect(report.data!.records).toEqual([expect.objectContaining({ type: 'withdrawal', amount: 75.5, status: 'approved', ref_id: id })]);
    } finally {
      box.sandbox.configureWebhook(undefined);
      await receiver.stop();
    }
  });

  it('rejected through REST, visible in the state and in a verified reject webhook', async () => {
    const receiver = await startReceiver();
    try {
      box.sandbox.configureWebhook({ url: receiver.url, secret: WEBHOOK_SECRET });
      const { id } = box.sandbox.createWithdrawalRequest({ user_id: '3fA9kQ2z', amount: '20' });
      expect((await box.client().POST('/public/v1/requests/withdrawal/reject', { body: { id, comment: 'Name mismatch' } })).response.status).toBe(200);
      expect(box.sandbox.state().withdrawalRequests.find((r: { id: string }) => r.id === id)).toMatchObject({ status: 'rejected', comment: 'Name mismatch' });
      await box.sandbox.deliveries();
      expect(receiver.events.map((e) => [e.source.event, (e.data as { status: string }).status])).toEqual([['crm.webhooks.requests.withdrawal.reject', 'rejected']]);
    } finally {
      box.sandbox.configureWebhook(undefined);
      await receiver.stop();
    }
  });
});

describe('every webhook the sandbox sends matches the webhooks spec', () => {
  it('users.create, withdrawal approve/reject, KYC approve/reject bodies validate, and the signature is the CRM\'s', async () => {
    const receiver = await startReceiver();
    try {
      box.sandbox.configureWebhook({ url: receiver.url, secret: WEBHOOK_SECRET });
      await newTrader('flow.hooks@mail.test');
      const a = box.sandbox.createWithdrawalRequest({ user_id: '3fA9kQ2z', amount: '1' });
      const b = box.sandbox.createWithdrawalRequest({ user_id: '3fA9kQ2z', amount: '2' });
      await box.client().POST('/public/v1/requests/withdrawal/approve', { body: { id: a.id } });
      await box.client().POST('/public/v1/requests/withdrawal/reject', { body: { id: b.id, comment: 'no' } });
      box.sandbox.decideKyc({ user_id: 'Tr4d3r03', decision: 'approve' });
      box.sandbox.decideKyc({ user_id: 'Sub1Ib02', decision: 'reject' });
      const deliveries = await box.sandbox.deliveries();
      expect(deliveries).toHaveLength(5);
      expect(deliveries.every((d) => d.status === 204)).toBe(true);
      const byEvent: Record<string, string> = {
        'crm.webhooks.users.create': 'receiveUserCreated',
        'crm.webhooks.requests.withdrawal.approve.node.1': 'receiveWithdrawalApproved',
        'crm.webhooks.requests.withdrawal.reject': 'receiveWithdrawalRejected',
        'crm.webhooks.requests.kyc.approve.node.1': 'receiveKycApproved',
        'crm.webhooks.requests.kyc.reject': 'receiveKycRejected',
      };
      for (const delivery of deliveries) {
        expect(webhooksApi.requestSchemaErrors(byEvent[delivery.event]!, JSON.parse(delivery.body))).toEqual([]);
        expect(delivery.signature).toBe('sha256=' + createHmac('sha256', WEBHOOK_SECRET).update(delivery.body).digest('hex'));
      }
      expect(receiver.events).toHaveLength(5);
    } finally {
      box.sandbox.configureWebhook(undefined);
      await receiver.stop();
    }
  });
});

describe('the control API and determinism', () => {
  it('seeds a fixture, refuses a bad fault rule naming the field, and answers loopback callers', async () => {
    const seeded = await fetch(`${box.sandbox.url}/__sandbox/seed`, {
      method: 'POST',
      headers: JSON_BODY,
      body: JSON.stringify({ clients: [{ id: 'Fixture1', email: 'fixture@mail.test' }], accounts: [{ platform: 'mt4', connection_id: CONNECTION, login: 700001, user_id: 'Fixture1', balance: '10.5' }], wallets: { Fixture1: { USD: '3.25' } } }),
    });
    expect(seeded.status).toBe(200);
    expect((await accountOf('Fixture1')).balance).toBe(10.5);
    expect((await box.client().GET('/public/v1/wallets', { params: { query: { user_id: 'Fixture1' } } })).data).toEqual({ USD: 3.25 });
    const bad = await fetch(`${box.sandbox.url}/__sandbox/faults`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ operationId: 'depositToMt4Account', fault: 'explode' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'invalid_control_request', detail: expect.stringMatching(/^fault must be one of reset-before-commit/) });
    const unknown = await fetch(`${box.sandbox.url}/__sandbox/faults`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ operationId: 'noSuchOp', fault: 'reset-after-commit' }) });
    expect(await unknown.json()).toMatchObject({ detail: 'operationId must name an operation of the REST spec' });
  });

  it('gives the same ids from the same seed, and others from another seed', async () => {
    const ids = async (seed: number) => {
      const other = await startSandboxCrm({ apiKey: API_KEY, seed });
      try {
        const made = [];
        for (const email of ['a@mail.test', 'b@mail.test']) {
          const answer = await fetch(`${other.url}/public/v1/leads`, { method: 'POST', headers: signed(JSON.stringify({ email })), body: JSON.stringify({ email }) });
          made.push(((await answer.json()) as { id: string }).id);
        }
        return made;
      } finally {
        await other.stop();
      }
    };
    const first = await ids(7);
    expect(await ids(7)).toEqual(first);
    expect(await ids(8)).not.toEqual(first);
  });
});

function signed(body: string): Record<string, string> {
  return { key: API_KEY, 'content-type': 'application/json', signature: 'sha256=' + createHmac('sha256', API_KEY).update(body).digest('hex') };
}
