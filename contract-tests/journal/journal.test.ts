// The client's `journal` and recoverJournal against the sandbox, with the memory store: what is written down
// before a call is sent and what is never written, the outcome recorded after, the typed refusal to send what
// cannot be written, and recovery of what a lost answer left open: each strategy, holds, concurrent
// recoveries, idempotence. The sandbox's state is the judge. (The file and Redis stores have their own suites;
// the crash suite kills real processes.)
import { createServer } from 'node:net';
import { createCrmClient, CrmJournalError, memoryJournal, recoverJournal, type CrmClient, type CrmClientOptions, type Journal, type JournalEntry, type JournalIntent } from '../../src/index';
import { itKeepsTheJournalRules } from '../harness/journal-rules';
import { registerSecret, recordOutput, recordingLogger } from '../harness/output-scan';
import { useSandbox } from '../harness/sandbox';
import { API_KEY } from '../harness/mock-crm';

const box = useSandbox();
beforeEach(() => box.sandbox.reset());
afterEach(() => expect(box.violations()).toEqual([]));

const now = () => box.sandbox.now();
/** A client on the sandbox's virtual clock, quick to give up on a stalled answer. */
const client = (journal: Journal, overrides: Partial<CrmClientOptions> = {}) => box.client({ journal, clock: now, timeoutMs: 2_000, maxRetries: 0, ...overrides });

const deposit = (crm: CrmClient, comment: string, amount = '10.01') =>
  crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount, comment } });
const withdraw = (crm: CrmClient, comment: string, amount = '10.01') =>
  crm.POST('/public/v1/mt4/accounts/{login}/withdrawal', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount, comment } });
const updateWallet = (crm: CrmClient, order_id: string, amount = 5) => crm.PATCH('/public/v1/wallets/balance', { body: { user_id: '3fA9kQ2z', currency: 'USD', amount, order_id } });
const approve = (crm: CrmClient, id: string) => crm.POST('/public/v1/requests/withdrawal/approve', { body: { id } });
const transactions = (comment: string) => box.sandbox.state().transactions.filter((t: { comment?: string }) => t.comment === comment);

/** Every entry, also handed to the end-of-file scan: no API key, signing secret or password may be in one. */
async function entriesOf(journal: Journal): Promise<JournalEntry[]> {
  const entries = await journal.entries();
  recordOutput('journal entries', entries);
  return entries;
}

/** Runs `call` with its answer lost (the fault), expecting the ambiguous error. */
async function lose(operationId: string, fault: 'reset-after-commit' | 'reset-before-commit' | 'status-before-commit' | 'stall-after-commit', call: () => Promise<unknown>): Promise<void> {
  box.sandbox.injectFault({ operationId, fault });
  await expect(call()).rejects.toMatchObject({ name: 'CrmAmbiguousOutcomeError' });
}

describe('memoryJournal', () => {
  itKeepsTheJournalRules(() => memoryJournal());

  it('keeps every open intent and the last `maxSettled` settled ones', async () => {
    const journal = memoryJournal({ maxSettled: 2 });
    for (const id of ['m-1', 'm-2', 'm-3', 'm-4']) {
      await journal.begin({ id, operationId: 'createLead', method: 'POST', path: '/public/v1/leads', params: {}, sentAt: 1, holder: 's', heldUntil: 1 });
    }
    for (const id of ['m-1', 'm-2', 'm-3']) await journal.settle(id, 's', { outcome: 'applied', how: 'answer', evidence: {}, at: 2 });
    expect((await journal.entries()).map((e) => e.id)).toEqual(['m-2', 'm-3', 'm-4']);
    expect(() => memoryJournal({ maxSettled: -1 })).toThrow(TypeError);
  });
});

describe('the journal option', () => {
  it('writes the intent down before the call is sent, and its outcome after', async () => {
    const memory = memoryJournal();
    // A store that takes its time to write: the call must wait for it.
    const journal: Journal = { ...memory, begin: async (intent) => new Promise((resolve) => setTimeout(() => resolve(memory.begin(intent)), 30)) };
    let seenAtSend: JournalEntry[] = [];
    const crm = client(journal, {
      fetch: async (input, init) => {
        seenAtSend = await journal.entries();
        return fetch(input, init);
      },
    });
    expect((await deposit(crm, 'jr-1')).response.status).toBe(204);
    expect(seenAtSend).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{32,36}$/),
        operationId: 'depositToMt4Account',
        method: 'POST',
        path: '/public/v1/mt4/accounts/{login}/deposit',
        params: { login: 200118 },
        reconcile: { field: 'comment', value: 'jr-1' },
        body: '{"connection_id":"Cn4Mt001","currency":"USD","amount":"10.01","comment":"jr-1"}',
        sentAt: now(),
        holder: expect.stringMatching(/^client:/),
        heldUntil: now() + 3_000, // 1.5 × timeoutMs
      },
    ]);
    expect(await entriesOf(journal)).toEqual([{ ...seenAtSend[0], settlement: { outcome: 'applied', how: 'answer', evidence: { status: 204 }, at: now() } }]);
  });

  it('journals exactly what the spec marks as moving money or creating something, never a read', async () => {
    const journal = memoryJournal();
    const crm = client(journal);
    await crm.GET('/public/v1/users', { params: { query: { skip: 0, limit: 10 } } });
    await crm.POST('/public/v1/users/uplines', { body: { user_id: '3fA9kQ2z' } });
    expect(await journal.entries()).toEqual([]);
    await crm.POST('/public/v1/leads', { body: { email: 'jr.lead@mail.test' } });
    expect((await journal.entries()).map((e) => [e.operationId, e.settlement?.outcome])).toEqual([['createLead', 'applied']]);
  });

  it('keeps no header, no signing secret, no signature and no field the spec marks format: password', async () => {
    const journal = memoryJournal();
    const signingSecret = 'jr-signing-secret-77';
    registerSecret(signingSecret);
    const crm = createCrmClient({ baseUrl: box.sandbox.url, apiKey: API_KEY, journal, clock: now });
    // The sandbox checks the signature with the API key: a client signing with another secret is refused, and
    // its refusal is journaled like any answer.
    await createCrmClient({ baseUrl: box.sandbox.url, apiKey: API_KEY, signingSecret, journal, clock: now }).POST('/public/v1/leads', { body: { email: 'jr.other@mail.test' } });
    await crm.POST('/public/v1/users/create', { body: { email: 'jr.created@mail.test', password: 'Jr-pass-0001', repeat_password: 'Jr-pass-0001', update_password: false, form_id: 'Rf7Tg2Lp' } });
    await crm.POST('/public/v1/users/{user_id}/mt4/accounts', { params: { path: { user_id: '3fA9kQ2z' } }, body: { connection_id: 'Cn4Mt001', group: 'demo\\standard', leverage: 100, master_password: 'Mst-pass-0001', investor_password: 'Inv-pass-0001' } });
    const signatures = box.sandbox.requests.map((r) => String(r.headers['signature']));
    const entries = await entriesOf(journal);
    const text = JSON.stringify(entries);
    for (const secret of [API_KEY, signingSecret, 'Jr-pass-0001', 'Mst-pass-0001', 'Inv-pass-0001', ...signatures]) expect(text).not.toContain(secret);
    expect(entries.map((e) => [e.operationId, e.omitted, e.settlement?.outcome, e.settlement?.evidence])).toEqual([
      ['createLead', undefined, 'not_applied', { status: 403 }],
      ['createClient', ['password', 'repeat_password'], 'applied', { status: 201 }],
      ['createMt4Account', ['investor_password', 'master_password'], 'applied', { status: 200 }],
    ]);
    expect(JSON.parse(entries[1]!.body!)).toEqual({ email: 'jr.created@mail.test', update_password: false, form_id: 'Rf7Tg2Lp' });
  });

  it('records a refusal as not_applied, and leaves a lost answer open with its hold ended', async () => {
    const journal = memoryJournal();
    const crm = client(journal);
    expect((await withdraw(crm, 'jr-too-much', '99999.00')).response.status).toBe(400);
    box.sandbox.advanceClock(5_000);
    await lose('depositToMt4Account', 'reset-after-commit', () => deposit(crm, 'jr-lost'));
    const [refused, lost] = await entriesOf(journal);
    expect(refused).toMatchObject({ operationId: 'withdrawFromMt4Account', settlement: { outcome: 'not_applied', how: 'answer', evidence: { status: 400 } } });
    expect(lost!.settlement).toBeUndefined();
    expect(lost).toMatchObject({ heldUntil: now(), lastAttempt: { outcome: 'unknown', how: 'answer-lost', evidence: { reason: expect.stringContaining('connection lost') } } });
  });

  it('does not send a call whose intent cannot be written: CrmJournalError, and the intent is closed in case it was written', async () => {
    const settled: string[] = [];
    const broken: Journal = {
      begin: async () => Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })),
      claim: async () => false,
      settle: async (_id, _holder, settlement) => {
        settled.push(`${settlement.outcome} ${settlement.how}`);
        return true;
      },
      entries: async () => [],
    };
    const crm = client(broken);
    const before = box.sandbox.requests.length;
    const error = await deposit(crm, 'jr-unwritten').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmJournalError);
    expect(error).toMatchObject({ name: 'CrmJournalError', operationId: 'depositToMt4Account', message: 'depositToMt4Account: the journal could not write this call\'s intent down (ENOSPC), so it was not sent.' });
    expect(box.sandbox.requests.length).toBe(before);
    expect(settled).toEqual(['not_applied not-sent']);
    // A read is not journaled, so it is sent whatever the journal's state.
    expect((await crm.GET('/public/v1/connections')).response.status).toBe(200);
  });

  it('records not_applied (not-sent) when the connection was refused before any byte was written', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const journal = memoryJournal();
    const crm = createCrmClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY, journal, clock: now, maxRetries: 0 });
    await expect(deposit(crm, 'jr-refused')).rejects.toMatchObject({ name: 'CrmConnectionError', notSent: true });
    expect((await entriesOf(journal)).map((e) => e.settlement)).toEqual([{ outcome: 'not_applied', how: 'not-sent', evidence: { error: 'CrmConnectionError' }, at: now() }]);
  });

  it('with autoReconcile, records the reconciliation as the outcome, and journals none of its own calls', async () => {
    const journal = memoryJournal();
    const crm = client(journal, { autoReconcile: true });
    box.sandbox.injectFault({ operationId: 'depositToMt4Account', fault: 'reset-after-commit' });
    const { response } = await deposit(crm, 'jr-auto');
    expect(response.headers.get('x-crm-reconciled')).toBe('resent-within-repeat-window');
    expect((await entriesOf(journal)).map((e) => e.settlement)).toEqual([{ outcome: 'applied', how: 'resent-within-repeat-window', evidence: { status: 200, repeat: true, appliedBy: 'the lost request' }, at: now() }]);
    expect(transactions('jr-auto')).toHaveLength(1);
  });

  it('renews its hold while the call runs, so no recovery takes a live call over', async () => {
    const journal = memoryJournal();
    let clock = 1_000_000;
    const crm = client(journal, { clock: () => clock, timeoutMs: 400 });
    box.sandbox.injectFault({ operationId: 'updateWalletBalance', fault: 'stall-after-commit' });
    const call = updateWallet(crm, 'ord-jr-hold-0001').catch((e: unknown) => e);
    const [sent] = await waitFor(async () => journal.entries(), (entries) => entries.length === 1);
    expect(sent!.heldUntil).toBe(1_000_600);
    clock += 10_000; // the hold has lapsed on the clock; the sender renews it within 200 ms of real time
    const [renewed] = await waitFor(async () => journal.entries(), ([entry]) => entry!.heldUntil >= clock + 400);
    expect(renewed!.holder).toBe(sent!.holder);
    expect(await recoverJournal(crm, journal, { now: () => clock })).toEqual([]);
    expect(await call).toMatchObject({ name: 'CrmAmbiguousOutcomeError' });
  });
});

/** Polls `read` until `done` (every 20 ms, at most 5 s). */
async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let tries = 0; ; tries++) {
    const value = await read();
    if (done(value) || tries > 250) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('recoverJournal', () => {
  it('settles each open intent with its strategy, records each outcome, and a second run finds nothing to do', async () => {
    const journal = memoryJournal();
    const crm = client(journal);
    const a = box.sandbox.createWithdrawalRequest({ user_id: '3fA9kQ2z', amount: '7' });
    await lose('depositToMt4Account', 'reset-after-commit', () => deposit(crm, 'jr-rec-after'));
    await lose('depositToMt4Account', 'reset-before-commit', () => deposit(crm, 'jr-rec-before'));
    await lose('updateWalletBalance', 'status-before-commit', () => updateWallet(crm, 'ord-jr-rec-00001'));
    await lose('updateWalletBalance', 'reset-after-commit', () => updateWallet(crm, 'ord-jr-rec-00002'));
    await lose('approveWithdrawalRequest', 'reset-after-commit', () => approve(crm, a.id));
    await lose('withdrawFromMt4Account', 'reset-before-commit', () => withdraw(crm, 'jr-rec-wd'));
    box.sandbox.advanceClock(60_000); // inside the window less the margin (90 s)
    const lines: string[] = [];
    const recovered = await recoverJournal(crm, journal, { logger: recordingLogger((level, message) => lines.push(`${level} ${message}`)) });
    recordOutput('recovered', recovered);
    expect(recovered.map((r) => [r.operationId, r.reconcile?.value, r.outcome, r.how, r.recorded])).toEqual([
      ['depositToMt4Account', 'jr-rec-after', 'applied', 'resent-within-repeat-window', true],
      ['depositToMt4Account', 'jr-rec-before', 'applied', 'resent-within-repeat-window', true],
      ['updateWalletBalance', 'ord-jr-rec-00001', 'not_applied', 'order-status', true],
      ['updateWalletBalance', 'ord-jr-rec-00002', 'applied', 'order-status', true],
      ['approveWithdrawalRequest', a.id, 'already_decided', 'resent-decision', true],
      ['withdrawFromMt4Account', 'jr-rec-wd', 'unknown', 'transactions-report', false],
    ]);
    expect(recovered[1]!.evidence).toEqual({ status: 204, appliedBy: 'the re-send' });
    expect(lines.filter((line) => line.startsWith('info crm journal: intent'))).toHaveLength(6);
    expect([transactions('jr-rec-after').length, transactions('jr-rec-before').length, transactions('jr-rec-wd').length]).toEqual([1, 1, 0]);
    expect(box.sandbox.state().wallets['3fA9kQ2z']!.USD).toBe('1255.50');
    // Recorded: what is decided is closed; the unknown withdrawal stays open, with the attempt remembered.
    const entries = await entriesOf(journal);
    expect(entries.filter((e) => !e.settlement).map((e) => [e.operationId, e.lastAttempt?.how])).toEqual([['withdrawFromMt4Account', 'transactions-report']]);
    // Recovery's own calls were not journaled: still the six intents.
    expect(entries).toHaveLength(6);
    const sent = box.sandbox.requests.length;
    const again = await recoverJournal(crm, journal);
    expect(again.map((r) => [r.operationId, r.outcome])).toEqual([['withdrawFromMt4Account', 'unknown']]);
    expect(box.sandbox.requests.slice(sent).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /public/v1/report/transactions']);
  });

  it('outside the window less the margin it never re-sends a deposit: it looks it up', async () => {
    const journal = memoryJournal();
    const crm = client(journal);
    const before = box.sandbox.requests.length;
    await lose('depositToMt4Account', 'reset-after-commit', () => deposit(crm, 'jr-late-applied'));
    await lose('depositToMt4Account', 'reset-before-commit', () => deposit(crm, 'jr-late-lost'));
    box.sandbox.advanceClock(90_000);
    const recovered = await recoverJournal(crm, journal);
    expect(recovered.map((r) => [r.reconcile?.value, r.outcome, r.how])).toEqual([
      ['jr-late-applied', 'applied', 'transactions-report'],
      ['jr-late-lost', 'unknown', 'transactions-report'],
    ]);
    expect(box.sandbox.requests.slice(before).filter((r) => r.path.endsWith('/deposit'))).toHaveLength(2);
  });

  it("reads `sentAt` on the client's clock: a client on another clock than the journal's is told with `now`", async () => {
    const journal = memoryJournal();
    await lose('depositToMt4Account', 'reset-before-commit', () => deposit(client(journal), 'jr-clock'));
    // A wall-clock client would see decades since the sandbox's epoch: outside the window.
    const wall = createCrmClient({ baseUrl: box.sandbox.url, apiKey: API_KEY, maxRetries: 0 });
    expect((await recoverJournal(wall, journal, { now: () => now() + 1_000 })).map((r) => r.how)).toEqual(['resent-within-repeat-window']);
    expect(transactions('jr-clock')).toHaveLength(1);
  });

  it('leaves an intent its sender or another recovery holds, and takes it once the hold has lapsed', async () => {
    const journal = memoryJournal();
    const crm = client(journal);
    await lose('depositToMt4Account', 'reset-after-commit', () => deposit(crm, 'jr-held'));
    const [entry] = await journal.entries();
    expect(await journal.claim(entry!.id, 'another-recovery', now(), now() + 10_000)).toBe(true);
    const lines: string[] = [];
    expect(await recoverJournal(crm, journal, { logger: recordingLogger((level, message) => lines.push(message)) })).toEqual([]);
    expect(lines).toEqual(['crm journal: 1 open intent(s) held by their sender or another recovery, left to them']);
    box.sandbox.advanceClock(10_000);
    expect((await recoverJournal(crm, journal)).map((r) => r.outcome)).toEqual(['applied']);
  });

  it('two recoveries at once settle each intent once', async () => {
    const journal = memoryJournal();
    const crm = client(journal);
    const requests = Array.from({ length: 4 }, () => box.sandbox.createWithdrawalRequest({ user_id: '3fA9kQ2z', amount: '3' }));
    for (const [i, request] of requests.entries()) {
      await lose('approveWithdrawalRequest', i % 2 ? 'reset-after-commit' : 'status-before-commit', () => approve(crm, request.id));
      await lose('depositToMt4Account', i % 2 ? 'reset-after-commit' : 'reset-before-commit', () => deposit(crm, `jr-twice-${i}`));
    }
    box.sandbox.advanceClock(1_000);
    const [first, second] = await Promise.all([recoverJournal(crm, journal, { holder: 'one' }), recoverJournal(crm, journal, { holder: 'two' })]);
    const ids = [...first!, ...second!].map((r) => r.id);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    expect(first!.length * second!.length).toBeGreaterThan(0); // both took part
    const approvals = box.sandbox.state().transactions.filter((t: { type: string; extra: { ref_id?: string } }) => t.type === 'withdrawal' && t.extra.ref_id);
    expect(approvals).toHaveLength(4);
    for (let i = 0; i < 4; i++) expect(transactions(`jr-twice-${i}`)).toHaveLength(1);
  });

  it('settles a call kept without its password fields by look-up only: never a re-send of a body it does not have', async () => {
    const journal = memoryJournal();
    const intent: JournalIntent = {
      id: 'jr-no-password', operationId: 'approveWithdrawalRequest', method: 'POST', path: '/public/v1/requests/withdrawal/approve', params: {},
      reconcile: { field: 'id', value: 'Wr000001' }, body: '{"id":"Wr000001"}', omitted: ['password'], sentAt: now(), holder: 'dead', heldUntil: now(),
    };
    await journal.begin(intent);
    const before = box.sandbox.requests.length;
    const [line] = await recoverJournal(createCrmClient({ baseUrl: box.sandbox.url, apiKey: API_KEY }), journal, { now });
    expect(line).toMatchObject({ outcome: 'unknown', how: 'none', evidence: { reason: expect.stringContaining('format: password') } });
    expect(box.sandbox.requests.length).toBe(before);
  });
});
