// The property: across 1,000 random sequences of money operations with random faults before and after
// commit (reset, stall, 503, 429) and random delays before reconciling, every intended movement is applied
// exactly once or reported with its outcome, never twice; deposits inside the repeat window and wallet
// updates always settle. The sandbox's state is the judge. The figures are printed for the closing note.
import type { CrmClient } from '../../src/rest/client';
import { CrmAmbiguousOutcomeError, CrmNotAppliedError, type Reconciliation } from '../../src/core/errors';
import { reconcile } from '../../src/rest/reconcile/reconcile';
import type { FaultKind } from '../../src/testing/sandbox/faults';
import { seededRandom } from '../harness/random';
import { useSandbox } from '../harness/sandbox';

const SEQUENCES = 1000;
const WINDOW_MS = 120_000;
const MARGIN_MS = 30_000;
const box = useSandbox();
const random = seededRandom(20261126);

type Kind = 'deposit' | 'withdrawal' | 'wallet' | 'approve';
const KINDS: Kind[] = ['deposit', 'withdrawal', 'wallet', 'approve'];
const OPERATION: Record<Kind, string> = { deposit: 'depositToMt4Account', withdrawal: 'withdrawFromMt4Account', wallet: 'updateWalletBalance', approve: 'approveWithdrawalRequest' };
const FAULTS: { fault: FaultKind; status?: number }[] = [
  { fault: 'reset-before-commit' }, { fault: 'stall-before-commit' }, { fault: 'status-before-commit', status: 503 }, { fault: 'status-before-commit', status: 429 },
  { fault: 'reset-after-commit' }, { fault: 'stall-after-commit' }, { fault: 'status-after-commit', status: 503 }, { fault: 'status-after-commit', status: 429 },
];

type Outcome = Reconciliation['outcome'] | 'answered';
interface Intent {
  kind: Kind;
  handle: string;
  amount: string;
  faulted: boolean;
  /** Reconciled while less than window - margin had passed since it was sent. */
  insideWindow: boolean;
  outcome: Outcome;
  evidence?: Record<string, unknown>;
}

const amount = () => `${1 + random.int(50)}.${String(random.int(100)).padStart(2, '0')}`;
/** Exact units of 10^-8, to judge balances without floats. */
const toUnits = (text: string | number) => {
  const [whole = '0', fraction = ''] = String(text).replace('-', '').split('.');
  const value = BigInt(whole) * 100_000_000n + BigInt(fraction.padEnd(8, '0'));
  return String(text).startsWith('-') ? -value : value;
};

async function send(crm: CrmClient, intent: Intent): Promise<Response> {
  const common = { connection_id: 'Cn4Mt001', currency: 'USD', amount: intent.amount, comment: intent.handle };
  if (intent.kind === 'deposit') return (await crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: common })).response;
  if (intent.kind === 'withdrawal') return (await crm.POST('/public/v1/mt4/accounts/{login}/withdrawal', { params: { path: { login: 200118 } }, body: common })).response;
  if (intent.kind === 'wallet') return (await crm.PATCH('/public/v1/wallets/balance', { body: { user_id: '3fA9kQ2z', currency: 'USD', amount: Number(intent.amount), order_id: intent.handle } })).response;
  return (await crm.POST('/public/v1/requests/withdrawal/approve', { body: { id: intent.handle } })).response;
}

const tally: Record<Kind, Record<string, number>> = Object.fromEntries(KINDS.map((k) => [k, { intents: 0, faulted: 0, answered: 0, applied: 0, not_applied: 0, already_decided: 0, unknown: 0, unknownInsideWindow: 0, appliedTwice: 0 }])) as never;

async function runSequence(sequence: number): Promise<void> {
  box.sandbox.reset();
  const now = () => box.sandbox.now();
  const intents: Intent[] = [];
  const length = 1 + random.int(4);
  for (let step = 0; step < length; step++) {
    const kind = random.pick(KINDS);
    const handle =
      kind === 'wallet' ? `ord-${String(sequence).padStart(6, '0')}-${String(step).padStart(5, '0')}` :
      kind === 'approve' ? box.sandbox.createWithdrawalRequest({ user_id: '3fA9kQ2z', amount: amount() }).id :
      `p-${sequence}-${step}`;
    const intent: Intent = { kind, handle, amount: kind === 'wallet' && random.next() < 0.3 ? `-${amount()}` : amount(), faulted: random.next() < 0.6, insideWindow: true, outcome: 'answered' };
    intents.push(intent);
    box.sandbox.advanceClock(random.int(10_000));
    if (intent.faulted) box.sandbox.injectFault({ operationId: OPERATION[kind], ...random.pick(FAULTS) });
    const auto = random.next() < 0.5;
    // How long after the loss reconciliation starts; the window's edge less the margin is at 90 s.
    const delay = random.pick([0, 1_000, 45_000, 89_000, 91_000, 150_000, 600_000]);
    intent.insideWindow = delay < WINDOW_MS - MARGIN_MS;
    // The transport logs the loss before it throws: that is when the clock jumps, in both modes. Short
    // timeouts end stalls quickly; a spurious one is one more lost answer, which the invariants cover too,
    // and the idempotent look-ups are retried through it.
    const logger = { error: (message: string) => void (message === 'crm outcome unknown' && box.sandbox.advanceClock(delay)) };
    const crm = box.client({ clock: now, timeoutMs: 40, maxRetries: 2, backoff: { initialMs: 1, maxMs: 5 }, logger, ...(auto ? { autoReconcile: { safetyMarginMs: MARGIN_MS } } : {}) });
    try {
      const answer = await send(crm, intent);
      intent.outcome = answer.headers.get('x-crm-reconciled') ? settledFrom(answer) : 'answered';
    } catch (error) {
      if (error instanceof CrmNotAppliedError) {
        intent.outcome = 'not_applied';
        intent.evidence = error.reconciliation.evidence;
      } else if (error instanceof CrmAmbiguousOutcomeError) {
        const found = auto ? error.reconciliation : await reconcile(box.client({ clock: now, timeoutMs: 40, maxRetries: 2, backoff: { initialMs: 1, maxMs: 5 } }), error, { now, safetyMarginMs: MARGIN_MS });
        intent.outcome = found?.outcome ?? 'unknown';
        intent.evidence = found?.evidence;
      } else throw error;
    }
  }
  check(intents);
}

const settledFrom = (answer: Response): Outcome => (answer.status === 400 && answer.headers.get('x-crm-reconciled') === 'resent-decision' ? 'already_decided' : answer.status === 400 ? 'not_applied' : 'applied');

function check(intents: Intent[]): void {
  const state = box.sandbox.state();
  let expectedBalance = toUnits('1520.40');
  const walletBefore = toUnits('1250.5');
  let expectedWallet = walletBefore;
  for (const intent of intents) {
    const t = tally[intent.kind];
    t.intents! += 1;
    if (intent.faulted) t.faulted! += 1;
    t[intent.outcome] = (t[intent.outcome] ?? 0) + 1;
    let appliedCount: number;
    if (intent.kind === 'deposit' || intent.kind === 'withdrawal') {
      appliedCount = state.transactions.filter((x: { comment?: string }) => x.comment === intent.handle).length;
      const sign = intent.kind === 'deposit' ? 1n : -1n;
      expectedBalance += sign * BigInt(appliedCount) * toUnits(intent.amount);
    } else if (intent.kind === 'wallet') {
      appliedCount = state.walletOrders.filter((o: { order_id: string; status: string }) => o.order_id === intent.handle && o.status === 'success').length;
      expectedWallet += BigInt(appliedCount) * toUnits(intent.amount);
    } else {
      appliedCount = state.transactions.filter((x: { type: string; extra: { ref_id?: string } }) => x.type === 'withdrawal' && x.extra.ref_id === intent.handle).length;
    }
    if (appliedCount > 1) t.appliedTwice! += 1;
    const where = `${intent.kind} ${intent.handle} (${intent.outcome})`;
    expect({ where, appliedCount: Math.min(appliedCount, 2) }).toEqual({ where, appliedCount: appliedCount > 1 ? 1 : appliedCount });
    if (intent.outcome === 'answered' || intent.outcome === 'applied' || intent.outcome === 'already_decided') expect({ where, appliedCount }).toEqual({ where, appliedCount: 1 });
    if (intent.outcome === 'not_applied') expect({ where, appliedCount }).toEqual({ where, appliedCount: 0 });
    if (intent.outcome === 'unknown') {
      expect(intent.evidence).toBeDefined();
      if (intent.kind === 'deposit' && intent.insideWindow) t.unknownInsideWindow! += 1;
    }
  }
  expect(state.accounts.find((a: { login: number }) => a.login === 200118)!.balance).toBe(text(expectedBalance));
  expect(toUnits(state.wallets['3fA9kQ2z']!.USD!)).toBe(expectedWallet);
}

const text = (value: bigint) => {
  const abs = value < 0n ? -value : value;
  let fraction = (abs % 100_000_000n).toString().padStart(8, '0').replace(/0+$/, '');
  if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
  return `${value < 0n ? '-' : ''}${abs / 100_000_000n}.${fraction}`;
};

it(`${SEQUENCES} random sequences with faults: every movement applied once or reported, never twice`, async () => {
  for (let sequence = 0; sequence < SEQUENCES; sequence++) await runSequence(sequence);
  process.stdout.write(`reconcile property: ${SEQUENCES} sequences\n${JSON.stringify(tally, null, 1)}\n`);
  for (const kind of KINDS) expect({ kind, appliedTwice: tally[kind].appliedTwice }).toEqual({ kind, appliedTwice: 0 });
  expect(tally.deposit.unknownInsideWindow).toBe(0);
  expect(tally.wallet.unknown).toBe(0);
  expect(tally.approve.unknown).toBe(0);
  expect(KINDS.every((kind) => tally[kind].faulted! > 100)).toBe(true);
  expect(box.violations()).toEqual([]);
}, 240_000);
