// reconcile() and autoReconcile against the sandbox, one lost answer at a time: each money operation (and
// createClient) with the answer lost before and after the state changed, inside and outside the deposit's
// repeat window. The sandbox's state is the judge: never applied twice, and the outcome says what happened.
import { createCrmClient, type CrmClient, type CrmClientOptions } from '../../src/rest/client';
import { CrmAmbiguousOutcomeError, CrmNotAppliedError } from '../../src/core/errors';
import { reconcile } from '../../src/rest/reconcile/reconcile';
import type { FaultKind } from '../../src/testing/sandbox/faults';
import { recordingLogger } from '../harness/output-scan';
import { useSandbox } from '../harness/sandbox';

const box = useSandbox();
beforeEach(() => box.sandbox.reset());
afterEach(() => expect(box.violations()).toEqual([]));

/** A client on the sandbox's virtual clock, quick to give up on a stalled answer. */
const client = (overrides: Partial<CrmClientOptions> = {}) => box.client({ clock: () => box.sandbox.now(), timeoutMs: 250, maxRetries: 0, ...overrides });

async function lose<T>(operationId: string, fault: FaultKind, call: (crm: CrmClient) => Promise<T>): Promise<CrmAmbiguousOutcomeError> {
  box.sandbox.injectFault({ operationId, fault });
  const error = await call(client()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CrmAmbiguousOutcomeError);
  return error as CrmAmbiguousOutcomeError;
}

const deposit = (comment: string) => (crm: CrmClient) =>
  crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '10.01', comment } });
const withdraw = (comment: string) => (crm: CrmClient) =>
  crm.POST('/public/v1/mt4/accounts/{login}/withdrawal', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '10.01', comment } });
const transactions = (comment: string) => box.sandbox.state().transactions.filter((t: { comment?: string }) => t.comment === comment);
const balance = () => box.sandbox.state().accounts.find((a: { login: number }) => a.login === 200118)!.balance;

describe('deposit', () => {
  it.each(['reset-after-commit', 'stall-after-commit', 'status-after-commit'] as const)('lost %s, inside the window: the re-send answers repeat → applied once', async (fault) => {
    const error = await lose('depositToMt4Account', fault, deposit(`dep-${fault}`));
    box.sandbox.advanceClock(60_000);
    const found = await reconcile(client(), error, { now: () => box.sandbox.now() });
    expect(found).toEqual({ outcome: 'applied', how: 'resent-within-repeat-window', evidence: { status: 200, repeat: true, appliedBy: 'the lost request' }, result: { status: 200, body: { repeat: true } } });
    expect(transactions(`dep-${fault}`)).toHaveLength(1);
    expect(balance()).toBe('1530.41');
  });

  it.each(['reset-before-commit', 'stall-before-commit', 'status-before-commit'] as const)('lost %s, inside the window: the re-send applies it → applied once', async (fault) => {
    const error = await lose('depositToMt4Account', fault, deposit(`dep-${fault}`));
    const found = await reconcile(client(), error, { now: () => box.sandbox.now() });
    expect(found).toMatchObject({ outcome: 'applied', evidence: { status: 204, appliedBy: 'the re-send' } });
    expect(transactions(`dep-${fault}`)).toHaveLength(1);
  });

  // Issue 29: without `now`, the window and the report's range are read on the clock the call was sent on.
  it('without `now`: the clock of the client given, else of the client that threw', async () => {
    const inside = await lose('depositToMt4Account', 'reset-after-commit', deposit('dep-clock-1'));
    box.sandbox.advanceClock(60_000);
    expect(await reconcile(client(), inside)).toMatchObject({ outcome: 'applied', how: 'resent-within-repeat-window' });
    const late = await lose('depositToMt4Account', 'reset-after-commit', deposit('dep-clock-2'));
    box.sandbox.advanceClock(90_000);
    // A client given no clock: the error's (the sending client's) is used, so the report is searched around 2024.
    expect(await reconcile(box.client({ timeoutMs: 250, maxRetries: 0 }), late)).toMatchObject({ outcome: 'applied', how: 'transactions-report' });
    expect(transactions('dep-clock-1')).toHaveLength(1);
    expect(transactions('dep-clock-2')).toHaveLength(1);
  });

  it('outside the window less the safety margin it never re-sends: the report finds an applied one, else unknown', async () => {
    const applied = await lose('depositToMt4Account', 'reset-after-commit', deposit('dep-late-1'));
    const notApplied = await lose('depositToMt4Account', 'reset-before-commit', deposit('dep-late-2'));
    box.sandbox.advanceClock(90_000); // 120 s window - 30 s margin: no longer safe to re-send.
    const before = box.sandbox.requests.length;
    expect(await reconcile(client(), applied, { now: () => box.sandbox.now() })).toMatchObject({ outcome: 'applied', how: 'transactions-report', evidence: { transaction: { comment: 'dep-late-1', amount: 10.01 } } });
    expect(await reconcile(client(), notApplied, { now: () => box.sandbox.now() })).toMatchObject({ outcome: 'unknown', how: 'transactions-report', evidence: { searched: { comment: 'dep-late-2' } } });
    const sent = box.sandbox.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(sent).toEqual(['POST /public/v1/report/transactions', 'POST /public/v1/report/transactions']);
    expect(transactions('dep-late-2')).toHaveLength(0);
  });

  it('a smaller safety margin is honoured, and a re-send whose answer is lost too is tried again (de-duplicated)', async () => {
    const error = await lose('depositToMt4Account', 'reset-after-commit', deposit('dep-margin'));
    box.sandbox.advanceClock(100_000);
    box.sandbox.injectFault({ operationId: 'depositToMt4Account', fault: 'reset-after-commit' });
    const found = await reconcile(client(), error, { now: () => box.sandbox.now(), safetyMarginMs: 10_000 });
    expect(found).toMatchObject({ outcome: 'applied', how: 'resent-within-repeat-window', evidence: { repeat: true } });
    expect(transactions('dep-margin')).toHaveLength(1);
  });

  it('a re-send the CRM refuses settles as not_applied with the refusal', async () => {
    const error = await lose('depositToMt4Account', 'reset-before-commit', deposit('dep-refused'));
    box.sandbox.seed({ connections: [{ id: 'Cn4Mt001', platform: 'mt5', name: 'moved', groups: [], currencies: [], leverages: [] }] });
    expect(await reconcile(client(), error, { now: () => box.sandbox.now() })).toMatchObject({ outcome: 'not_applied', evidence: { status: 400, error: { type: 'mt4_connection_not_found' } } });
  });
});

describe('withdrawal', () => {
  it('after commit: found in the transactions report → applied; before: unknown, never re-sent', async () => {
    const applied = await lose('withdrawFromMt4Account', 'status-after-commit', withdraw('wd-1'));
    const lost = await lose('withdrawFromMt4Account', 'stall-before-commit', withdraw('wd-2'));
    expect(await reconcile(client(), applied, { now: () => box.sandbox.now() })).toMatchObject({ outcome: 'applied', how: 'transactions-report', result: { status: 204 } });
    expect(await reconcile(client(), lost, { now: () => box.sandbox.now() })).toMatchObject({ outcome: 'unknown', how: 'transactions-report' });
    expect([transactions('wd-1').length, transactions('wd-2').length]).toEqual([1, 0]);
    expect(box.sandbox.requests.filter((r) => r.path.endsWith('/withdrawal'))).toHaveLength(2);
  });
});

describe('wallet balance update', () => {
  const update = (order_id: string, amount = 5) => (crm: CrmClient) => crm.PATCH('/public/v1/wallets/balance', { body: { user_id: '3fA9kQ2z', currency: 'USD', amount, order_id } });
  it('settled by the order-status call: success → applied, not found → not_applied, failed → not_applied', async () => {
    const after = await lose('updateWalletBalance', 'reset-after-commit', update('ord-rec-00000001'));
    const before = await lose('updateWalletBalance', 'status-before-commit', update('ord-rec-00000002'));
    const failed = await lose('updateWalletBalance', 'reset-after-commit', update('ord-rec-00000003', -100_000));
    const now = () => box.sandbox.now();
    expect(await reconcile(client(), after, { now })).toMatchObject({ outcome: 'applied', how: 'order-status', evidence: { order: { status: 'success' } } });
    expect(await reconcile(client(), before, { now })).toMatchObject({ outcome: 'not_applied', how: 'order-status', evidence: { error: { type: 'order_not_found' } } });
    expect(await reconcile(client(), failed, { now })).toMatchObject({ outcome: 'not_applied', evidence: { order: { status: 'failed' } } });
    expect(box.sandbox.state().wallets['3fA9kQ2z']!.USD).toBe('1255.50');
    expect(box.sandbox.requests.filter((r) => r.method === 'PATCH')).toHaveLength(3);
  });

  it('not found while the lost update may still land → unknown; it lands later and is found applied; not found after the settle window → not_applied', async () => {
    // The update's answer is lost before it reached the CRM (the client gave up; the request is still on its
    // way): held here, and delivered only after the look-up, as a late request is.
    let held: (() => Promise<Response>) | undefined;
    const late = client({
      fetch: async (request: Request) => {
        const copy = request.clone();
        held = () => fetch(copy);
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
      },
    });
    const now = () => box.sandbox.now();
    const lost = await update('ord-late-0000001')(late).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(CrmAmbiguousOutcomeError);
    box.sandbox.advanceClock(60_000);
    const found = await reconcile(client(), lost as CrmAmbiguousOutcomeError, { now });
    expect(found).toMatchObject({ outcome: 'unknown', how: 'order-status', evidence: { error: { type: 'order_not_found' }, elapsedMs: 60_000 } });
    expect((await held!()).status).toBe(200);
    expect(await reconcile(client(), lost as CrmAmbiguousOutcomeError, { now })).toMatchObject({ outcome: 'applied', how: 'order-status' });
    expect(box.sandbox.state().walletOrders.filter((o: { order_id: string }) => o.order_id === 'ord-late-0000001')).toHaveLength(1);

    // Never delivered: past the settle window (default 120 s) no order proves it did not apply.
    const never = await lose('updateWalletBalance', 'reset-before-commit', update('ord-late-0000002'));
    box.sandbox.advanceClock(119_999);
    expect(await reconcile(client(), never, { now })).toMatchObject({ outcome: 'unknown', how: 'order-status' });
    box.sandbox.advanceClock(1);
    expect(await reconcile(client(), never, { now })).toMatchObject({ outcome: 'not_applied', how: 'order-status', evidence: { error: { type: 'order_not_found' }, elapsedMs: 120_000 } });
    expect(await reconcile(client(), never, { now, settleWindowMs: 200_000 })).toMatchObject({ outcome: 'unknown' });
  });

  it.each([429, 500, 503])('refused by the CRM itself with %i and not found → not_applied at once (it cannot land later)', async (status) => {
    box.sandbox.injectFault({ operationId: 'updateWalletBalance', fault: 'status-before-commit', status });
    const error = await update(`ord-refused-0${status}`)(client()).catch((e: unknown) => e);
    expect(error).toMatchObject({ status });
    expect(await reconcile(client(), error as CrmAmbiguousOutcomeError, { now: () => box.sandbox.now() })).toMatchObject({ outcome: 'not_applied', evidence: { error: { type: 'order_not_found' }, refusedWith: status } });
  });

  it.each([502, 504])('answered %i (a gateway: the CRM behind it may still be at it) and not found → unknown inside the settle window', async (status) => {
    box.sandbox.injectFault({ operationId: 'updateWalletBalance', fault: 'status-before-commit', status });
    const error = await update(`ord-gateway-0${status}`)(client()).catch((e: unknown) => e);
    expect(await reconcile(client(), error as CrmAmbiguousOutcomeError, { now: () => box.sandbox.now() })).toMatchObject({ outcome: 'unknown', how: 'order-status' });
  });
});

describe('withdrawal request decisions', () => {
  it('approve lost after commit → already_decided (not applied twice); before commit → applied by the one re-send', async () => {
    const a = box.sandbox.createWithdrawalRequest({ user_id: '3fA9kQ2z', amount: '7' });
    const b = box.sandbox.createWithdrawalRequest({ user_id: '3fA9kQ2z', amount: '8' });
    const approve = (id: string) => (crm: CrmClient) => crm.POST('/public/v1/requests/withdrawal/approve', { body: { id } });
    const afterCommit = await lose('approveWithdrawalRequest', 'reset-after-commit', approve(a.id));
    const beforeCommit = await lose('approveWithdrawalRequest', 'status-before-commit', approve(b.id));
    expect(await reconcile(client(), afterCommit)).toMatchObject({ outcome: 'already_decided', evidence: { status: 400, error: { type: 'request_status_not_pending' } } });
    expect(await reconcile(client(), beforeCommit)).toMatchObject({ outcome: 'applied', how: 'resent-decision', evidence: { status: 200 } });
    const approvals = box.sandbox.state().transactions.filter((t: { type: string; ref_id?: string }) => t.type === 'withdrawal');
    expect(approvals.map((t) => t.extra.ref_id).sort()).toEqual([a.id, b.id].sort());
  });

  it('reject lost after commit → already_decided', async () => {
    const r = box.sandbox.createWithdrawalRequest({ user_id: '3fA9kQ2z', amount: '7' });
    const error = await lose('rejectWithdrawalRequest', 'stall-after-commit', (crm) => crm.POST('/public/v1/requests/withdrawal/reject', { body: { id: r.id, comment: 'no' } }));
    expect(error.reconcile).toEqual({ field: 'id', value: r.id });
    expect(await reconcile(client(), error)).toMatchObject({ outcome: 'already_decided' });
  });
});

describe('createClient', () => {
  const create = (email: string) => (crm: CrmClient) => crm.POST('/public/v1/users/create', { body: { email, password: 'Rec-pass-1', repeat_password: 'Rec-pass-1', update_password: false, form_id: 'Rf7Tg2Lp' } });
  it('found by e-mail in the client list → applied with its id; not found → unknown', async () => {
    const created = await lose('createClient', 'reset-after-commit', create('rec.created@mail.test'));
    const lost = await lose('createClient', 'reset-before-commit', create('rec.lost@mail.test'));
    const id = box.sandbox.state().clients.find((c: { email: string }) => c.email === 'rec.created@mail.test')!.id;
    expect(await reconcile(client(), created)).toEqual({ outcome: 'applied', how: 'client-lookup', evidence: { id }, result: { status: 201, body: { id } } });
    expect(await reconcile(client(), lost)).toMatchObject({ outcome: 'unknown', how: 'client-lookup' });
  });
});

it('answers unknown, without a call, for an operation with no documented look-up', async () => {
  const error = await lose('createLead', 'reset-after-commit', (crm) => crm.POST('/public/v1/leads', { body: { email: 'lead@mail.test' } }));
  const before = box.sandbox.requests.length;
  expect(await reconcile(client(), error)).toEqual({ outcome: 'unknown', how: 'none', evidence: { reason: 'no documented look-up for createLead' } });
  expect(box.sandbox.requests.length).toBe(before);
});

describe('autoReconcile', () => {
  it('returns the real answer of a deposit whose answer was lost, logs each step, and applies it once', async () => {
    const lines: string[] = [];
    const crm = client({ autoReconcile: true, logger: recordingLogger((level, message) => lines.push(`${level} ${message}`)) });
    box.sandbox.injectFault({ operationId: 'depositToMt4Account', fault: 'reset-after-commit' });
    const { data, response } = await deposit('dep-auto')(crm);
    expect({ status: response.status, data, how: response.headers.get('x-crm-reconciled') }).toEqual({ status: 200, data: { repeat: true }, how: 'resent-within-repeat-window' });
    expect(transactions('dep-auto')).toHaveLength(1);
    expect(lines).toEqual(expect.arrayContaining(['error crm outcome unknown', 'info crm reconcile: inside the repeat window: re-sending with the same comment', 'info crm reconcile: outcome applied (resent-within-repeat-window)']));
  });

  it('throws CrmNotAppliedError when the update provably did not happen, and the ambiguous error with the reconciliation when unknown', async () => {
    const crm = client({ autoReconcile: { safetyMarginMs: 30_000 } });
    // Refused by the CRM (503): it cannot land later, so no order is proof.
    box.sandbox.injectFault({ operationId: 'updateWalletBalance', fault: 'status-before-commit', status: 503 });
    const notApplied = await crm.PATCH('/public/v1/wallets/balance', { body: { user_id: '3fA9kQ2z', currency: 'USD', amount: 1, order_id: 'ord-auto-0000001' } }).catch((e: unknown) => e);
    expect(notApplied).toBeInstanceOf(CrmNotAppliedError);
    expect(notApplied).toMatchObject({ operationId: 'updateWalletBalance', reconcile: { field: 'order_id', value: 'ord-auto-0000001' }, reconciliation: { outcome: 'not_applied', how: 'order-status' } });
    box.sandbox.injectFault({ operationId: 'withdrawFromMt4Account', fault: 'reset-before-commit' });
    const unknown = await withdraw('wd-auto')(crm).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(CrmAmbiguousOutcomeError);
    expect(unknown).toMatchObject({ reconciliation: { outcome: 'unknown', how: 'transactions-report' } });
    expect(transactions('wd-auto')).toHaveLength(0);
    // A reset: the update may still be on its way, so no order yet is not proof.
    box.sandbox.injectFault({ operationId: 'updateWalletBalance', fault: 'reset-before-commit' });
    const pending = await crm.PATCH('/public/v1/wallets/balance', { body: { user_id: '3fA9kQ2z', currency: 'USD', amount: 1, order_id: 'ord-auto-0000004' } }).catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(CrmAmbiguousOutcomeError);
    expect(pending).toMatchObject({ reconciliation: { outcome: 'unknown', how: 'order-status', evidence: { error: { type: 'order_not_found' } } } });
  });

  it('when the look-up itself fails, the original ambiguous error comes back with an unknown reconciliation', async () => {
    const crm = client({ autoReconcile: true, maxRetries: 0 });
    box.sandbox.injectFault({ operationId: 'updateWalletBalance', fault: 'reset-after-commit' });
    box.sandbox.injectFault({ operationId: 'getWalletBalanceOrder', fault: 'status-before-commit', status: 503, times: 1 });
    const error = await crm.PATCH('/public/v1/wallets/balance', { body: { user_id: '3fA9kQ2z', currency: 'USD', amount: 1, order_id: 'ord-auto-0000002' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmAmbiguousOutcomeError);
    expect(error).toMatchObject({ operationId: 'updateWalletBalance', reconciliation: { outcome: 'unknown', how: 'order-status', evidence: { status: 503 } } });
  });

  it('when reconciling throws (the CRM unreachable), the original error comes back marked reconciliation-failed', async () => {
    let calls = 0;
    const crm = createCrmClient({
      baseUrl: 'http://crm.test',
      apiKey: 'k',
      autoReconcile: true,
      maxRetries: 0,
      fetch: async () => {
        calls += 1;
        if (calls === 1) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }); // sent, answer lost
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }); // the look-up cannot connect
      },
    });
    const error = await crm.PATCH('/public/v1/wallets/balance', { body: { user_id: '3fA9kQ2z', currency: 'USD', amount: 1, order_id: 'ord-auto-0000003' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmAmbiguousOutcomeError);
    expect(error).toMatchObject({ reconciliation: { outcome: 'unknown', how: 'reconciliation-failed', evidence: { error: expect.stringMatching(/^CrmConnectionError/) } } });
    expect(calls).toBe(2);
  });

  it('keeps the request it would re-send out of JSON and util.inspect', async () => {
    const error = await lose('createClient', 'reset-before-commit', (crm) =>
      crm.POST('/public/v1/users/create', { body: { email: 'secretive@mail.test', password: 'Hidden-pass-9', repeat_password: 'Hidden-pass-9', update_password: false, form_id: 'Rf7Tg2Lp' } }),
    );
    expect(error.request?.body).toContain('Hidden-pass-9');
    expect(JSON.stringify(error)).not.toContain('Hidden-pass-9');
    expect(require('node:util').inspect(error)).not.toContain('Hidden-pass-9');
  });
});
