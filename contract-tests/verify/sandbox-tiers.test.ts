// verifyCrm against the sandbox, tier by tier: every operation it calls conforms (or confirms a guess), and
// the sandbox's state afterwards shows every write the run made and nothing else. A recording proxy in
// front of the sandbox sees each request, the signatures and every secret or personal value that went by,
// and the reports are scanned for them.
import { startSandboxCrm, type SandboxCrm } from '../../src/testing/sandbox/server';
import { OPERATIONS } from '../../src/testing/verify/tiers';
import type { VerifyOptions, VerifyReport } from '../../src/testing/verify/types';
import { verifyCrm } from '../../src/testing/verify/verify-crm';
import { registerSecret } from '../harness/output-scan';
import { startDriftedCrm, type DriftedCrm } from './harness/drifted-crm';
import { leaksIn } from './harness/report-scan';
import { stateDiff } from './harness/state-diff';

const KEY = 'verify-sandbox-key-3b7e';
const SECRET = 'verify-sandbox-signing-secret-91d0';
registerSecret(KEY);
registerSecret(SECRET);
/** Jane Doe, a seeded client with an MT4 account (200118 on Cn4Mt001) and a USD wallet. */
const USER = '3fA9kQ2z';
const RUN = 'sbx00001';

let sandbox: SandboxCrm;
let crm: DriftedCrm;
beforeAll(async () => {
  sandbox = await startSandboxCrm({ apiKey: KEY, signingSecret: SECRET });
  // A small delay per answer, so that calls overlap and the concurrency bound shows.
  crm = await startDriftedCrm(sandbox.url, {}, { delayMs: 5 });
});
afterAll(async () => {
  await crm?.stop();
  await sandbox?.stop();
});

/** A run on a freshly reset sandbox; `prepare` adds what the run needs (a pending withdrawal request) first. */
async function run(options: Partial<VerifyOptions>, prepare = () => {}): Promise<{ report: VerifyReport; before: Record<string, any>; after: Record<string, any>; sent: string[] }> {
  sandbox.reset();
  prepare();
  const from = crm.requests.length;
  const before = sandbox.state();
  const report = await verifyCrm({ baseUrl: crm.url, apiKey: KEY, signingSecret: SECRET, runId: RUN, ...options });
  return { report, before, after: sandbox.state(), sent: crm.requests.slice(from) };
}

const notPassing = (report: VerifyReport) => report.results.filter((r) => !['conforms', 'confirmed-guess'].includes(r.verdict)).map((r) => `${r.operationId}: ${r.verdict} ${r.reason ?? ''}`);

it('read-only: every read conforms or confirms a guess, the rest is skipped, no write is sent and the state is untouched', async () => {
  const { report, before, after, sent } = await run({});
  const reads = OPERATIONS.filter((op) => op.idempotent).map((op) => op.id);
  expect(report.results.filter((r) => r.verdict === 'conforms' || r.verdict === 'confirmed-guess').map((r) => r.operationId)).toEqual(reads);
  expect(report.results.filter((r) => r.verdict === 'skipped').map((r) => r.tier)).toEqual(expect.arrayContaining(['write', 'money']));
  expect(report.summary.skipped).toBe(OPERATIONS.length - reads.length);
  expect(report).toMatchObject({ passed: true, tiers: ['read'], signature: { version: 'v2', how: 'detected' } });
  // Only GETs and the look-ups (with the e-mail no client can have) reached the CRM.
  expect(new Set(sent.map((s) => s.split(' ')[0]))).toEqual(new Set(['GET', 'POST']));
  expect(sent.filter((s) => s.startsWith('POST')).map((s) => s.split(' ')[1])).toEqual(expect.arrayContaining(['/public/v1/users/downlines', '/public/v1/users/uplines', '/public/v1/report/transactions']));
  expect(new Set(sent.filter((s) => s.startsWith('POST')).map((s) => s.split(' ')[1]))).toEqual(new Set(['/public/v1/users/downlines', '/public/v1/users/uplines', '/public/v1/report/transactions']));
  expect(after).toEqual(before);
  expect(crm.maxInFlight).toBeLessThanOrEqual(2);
});

/** The added records by what tells them apart (an e-mail, an account's platform and owner, a transaction's type). */
const named = (added: Record<string, Record<string, any>[]>) =>
  Object.fromEntries(
    Object.entries(added).map(([part, records]) => [
      part,
      records.map((r) => (part === 'accounts' ? `${r.platform} ${r.connection_id} of ${r.user_id}` : part === 'transactions' ? `${r.type} ${r.amount} ${r.comment ?? ''}`.trim() : part === 'walletOrders' ? `${r.order_id} ${r.amount} ${r.status}` : r.email)),
    ]),
  );

/** What the write tier changes, and nothing else. */
const WRITES = {
  clients: [`verify-${RUN}-client@crm-open-api.invalid`],
  leads: [`verify-${RUN}-lead@crm-open-api.invalid`],
  accounts: [`mt4 Cn4Mt001 of ${USER}`, `mt5 Cn5Mt001 of ${USER}`],
};
// The KYC submission makes the test user's profile pending again, with the submitted (empty) form.
const KYC_FIELDS = ['kyc_form', 'kyc_processing', 'kyc_status', 'updated_at'];

it('--writes: each write conforms or confirms a guess, and the state shows exactly those writes', async () => {
  const { report, before, after } = await run({ testUser: USER, writes: true, rejectRequest: 'Wr000001' }, () => sandbox.createWithdrawalRequest({ id: 'Wr000001', user_id: USER, amount: '5.00' }));
  expect(notPassing(report)).toEqual(OPERATIONS.filter((op) => op.moneyMovement).map((op) => `${op.id}: skipped moves money: the money tier (--writes --money --account LOGIN --connection ID)`));
  expect(report).toMatchObject({ passed: true, tiers: ['read', 'write'] });
  const diff = stateDiff(before, after);
  expect({ ...diff, added: named(diff.added) }).toEqual({
    added: WRITES,
    removed: {},
    changed: { clients: { [USER]: KYC_FIELDS }, withdrawalRequests: { Wr000001: ['comment', 'status'] } },
    other: [],
  });
  expect(after.withdrawalRequests.find((r: any) => r.id === 'Wr000001').status).toBe('rejected');
  expect(after.clients.find((c: any) => c.id === USER)).toMatchObject({ kyc_processing: true, kyc_status: 'pending' });
});

it('--money --yes: every operation conforms or confirms a guess; each movement is undone, and the state shows exactly what the run did', async () => {
  const requests = () => {
    sandbox.createWithdrawalRequest({ id: 'Wr000001', user_id: USER, amount: '5.00' });
    sandbox.createWithdrawalRequest({ id: 'Wr000002', user_id: USER, amount: '7.50' });
  };
  const { report, before, after } = await run({ testUser: USER, writes: true, money: { login: 200118, connectionId: 'Cn4Mt001' }, yes: true, rejectRequest: 'Wr000001', approveRequest: 'Wr000002' }, requests);
  expect(notPassing(report)).toEqual([]);
  expect(report).toMatchObject({ passed: true, tiers: ['read', 'write', 'money'] });
  expect(report.results.find((r) => r.operationId === 'updateWalletBalance')).toMatchObject({ verdict: 'conforms', status: 200, reason: 'reversed (answered 200)' });
  const diff = stateDiff(before, after);
  expect({ ...diff, added: named(diff.added) }).toEqual({
    added: {
      ...WRITES,
      transactions: [`deposit 0.01 crm-open-api-verify-${RUN}-deposit`, `withdrawal 0.01 crm-open-api-verify-${RUN}-withdrawal`, 'withdrawal 7.50 crm-open-api verify'],
      walletOrders: [`crmv-${RUN}-cr 0.01 success`, `crmv-${RUN}-db -0.01 success`],
    },
    removed: {},
    // The deposit and the withdrawal leave account 200118 as it was; the wallet credit and debit leave the wallet.
    changed: { clients: { [USER]: KYC_FIELDS }, withdrawalRequests: { Wr000001: ['comment', 'status'], Wr000002: ['approved_nodes', 'status'] } },
    other: [],
  });
  expect(after.wallets).toEqual(before.wallets);
  expect(after.accounts.find((a: any) => a.login === 200118)).toEqual(before.accounts.find((a: any) => a.login === 200118));
});

it('--money undoes nothing it did not do: a refused deposit is not followed by the withdrawal', async () => {
  const { report, before, after } = await run({ testUser: USER, writes: true, money: { login: 999999, connectionId: 'Cn4Mt001' }, yes: true });
  const byId = Object.fromEntries(report.results.map((r) => [r.operationId, r]));
  expect(byId.depositToMt4Account).toMatchObject({ verdict: 'conforms', status: 400 });
  expect(byId.withdrawFromMt4Account).toMatchObject({ verdict: 'skipped', reason: 'not called: it undoes the deposit, which did not answer 204 (made)' });
  expect(stateDiff(before, after).added.transactions).toBeUndefined();
});

it('--money against a CRM whose wallet credit fails: the credit is not re-sent, and no debit is sent blindly', async () => {
  sandbox.reset();
  const failing = await startDriftedCrm(sandbox.url, { 'PATCH /public/v1/wallets/balance': { answer: { status: 500, body: { type: 'internal_error' } } } });
  try {
    const report = await verifyCrm({ baseUrl: failing.url, apiKey: KEY, signingSecret: SECRET, runId: RUN, testUser: USER, writes: true, money: { login: 200118, connectionId: 'Cn4Mt001' }, yes: true });
    expect(report.results.find((r) => r.operationId === 'updateWalletBalance')).toMatchObject({
      verdict: 'undocumented-status',
      status: 500,
      reason: 'answered 500; documented: 200, 400, 403 (a write: never re-sent; look for its effect at the test user); not reversed: its outcome is unknown (look at the test user)',
    });
    expect(failing.requests.filter((r) => r.startsWith('PATCH'))).toHaveLength(1);
  } finally {
    await failing.stop();
  }
});

it('--money is refused before any call unless confirmed', async () => {
  const from = crm.requests.length;
  const options = { baseUrl: crm.url, apiKey: KEY, signingSecret: SECRET, testUser: USER, writes: true, money: { login: 200118, connectionId: 'Cn4Mt001' } };
  await expect(verifyCrm(options)).rejects.toThrow('money moves only when confirmed');
  const asked: string[][] = [];
  await expect(verifyCrm({ ...options, confirm: (plan) => (asked.push(plan), false) })).rejects.toThrow('not confirmed: nothing was called');
  expect(asked[0]).toEqual([
    expect.stringMatching(/^deposit 0\.01 USD to MT4 account 200118 \(connection Cn4Mt001\)/),
    expect.stringMatching(/^then withdraw 0\.01 USD from it/),
    expect.stringMatching(/^credit 0\.01 USD to the USD wallet of user 3fA9kQ2z/),
    expect.stringMatching(/^then debit 0\.01 USD from it/),
  ]);
  expect(crm.requests.length).toBe(from);
});

it('a v1 CRM: auto detects v1, and the reads conform', async () => {
  const v1 = await startSandboxCrm({ apiKey: KEY, signatureVersion: 'v1' });
  try {
    const report = await verifyCrm({ baseUrl: v1.url, apiKey: KEY });
    expect(report.signature).toEqual({ version: 'v1', how: 'detected', detail: 'the CRM refused the V2 signature and accepted v1' });
    expect(notPassing(report).filter((line) => !line.includes(': skipped'))).toEqual([]);
  } finally {
    await v1.stop();
  }
});

it('no report holds the key, the signing secret, a signature sent, or a value of a secret or personal field', async () => {
  const { report } = await run({ testUser: USER, writes: true, money: { login: 200118, connectionId: 'Cn4Mt001' }, yes: true });
  expect(crm.signatures.size).toBeGreaterThan(5);
  expect(crm.sensitiveValues.size).toBeGreaterThan(10);
  expect(leaksIn(report, [KEY, SECRET, ...crm.signatures, ...crm.sensitiveValues])).toEqual([]);
  // The scan would see one: a report that quoted an e-mail of the state.
  const planted = { ...report, results: report.results.map((r, i) => (i === 0 ? { ...r, reason: `saw ${[...crm.sensitiveValues].find((v) => v.includes('@'))}` } : r)) };
  expect(leaksIn(planted, crm.sensitiveValues).length).toBeGreaterThan(0);
});
