// What a run will call, with which input, in which order: each operation's input is the spec's example
// (generated/crm-rest.example-inputs.ts) pointed at the tenant's test user, except where calling the example
// could touch someone else's data: then an e-mail that cannot exist (the `.invalid` domain), a comment or an
// order id of this run, the account the tenant named, or nothing at all (skipped, saying what to name).
import { exampleInputs } from '../../../generated/crm-rest.example-inputs';
import type { OperationEntry } from '../../core/validation/types';
import { PROBE_EMAIL } from '../../rest/detect-signature-version';
import { OPERATIONS, TIER_SKIPPED, tierOf, tiersOf } from './tiers';
import type { MoneyTarget, Tier } from './types';

export interface CallInput {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

export interface PlannedCall {
  input: CallInput;
  /** What the call does, for the plan printed before a run that writes (never a secret). */
  does?: string;
}

export interface Step {
  entry: OperationEntry;
  tier: Tier;
  /** One call, or a call and the one that reverses it (made only when the first answered `reverseOn`). */
  calls: PlannedCall[];
  reverseOn?: number[];
  /** Made only when another operation of the run answered one of `statuses` (a withdrawal undoes a deposit). */
  after?: { operationId: string; statuses: number[]; otherwise: string };
}

export interface RunPlan {
  /** Reads, made first, `concurrency` at a time. */
  concurrent: Step[];
  /** Writes and money movements (and the reads that look at them), one at a time, in this order. */
  sequential: Step[];
  skipped: { entry: OperationEntry; tier: Tier; reason: string }[];
  /** What the write tier will do, one line a call. */
  writes: string[];
  /** What the money tier will do, one line a call: shown before asking for confirmation. */
  money: string[];
}

export interface PlanContext {
  /** 8 lower-case letters or digits: names the run's e-mails, comments and order ids. */
  runId: string;
  testUser?: string;
  writes?: boolean;
  money?: MoneyTarget;
  rejectRequest?: string;
  approveRequest?: string;
}

/** The smallest amounts: one cent (MT4 amounts are decimal strings, wallet amounts numbers). */
const SMALLEST = { mt4: '0.01', wallet: 0.01 } as const;

const CHARSET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A password no one knows: a created client or a registration must not open with the spec's example one. */
function randomPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `Vf7!${[...bytes].map((b) => CHARSET[b % CHARSET.length]).join('')}`;
}

export function randomRunId(): string {
  return [...crypto.getRandomValues(new Uint8Array(8))].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');
}

const example = (id: string): CallInput => structuredClone(exampleInputs[id] ?? {}) as CallInput;

/** Every `user_id` (and the `{id}` of a /users/{id} path) pointed at the test user. */
function forTestUser(entry: OperationEntry, input: CallInput, testUser: string | undefined): CallInput {
  if (!testUser) return input;
  const swap = (value: unknown): unknown =>
    value !== null && typeof value === 'object'
      ? Array.isArray(value)
        ? value.map(swap)
        : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'user_id' ? testUser : swap(v)]))
      : value;
  const path = swap(input.path) as CallInput['path'];
  if (path && entry.path.startsWith('/public/v1/users/{id}')) path.id = testUser;
  return { ...(path ? { path } : {}), ...(input.query ? { query: swap(input.query) as CallInput['query'] } : {}), ...(input.body === undefined ? {} : { body: swap(input.body) }) };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The run's own inputs of the operations that write, move money, or would otherwise name someone's data. */
function runInputs(context: PlanContext): Record<string, (entry: OperationEntry) => Omit<Step, 'entry' | 'tier'> | string> {
  const { runId, testUser, money, rejectRequest, approveRequest } = context;
  const email = (what: string) => `verify-${runId}-${what}@crm-open-api.invalid`;
  const comment = (what: string) => `crm-open-api-verify-${runId}-${what}`;
  const password = randomPassword();
  const quiet = { send_email: false, notify: false, pop_up: false };
  const ex = (id: string) => example(id).body as Json;
  const user = testUser ?? '';
  const currency = money?.currency ?? 'USD';
  const order = (what: 'cr' | 'db') => `crmv-${runId}-${what}`;
  // The test user's referral tree; without one, that of the e-mail doctor probes with, which no client can have.
  const lookup = () => ({ calls: [{ input: { body: testUser ? { user_id: testUser } : { email: PROBE_EMAIL } } }] });
  return {
    getClientUplines: lookup,
    getClientDownlines: lookup,
    validateClientCredentials: () => ({ calls: [{ input: { body: { email: PROBE_EMAIL, password } }, does: `check credentials of ${PROBE_EMAIL} (no such client)` }] }),
    createClient: () => ({
      calls: [{ input: { body: { email: email('client'), password, repeat_password: password, update_password: false, form_id: ex('createClient').form_id, send_email: false } }, does: `create a client ${email('client')}` }],
    }),
    submitClientKyc: () => ({ calls: [{ input: { path: { user_id: user }, body: { form_id: ex('submitClientKyc').form_id } }, does: `submit a KYC profile (form ${ex('submitClientKyc').form_id}) for user ${user}` }] }),
    createLead: () => ({ calls: [{ input: { body: { email: email('lead'), name: 'crm-open-api verify' } }, does: `create a lead ${email('lead')}` }] }),
    createMt4Account: () => {
      const { connection_id, group, leverage } = ex('createMt4Account');
      const connection = money?.connectionId ?? connection_id;
      return { calls: [{ input: { path: { user_id: user }, body: { connection_id: connection, group, leverage, send_email: false } }, does: `open an MT4 account (connection ${connection}, group ${group}) for user ${user}` }] };
    },
    createMt5Account: () => {
      const { connection_id, group, leverage } = ex('createMt5Account');
      return { calls: [{ input: { path: { user_id: user }, body: { connection_id, group, leverage, send_email: false } }, does: `open an MT5 account (connection ${connection_id}, group ${group}) for user ${user}` }] };
    },
    rejectWithdrawalRequest: () =>
      rejectRequest
        ? { calls: [{ input: { body: { id: rejectRequest, comment: 'crm-open-api verify', ...quiet } }, does: `reject withdrawal request ${rejectRequest}` }] }
        : 'names no withdrawal request to reject (--reject-request ID: a pending request of the test user)',
    sendRegistrationOtp: () => ({
      calls: [{ input: { body: { email: email('registration'), type: 'trader', otp_type: 'email', password, repeat_password: password, form_id: ex('sendRegistrationOtp').form_id } }, does: `start a registration of ${email('registration')} (its one-time password goes nowhere)` }],
    }),
    submitMultiStepRegistration: () => {
      const { register, kyc } = ex('submitMultiStepRegistration');
      const body = { trader_register: 'trader_register', register: { email: email('registration'), type: 'trader', email_code: register.email_code, password, repeat_password: password, form_id: register.form_id }, kyc: { form_id: kyc.form_id } };
      return { calls: [{ input: { body }, does: `finish the registration of ${email('registration')} with the spec's example code (refused unless it is that code)` }] };
    },
    depositToMt4Account: () => {
      if (!money) return TIER_SKIPPED.money;
      const body = { connection_id: money.connectionId, currency, amount: SMALLEST.mt4, comment: comment('deposit'), user_id: user, send_email: false, send_pop_up: false };
      return { calls: [{ input: { path: { login: money.login }, body }, does: `deposit ${SMALLEST.mt4} ${currency} to MT4 account ${money.login} (connection ${money.connectionId}), comment ${comment('deposit')}` }] };
    },
    withdrawFromMt4Account: () => {
      if (!money) return TIER_SKIPPED.money;
      const body = { connection_id: money.connectionId, currency, amount: SMALLEST.mt4, comment: comment('withdrawal'), user_id: user, send_email: false, send_pop_up: false };
      return {
        calls: [{ input: { path: { login: money.login }, body }, does: `then withdraw ${SMALLEST.mt4} ${currency} from it, comment ${comment('withdrawal')} (undoes the deposit; only if the deposit answered 204)` }],
        // Only after a deposit that was made: otherwise it would take the tenant's own money.
        after: { operationId: 'depositToMt4Account', statuses: [204], otherwise: 'not called: it undoes the deposit, which did not answer 204 (made)' },
      };
    },
    updateWalletBalance: () => ({
      calls: [
        { input: { body: { user_id: user, currency, amount: SMALLEST.wallet, order_id: order('cr') } }, does: `credit ${SMALLEST.wallet} ${currency} to the ${currency} wallet of user ${user} (order ${order('cr')})` },
        { input: { body: { user_id: user, currency, amount: -SMALLEST.wallet, order_id: order('db') } }, does: `then debit ${SMALLEST.wallet} ${currency} from it (order ${order('db')}; undoes the credit, only if it answered 200)` },
      ],
      reverseOn: [200],
    }),
    approveWithdrawalRequest: () =>
      approveRequest
        ? { calls: [{ input: { body: { id: approveRequest, comment: 'crm-open-api verify', ...quiet } }, does: `approve withdrawal request ${approveRequest} (pays it out: this cannot be undone)` }] }
        : 'names no withdrawal request to approve (--approve-request ID: a pending request of the test user; paying it out cannot be undone)',
  };
}

/** The run: which operations are called in which order with which input, and which are skipped and why. */
export function planRun(context: PlanContext): RunPlan {
  const tiers = new Set(tiersOf(context));
  const own = runInputs(context);
  const plan: RunPlan = { concurrent: [], sequential: [], skipped: [], writes: [], money: [] };
  let walletOrderRead: Step | undefined;
  for (const entry of OPERATIONS) {
    const tier = tierOf(entry);
    if (tier !== 'read' && !tiers.has(tier)) {
      plan.skipped.push({ entry, tier, reason: TIER_SKIPPED[tier] });
      continue;
    }
    const made = own[entry.id]?.(entry) ?? { calls: [{ input: forTestUser(entry, example(entry.id), context.testUser) }] };
    if (typeof made === 'string') {
      plan.skipped.push({ entry, tier, reason: made });
      continue;
    }
    const step: Step = { entry, tier, ...made };
    if (tier === 'read') {
      // With the money tier, the order-status read asks about the run's own wallet credit, once it is made.
      if (entry.id === 'getWalletBalanceOrder' && tiers.has('money')) walletOrderRead = { ...step, calls: [{ input: { path: { order_id: `crmv-${context.runId}-cr` } } }] };
      else plan.concurrent.push(step);
      continue;
    }
    plan.sequential.push(step);
    for (const call of step.calls) if (call.does) plan[tier === 'money' ? 'money' : 'writes'].push(call.does);
  }
  if (walletOrderRead) {
    const at = plan.sequential.findIndex((step) => step.entry.id === 'updateWalletBalance');
    plan.sequential.splice(at + 1, 0, walletOrderRead);
  }
  return plan;
}
