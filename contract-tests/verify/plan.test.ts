// What a run calls with: the spec's examples pointed at the test user, and the run's own e-mails (in the
// `.invalid` domain), passwords, comments and order ids wherever an example could name someone's data.
// Every input the plan makes keeps to the spec (the client would refuse it otherwise).
import { exampleInputs } from '../../generated/crm-rest.example-inputs';
import { requestSchemas } from '../../generated/crm-rest.request-schemas';
import { requestValidators } from '../../src/core/validation/request-validators';
import { CRM_REST_FORMATS } from '../../src/core/validation/formats';
import { inputProblem } from '../../src/core/validation/messages';
import { planRun, type PlanContext, type Step } from '../../src/testing/verify/plan';
import { OPERATIONS } from '../../src/testing/verify/tiers';

const validators: Record<string, ReturnType<typeof requestValidators>[string]> = requestValidators(requestSchemas, CRM_REST_FORMATS);
const USER = 'Us3rTest';
const MONEY: PlanContext = { runId: 'plan0001', testUser: USER, writes: true, money: { login: 200118, connectionId: 'Cn4Mt001', currency: 'EUR' }, rejectRequest: 'Rq000001', approveRequest: 'Rq000002' };
const steps = (context: PlanContext): Step[] => {
  const plan = planRun(context);
  return [...plan.concurrent, ...plan.sequential];
};
const inputOf = (context: PlanContext, id: string) => steps(context).find((s) => s.entry.id === id)!.calls.map((c) => c.input);

it.each([
  ['read-only', { runId: 'plan0001' }],
  ['read-only for a test user', { runId: 'plan0001', testUser: USER }],
  ['every tier', MONEY],
] as [string, PlanContext][])('%s: every input keeps to the spec', (_name, context) => {
  const problems = steps(context).flatMap((step) => step.calls.map((call) => [step.entry.id, inputProblem(validators[step.entry.id]!, { path: call.input.path ?? {}, query: call.input.query ?? {}, ...(call.input.body === undefined ? {} : { body: call.input.body }) })]));
  expect(problems.filter(([, problem]) => problem)).toEqual([]);
});

it('calls each operation of the tiers asked for once, and skips the rest saying why', () => {
  const read = planRun({ runId: 'plan0001' });
  expect(read.concurrent.map((s) => s.entry.id)).toEqual(OPERATIONS.filter((op) => op.idempotent).map((op) => op.id));
  expect(read.sequential).toEqual([]);
  expect(read.skipped.map((s) => s.reason)).toEqual(expect.arrayContaining(['creates or changes data: the write tier (--writes --test-user ID)', 'moves money: the money tier (--writes --money --account LOGIN --connection ID)']));
  const all = planRun(MONEY);
  expect([...all.concurrent, ...all.sequential].map((s) => s.entry.id).sort()).toEqual(OPERATIONS.map((op) => op.id).sort());
  expect(all.skipped).toEqual([]);
  const unnamed = planRun({ ...MONEY, rejectRequest: undefined, approveRequest: undefined }).skipped.map((s) => s.entry.id);
  expect(unnamed).toEqual(['approveWithdrawalRequest', 'rejectWithdrawalRequest']);
});

it('points reads at the test user, and looks up the referral tree of an e-mail no client can have without one', () => {
  expect(inputOf({ runId: 'plan0001', testUser: USER }, 'getClient')).toEqual([{ path: { id: USER } }]);
  expect(inputOf({ runId: 'plan0001', testUser: USER }, 'listClientBankcards')).toEqual([{ path: { user_id: USER } }]);
  expect(inputOf({ runId: 'plan0001', testUser: USER }, 'getTransactionsReport')[0]!.body).toMatchObject({ user_id: USER });
  // A document id, not a user id: the example's.
  expect(inputOf({ runId: 'plan0001', testUser: USER }, 'getS3UploadSignature')).toEqual([{ query: exampleInputs.getS3UploadSignature!.query }]);
  expect(inputOf({ runId: 'plan0001' }, 'getClientDownlines')).toEqual([{ body: { email: 'signature-probe@crm-open-api.invalid' } }]);
  expect(inputOf({ runId: 'plan0001', testUser: USER }, 'getClientUplines')).toEqual([{ body: { user_id: USER } }]);
});

it("writes with the run's own e-mails, comments and order ids, never an example's e-mail or password, and tell no one", () => {
  const sent = JSON.stringify(steps(MONEY).filter((s) => s.tier !== 'read').map((s) => s.calls));
  for (const value of ['jane.doe@mail.test', 'lee.prospect@mail.test', 'new.trader@mail.test', 'S3cret-pass', 'Trade2024', 'Ib9Xw4Qe']) expect(sent).not.toContain(value);
  expect(sent).not.toContain('"send_email":true');
  expect(inputOf(MONEY, 'createLead')).toEqual([{ body: { email: 'verify-plan0001-lead@crm-open-api.invalid', name: 'crm-open-api verify' } }]);
  expect(inputOf(MONEY, 'createClient')[0]!.body).toMatchObject({ email: 'verify-plan0001-client@crm-open-api.invalid', send_email: false });
  expect(inputOf(MONEY, 'depositToMt4Account')).toEqual([{ path: { login: 200118 }, body: { connection_id: 'Cn4Mt001', currency: 'EUR', amount: '0.01', comment: 'crm-open-api-verify-plan0001-deposit', user_id: USER, send_email: false, send_pop_up: false } }]);
  expect(inputOf(MONEY, 'updateWalletBalance').map((input) => input.body)).toEqual([
    { user_id: USER, currency: 'EUR', amount: 0.01, order_id: 'crmv-plan0001-cr' },
    { user_id: USER, currency: 'EUR', amount: -0.01, order_id: 'crmv-plan0001-db' },
  ]);
});

it('undoes each movement where the API allows, only after it was made, and reads the wallet order it made', () => {
  const plan = planRun(MONEY);
  const order = plan.sequential.map((s) => s.entry.id);
  expect(order.indexOf('withdrawFromMt4Account')).toBe(order.indexOf('depositToMt4Account') + 1);
  expect(plan.sequential.find((s) => s.entry.id === 'withdrawFromMt4Account')!.after).toEqual({ operationId: 'depositToMt4Account', statuses: [204], otherwise: 'not called: it undoes the deposit, which did not answer 204 (made)' });
  expect(plan.sequential.find((s) => s.entry.id === 'updateWalletBalance')!.reverseOn).toEqual([200]);
  expect(order.indexOf('getWalletBalanceOrder')).toBe(order.indexOf('updateWalletBalance') + 1);
  expect(inputOf(MONEY, 'getWalletBalanceOrder')).toEqual([{ path: { order_id: 'crmv-plan0001-cr' } }]);
  expect(plan.money).toEqual([
    'deposit 0.01 EUR to MT4 account 200118 (connection Cn4Mt001), comment crm-open-api-verify-plan0001-deposit',
    'then withdraw 0.01 EUR from it, comment crm-open-api-verify-plan0001-withdrawal (undoes the deposit; only if the deposit answered 204)',
    'credit 0.01 EUR to the EUR wallet of user Us3rTest (order crmv-plan0001-cr)',
    'then debit 0.01 EUR from it (order crmv-plan0001-db; undoes the credit, only if it answered 200)',
    'approve withdrawal request Rq000002 (pays it out: this cannot be undone)',
  ]);
});
